-- Jobs of every kind (uploads, imports, training, backups, restores, exports of user data) share one table,
-- state machine, lease, progress and event stream; job_type tells them apart.
ALTER TABLE jobs ADD COLUMN job_type text NOT NULL DEFAULT 'upload';
-- what a job of another kind is to do, and what it produced
ALTER TABLE jobs ADD COLUMN params jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE jobs ADD COLUMN result jsonb;
-- only uploads have a staged file and a source type; not every kind writes a dataset
ALTER TABLE jobs ALTER COLUMN dataset_id DROP NOT NULL;
ALTER TABLE jobs ALTER COLUMN staging_path DROP NOT NULL;
ALTER TABLE jobs ALTER COLUMN source_type DROP NOT NULL;
ALTER TABLE jobs ALTER COLUMN upload_bytes SET DEFAULT 0;
CREATE INDEX jobs_owner_type ON jobs (owner_id, job_type, created_at DESC);
