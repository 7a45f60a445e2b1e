-- Catalog search, faster. (1) The distinct names of search documents (search_names) with the GiST trigram index
-- that hands out the names nearest a query: thousands of documents share a name ("region_3" in every dataset), so
-- the nearest-name scan runs over names and joins back to the caller's documents through a B-tree on
-- (name, owner_id, id, ordinal). A name is added in the statement that indexes its first document and kept
-- afterwards (a name without documents matches nothing), so a concurrent delete can never lose a live name.
-- (2) Every change to what a search can answer is announced on the channel tributary_search_changes with the id
-- of each user whose results may change (delivered at commit, once per id and transaction): the owner of an
-- inserted or deleted search document, the owner of a collection whose items change, and the owner and the
-- grantee of a share. The HTTP verticles keep a search result cache and drop those users' entries.
CREATE TABLE search_names (
    name text PRIMARY KEY
);
CREATE INDEX search_names_trgm ON search_names USING gist (name gist_trgm_ops);
INSERT INTO search_names SELECT DISTINCT name FROM search_documents;

CREATE INDEX search_documents_name_owner ON search_documents (name, owner_id, id, ordinal) INCLUDE (kind);
DROP INDEX search_documents_name_trgm;

-- One function for both statement triggers: each branch reads only its own transition table.
CREATE FUNCTION search_documents_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- in name order: two transactions adding the same new names take them in the same order
    INSERT INTO search_names (name) SELECT DISTINCT name FROM added ORDER BY name ON CONFLICT DO NOTHING;
    PERFORM pg_notify('tributary_search_changes', o::text) FROM (SELECT DISTINCT owner_id AS o FROM added) a;
  ELSE
    PERFORM pg_notify('tributary_search_changes', o::text) FROM (SELECT DISTINCT owner_id AS o FROM removed) r;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER search_documents_inserted AFTER INSERT ON search_documents
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION search_documents_changed();
CREATE TRIGGER search_documents_deleted AFTER DELETE ON search_documents
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION search_documents_changed();

-- Who may see different results after a change to a collection's items (its owner) or shares (owner, grantee).
CREATE FUNCTION search_visibility_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'DELETE' THEN
    r := OLD;
  ELSE
    r := NEW;
  END IF;
  PERFORM pg_notify('tributary_search_changes', c.owner_id::text) FROM collections c WHERE c.id = r.collection_id;
  IF TG_TABLE_NAME = 'collection_shares' THEN
    PERFORM pg_notify('tributary_search_changes', r.user_id::text);
    IF TG_OP = 'UPDATE' THEN
      PERFORM pg_notify('tributary_search_changes', OLD.user_id::text);
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER collection_items_search AFTER INSERT OR UPDATE OR DELETE ON collection_items
  FOR EACH ROW EXECUTE FUNCTION search_visibility_changed();
CREATE TRIGGER collection_shares_search AFTER INSERT OR UPDATE OR DELETE ON collection_shares
  FOR EACH ROW EXECUTE FUNCTION search_visibility_changed();
