-- Semantic search. Each search document also carries its text as a sentence for an embeddings model (content,
-- set by a trigger whenever V11's triggers write the document) and whether it has a vector for that text
-- (embedded). EmbeddingVerticle embeds the documents with embedded = false after the changing transaction, in
-- batches; a vector is kept per document, model and text hash, so a document re-indexed with unchanged text is not
-- sent again. Vectors are little-endian float32 in bytea (pgvector is not in the embedded binaries); similarity is
-- computed in Java over the caller's visible documents.
CREATE FUNCTION search_content(k text, doc uuid, n text, par text, det text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE k
    WHEN 'column' THEN search_words(n) || ' (' || coalesce(lower(det) || ' ', '') || 'column of ' || search_words(par) || ')'
    WHEN 'dataset' THEN search_words(n) || coalesce(': ' || (SELECT string_agg(search_words(c->>'name'), ', ')
      FROM datasets d, jsonb_array_elements(coalesce(d.schema, '[]'::jsonb)) c WHERE d.id = doc), '')
    WHEN 'collection' THEN (SELECT search_words(c.name) || coalesce('. ' || nullif(c.description, ''), '')
      || coalesce('. ' || nullif(search_words(array_to_string(c.tags, ', ')), ''), '') FROM collections c WHERE c.id = doc)
    WHEN 'dashboard' THEN (SELECT search_words(b.name) || coalesce('. ' || nullif(b.description, ''), '')
      || coalesce('. ' || (SELECT string_agg(v->>'title', ', ') FROM jsonb_array_elements(b.visualizations) v), '')
      FROM dashboards b WHERE b.id = doc)
  END
$$;

ALTER TABLE search_documents ADD COLUMN content text NOT NULL DEFAULT '';
ALTER TABLE search_documents ADD COLUMN content_hash text GENERATED ALWAYS AS (md5(content)) STORED;
ALTER TABLE search_documents ADD COLUMN embedded boolean NOT NULL DEFAULT false;
CREATE INDEX search_documents_to_embed ON search_documents (kind, id, ordinal) WHERE NOT embedded;

CREATE FUNCTION search_documents_content() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.content := left(coalesce(search_content(NEW.kind, NEW.id, NEW.name, NEW.parent, NEW.detail),
    search_words(NEW.name)), 2000);
  RETURN NEW;
END;
$$;
CREATE TRIGGER search_documents_content BEFORE INSERT ON search_documents
  FOR EACH ROW EXECUTE FUNCTION search_documents_content();

CREATE TABLE search_embeddings (
    kind         text    NOT NULL,
    id           uuid    NOT NULL,
    ordinal      integer NOT NULL,
    model        text    NOT NULL,
    -- md5 of the content the vector was computed from
    content_hash text    NOT NULL,
    -- float32 little-endian, unit length
    vector       bytea   NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, id, ordinal, model)
);

-- What existed before this migration.
UPDATE search_documents SET content = left(coalesce(search_content(kind, id, name, parent, detail),
  search_words(name)), 2000);
