-- Every change to a dataset or its profile is announced on the channel tributary_dataset_changes with the owner's
-- id as payload (delivered at commit, once per owner and transaction). The HTTP verticles keep read caches of
-- dataset metadata, profiles and query tables and drop an owner's entries when this arrives.
CREATE FUNCTION tributary_notify_dataset_change() RETURNS trigger AS $$
DECLARE
  owner uuid;
BEGIN
  IF TG_TABLE_NAME = 'datasets' THEN
    owner := CASE WHEN TG_OP = 'DELETE' THEN OLD.owner_id ELSE NEW.owner_id END;
  ELSE
    SELECT d.owner_id INTO owner FROM datasets d
     WHERE d.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.dataset_id ELSE NEW.dataset_id END;
  END IF;
  IF owner IS NOT NULL THEN
    PERFORM pg_notify('tributary_dataset_changes', owner::text);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER datasets_changed AFTER INSERT OR UPDATE OR DELETE ON datasets
  FOR EACH ROW EXECUTE FUNCTION tributary_notify_dataset_change();
CREATE TRIGGER profiles_changed AFTER INSERT OR UPDATE OR DELETE ON profiles
  FOR EACH ROW EXECUTE FUNCTION tributary_notify_dataset_change();
CREATE TRIGGER stream_parts_changed AFTER INSERT OR DELETE ON stream_parts
  FOR EACH ROW EXECUTE FUNCTION tributary_notify_dataset_change();
