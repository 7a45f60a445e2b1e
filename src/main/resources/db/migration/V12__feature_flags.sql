-- Feature flags, evaluated in-process by every instance (io.tributary.flag). Each change is announced on the
-- channel tributary_flag_changes (payload: the flag key), so every process reloads its copy within about a second.
CREATE TABLE feature_flags (
    key             text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.-]{0,99}$'),
    description     text        NOT NULL DEFAULT '',
    enabled         boolean     NOT NULL DEFAULT true,
    rollout_percent double precision NOT NULL DEFAULT 100 CHECK (rollout_percent BETWEEN 0 AND 100),
    tiers           text[]      NOT NULL DEFAULT '{}',
    allow_users     text[]      NOT NULL DEFAULT '{}',
    deny_users      text[]      NOT NULL DEFAULT '{}',
    variants        jsonb,
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION tributary_notify_flag_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('tributary_flag_changes', CASE WHEN TG_OP = 'DELETE' THEN OLD.key ELSE NEW.key END);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER feature_flags_changed AFTER INSERT OR UPDATE OR DELETE ON feature_flags
  FOR EACH ROW EXECUTE FUNCTION tributary_notify_flag_change();

-- Feature modules: whole capabilities, on for everyone from the start. Their tables exist whatever the flag says.
INSERT INTO feature_flags (key, description) VALUES
  ('module.dashboards', 'Dashboards, visualizations, shares, exports and /ws/analytics'),
  ('module.insights', 'Automatic statistical insights'),
  ('module.ml', 'Model training and serving'),
  ('module.collections', 'Collections'),
  ('module.streams', 'Kafka streams and /ws/streams'),
  ('module.natural_query', 'Natural-language questions (POST /api/v1/query/natural)'),
  ('module.search', 'Search');
