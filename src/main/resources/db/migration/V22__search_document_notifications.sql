-- The in-memory catalog of each HTTP verticle (SearchIndex) keeps itself current from the channel
-- tributary_search_documents: every statement that inserts, deletes or changes search documents announces, at
-- commit, the id of each dataset, collection or dashboard whose documents changed (once per id and transaction);
-- the catalog reads that id's documents again. PostgreSQL stays the source of truth.
CREATE FUNCTION search_documents_ids_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('tributary_search_documents', i::text) FROM (SELECT DISTINCT id AS i FROM removed) r;
  ELSE
    PERFORM pg_notify('tributary_search_documents', i::text) FROM (SELECT DISTINCT id AS i FROM added) a;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER search_documents_ids_inserted AFTER INSERT ON search_documents
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION search_documents_ids_changed();
CREATE TRIGGER search_documents_ids_deleted AFTER DELETE ON search_documents
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION search_documents_ids_changed();
-- an update of what a search shows (the embedder's updates of other columns announce nothing); a trigger with a
-- column list cannot have transition tables, so this one is per row
CREATE FUNCTION search_document_id_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tributary_search_documents', OLD.id::text);
  PERFORM pg_notify('tributary_search_documents', NEW.id::text);
  RETURN NULL;
END;
$$;
CREATE TRIGGER search_documents_id_updated AFTER UPDATE OF kind, id, ordinal, owner_id, name, parent, detail, tsv
  ON search_documents FOR EACH ROW EXECUTE FUNCTION search_document_id_updated();
