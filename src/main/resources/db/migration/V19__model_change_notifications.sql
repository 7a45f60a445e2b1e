-- Every change to a registered model, its versions or its aliases is announced on the channel of dataset changes
-- (V4) with the owner's id as payload, so the HTTP verticles' owner caches (which now also hold what predict needs
-- of a model version) drop that owner's entries: an alias moved on any node is seen by the next prediction.
CREATE FUNCTION tributary_notify_model_change() RETURNS trigger AS $$
DECLARE
  owner uuid;
BEGIN
  IF TG_TABLE_NAME = 'ml_models' THEN
    owner := CASE WHEN TG_OP = 'DELETE' THEN OLD.owner_id ELSE NEW.owner_id END;
  ELSE
    SELECT m.owner_id INTO owner FROM ml_models m
     WHERE m.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.model_id ELSE NEW.model_id END;
  END IF;
  IF owner IS NOT NULL THEN
    PERFORM pg_notify('tributary_dataset_changes', owner::text);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ml_models_changed AFTER INSERT OR UPDATE OR DELETE ON ml_models
  FOR EACH ROW EXECUTE FUNCTION tributary_notify_model_change();
CREATE TRIGGER ml_model_versions_changed AFTER INSERT OR UPDATE OR DELETE ON ml_model_versions
  FOR EACH ROW EXECUTE FUNCTION tributary_notify_model_change();
CREATE TRIGGER ml_model_aliases_changed AFTER INSERT OR UPDATE OR DELETE ON ml_model_aliases
  FOR EACH ROW EXECUTE FUNCTION tributary_notify_model_change();
