-- Collections: named groups of a user's datasets, streams, dashboards and models, shared with other users.
-- Every change bumps version (optimistic locking: UPDATE ... WHERE version = $n) and is an audit event
-- (resource_type 'collection') written in the same transaction; replaying those events rebuilds the state.
CREATE TABLE collections (
    id          uuid PRIMARY KEY,
    owner_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        text        NOT NULL,
    description text,
    tags        text[]      NOT NULL DEFAULT '{}',
    version     integer     NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX collections_owner_name_key ON collections (owner_id, name);
CREATE INDEX collections_tags ON collections USING gin (tags);

-- Members are the owner's things; a member deleted elsewhere simply stops being listed.
CREATE TABLE collection_items (
    collection_id uuid        NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    item_type     text        NOT NULL CHECK (item_type IN ('dataset', 'stream', 'dashboard', 'model')),
    item_id       uuid        NOT NULL,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection_id, item_type, item_id)
);
CREATE INDEX collection_items_item ON collection_items (item_type, item_id);

CREATE TABLE collection_shares (
    collection_id uuid        NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role          text        NOT NULL CHECK (role IN ('viewer', 'editor')),
    granted_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection_id, user_id)
);
CREATE INDEX collection_shares_user ON collection_shares (user_id);
