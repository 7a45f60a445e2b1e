-- Catalog search: one document per dataset, column, collection and dashboard, kept current by triggers in the
-- transaction that changes the item. Weighted tsvector (A names, B descriptions, tags and profile facts such as
-- "high nulls", C column names and chart titles, D the dataset a column belongs to) with a GIN index, and a trigram
-- index on names for typos and prefixes (pg_trgm).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE search_documents (
    kind     text    NOT NULL CHECK (kind IN ('dataset', 'column', 'collection', 'dashboard')),
    -- the dataset, collection or dashboard; for a column, its dataset
    id       uuid    NOT NULL,
    -- a column's position (from 1); 0 for the others
    ordinal  integer NOT NULL DEFAULT 0,
    owner_id uuid    NOT NULL,
    name     text    NOT NULL,
    -- a column's dataset name, or null
    parent   text,
    -- a column's type, or null
    detail   text,
    tsv      tsvector NOT NULL,
    PRIMARY KEY (kind, id, ordinal)
);
CREATE INDEX search_documents_tsv ON search_documents USING gin (tsv);
-- GiST, not GIN: it hands out the names nearest a query in order (ORDER BY name <->> q LIMIT k), so a typo
-- or a prefix costs a few index pages, whatever the catalog's size.
CREATE INDEX search_documents_name_trgm ON search_documents USING gist (name gist_trgm_ops);
CREATE INDEX search_documents_owner ON search_documents (owner_id);
CREATE INDEX search_documents_id ON search_documents (id);

-- Words of a name: "customer_orders" searches as "customer orders".
CREATE FUNCTION search_words(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT regexp_replace(coalesce(t, ''), '[_\-\.]+', ' ', 'g')
$$;

CREATE FUNCTION search_index_dataset(ds uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM search_documents WHERE id = ds AND kind IN ('dataset', 'column');
  INSERT INTO search_documents (kind, id, ordinal, owner_id, name, tsv)
  SELECT 'dataset', d.id, 0, d.owner_id, d.name,
         setweight(to_tsvector('english', search_words(d.name)), 'A')
      || setweight(to_tsvector('english', coalesce((SELECT string_agg(search_words(i->>'issue_type'), ' ')
           FROM jsonb_array_elements(p.profile->'issues') i), '')), 'B')
      || setweight(to_tsvector('english', coalesce((SELECT string_agg(search_words(c->>'name'), ' ')
           FROM jsonb_array_elements(d.schema) c), '')), 'C')
    FROM datasets d LEFT JOIN profiles p ON p.dataset_id = d.id
   WHERE d.id = ds AND d.status <> 'failed';
  INSERT INTO search_documents (kind, id, ordinal, owner_id, name, parent, detail, tsv)
  SELECT 'column', d.id, c.n::integer, d.owner_id, c.col->>'name', d.name, c.col->>'type',
         setweight(to_tsvector('english', search_words(c.col->>'name')), 'A')
      || setweight(to_tsvector('english', coalesce((SELECT string_agg(search_words(i->>'issue_type'), ' ')
           FROM jsonb_array_elements(p.profile->'issues') i WHERE i->>'column' = c.col->>'name'), '')), 'B')
      || setweight(to_tsvector('english', search_words(d.name)), 'D')
    FROM datasets d LEFT JOIN profiles p ON p.dataset_id = d.id,
         jsonb_array_elements(coalesce(d.schema, '[]'::jsonb)) WITH ORDINALITY AS c(col, n)
   WHERE d.id = ds AND d.status <> 'failed' AND c.col->>'name' IS NOT NULL;
END;
$$;

CREATE FUNCTION search_datasets_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_index_dataset(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  RETURN NULL;
END;
$$;
CREATE TRIGGER datasets_search_insert_delete AFTER INSERT OR DELETE ON datasets
  FOR EACH ROW EXECUTE FUNCTION search_datasets_changed();
CREATE TRIGGER datasets_search_update AFTER UPDATE ON datasets FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.schema IS DISTINCT FROM NEW.schema OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION search_datasets_changed();

CREATE FUNCTION search_profiles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_index_dataset(CASE WHEN TG_OP = 'DELETE' THEN OLD.dataset_id ELSE NEW.dataset_id END);
  RETURN NULL;
END;
$$;
CREATE TRIGGER profiles_search AFTER INSERT OR UPDATE OR DELETE ON profiles
  FOR EACH ROW EXECUTE FUNCTION search_profiles_changed();

CREATE FUNCTION search_collections_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM search_documents WHERE kind = 'collection' AND id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO search_documents (kind, id, owner_id, name, tsv) VALUES ('collection', NEW.id, NEW.owner_id, NEW.name,
         setweight(to_tsvector('english', search_words(NEW.name)), 'A')
      || setweight(to_tsvector('english', coalesce(NEW.description, '') || ' '
           || search_words(array_to_string(NEW.tags, ' '))), 'B'));
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER collections_search AFTER INSERT OR DELETE OR UPDATE OF name, description, tags ON collections
  FOR EACH ROW EXECUTE FUNCTION search_collections_changed();

CREATE FUNCTION search_dashboards_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM search_documents WHERE kind = 'dashboard' AND id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO search_documents (kind, id, owner_id, name, tsv) VALUES ('dashboard', NEW.id, NEW.owner_id, NEW.name,
         setweight(to_tsvector('english', search_words(NEW.name)), 'A')
      || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B')
      || setweight(to_tsvector('english', coalesce((SELECT string_agg(v->>'title', ' ')
           FROM jsonb_array_elements(NEW.visualizations) v), '')), 'C'));
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER dashboards_search AFTER INSERT OR DELETE OR UPDATE OF name, description, visualizations ON dashboards
  FOR EACH ROW EXECUTE FUNCTION search_dashboards_changed();

-- What existed before this migration.
SELECT search_index_dataset(id) FROM datasets;
INSERT INTO search_documents (kind, id, owner_id, name, tsv)
SELECT 'dashboard', b.id, b.owner_id, b.name, setweight(to_tsvector('english', search_words(b.name)), 'A')
    || setweight(to_tsvector('english', coalesce(b.description, '')), 'B') FROM dashboards b;
