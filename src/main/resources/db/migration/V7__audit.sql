-- One append-only audit trail for the whole product. Each event is written in the transaction of the change it
-- records and carries the hash of the previous event, so a changed or removed row breaks the chain
-- (GET /api/v1/audit/verify). Appends are serialised by a transaction-level advisory lock.
CREATE TABLE audit_events (
    id            bigserial PRIMARY KEY,
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    actor_id      uuid,
    actor_role    text,
    action        text        NOT NULL,
    resource_type text        NOT NULL,
    resource_id   text,
    before        jsonb,
    after         jsonb,
    request_id    text,
    prev_hash     bytea       NOT NULL,
    hash          bytea       NOT NULL UNIQUE
);
CREATE INDEX audit_events_resource ON audit_events (resource_type, resource_id, id DESC);
CREATE INDEX audit_events_actor ON audit_events (actor_id, id DESC);
CREATE INDEX audit_events_action ON audit_events (action, id DESC);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
