-- The read caches of the HTTP verticles also hold what a user may read through collections: the datasets of the
-- collections they own or that are shared with them (for SQL), and the dashboards they may open. Their entries
-- belong to the reading user, so every change that alters what a user sees is now announced on the channel of
-- dataset changes (V4) with that user's id: a dataset's change to the holders of shares of the collections it is
-- in, a change to a collection, its items or its shares to its owner and every holder of a share of it, and a
-- change to a dashboard to its owner and the holders of shares of the collections that hold it. pg_notify sends one
-- message per payload and transaction, so a change touching many rows costs one message per user.
-- every holder of a share of a collection that holds the item (kind, item)
CREATE FUNCTION tributary_notify_item_readers(kind text, item uuid) RETURNS void AS $$
BEGIN
  PERFORM pg_notify('tributary_dataset_changes', s.user_id::text)
     FROM collection_items i JOIN collection_shares s ON s.collection_id = i.collection_id
    WHERE i.item_type = kind AND i.item_id = item;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION tributary_notify_dataset_change() RETURNS trigger AS $$
DECLARE
  owner uuid;
  dataset uuid;
BEGIN
  IF TG_TABLE_NAME = 'datasets' THEN
    owner := CASE WHEN TG_OP = 'DELETE' THEN OLD.owner_id ELSE NEW.owner_id END;
    dataset := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
  ELSE
    dataset := CASE WHEN TG_OP = 'DELETE' THEN OLD.dataset_id ELSE NEW.dataset_id END;
    SELECT d.owner_id INTO owner FROM datasets d WHERE d.id = dataset;
  END IF;
  IF owner IS NOT NULL THEN
    PERFORM pg_notify('tributary_dataset_changes', owner::text);
  END IF;
  PERFORM tributary_notify_item_readers('dataset', dataset);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- the owner of collection c and every holder of a share of it
CREATE FUNCTION tributary_notify_collection_readers(c uuid) RETURNS void AS $$
BEGIN
  PERFORM pg_notify('tributary_dataset_changes', owner_id::text) FROM collections WHERE id = c;
  PERFORM pg_notify('tributary_dataset_changes', user_id::text) FROM collection_shares WHERE collection_id = c;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION tributary_notify_collection_change() RETURNS trigger AS $$
DECLARE
  c uuid;
BEGIN
  IF TG_TABLE_NAME = 'collections' THEN
    c := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
    PERFORM pg_notify('tributary_dataset_changes', (CASE WHEN TG_OP = 'DELETE' THEN OLD.owner_id ELSE NEW.owner_id END)::text);
  ELSE
    c := CASE WHEN TG_OP = 'DELETE' THEN OLD.collection_id ELSE NEW.collection_id END;
  END IF;
  IF TG_TABLE_NAME = 'collection_shares' THEN
    PERFORM pg_notify('tributary_dataset_changes', (CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END)::text);
  END IF;
  PERFORM tributary_notify_collection_readers(c);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER collections_changed AFTER INSERT OR UPDATE OR DELETE ON collections
  FOR EACH ROW EXECUTE FUNCTION tributary_notify_collection_change();
CREATE TRIGGER collection_items_changed AFTER INSERT OR UPDATE OR DELETE ON collection_items
  FOR EACH ROW EXECUTE FUNCTION tributary_notify_collection_change();
CREATE TRIGGER collection_shares_changed AFTER INSERT OR UPDATE OR DELETE ON collection_shares
  FOR EACH ROW EXECUTE FUNCTION tributary_notify_collection_change();

CREATE FUNCTION tributary_notify_dashboard_change() RETURNS trigger AS $$
DECLARE
  board uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
  PERFORM pg_notify('tributary_dataset_changes', (CASE WHEN TG_OP = 'DELETE' THEN OLD.owner_id ELSE NEW.owner_id END)::text);
  PERFORM tributary_notify_item_readers('dashboard', board);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER dashboards_changed AFTER INSERT OR UPDATE OR DELETE ON dashboards
  FOR EACH ROW EXECUTE FUNCTION tributary_notify_dashboard_change();
