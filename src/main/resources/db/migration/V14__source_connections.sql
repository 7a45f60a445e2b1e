-- Database connections users import from. The password is stored only encrypted (AES-GCM, see source/SecretBox):
-- {nonce || ciphertext+tag} under the key named by key_id.
CREATE TABLE source_connections (
    id                 uuid PRIMARY KEY,
    owner_id           uuid        NOT NULL REFERENCES users (id),
    name               text        NOT NULL,
    type               text        NOT NULL CHECK (type IN ('postgresql', 'mysql')),
    host               text        NOT NULL,
    port               integer     NOT NULL CHECK (port BETWEEN 1 AND 65535),
    database           text        NOT NULL,
    username           text        NOT NULL,
    password_encrypted bytea       NOT NULL,
    key_id             text        NOT NULL,
    ssl_mode           text        NOT NULL DEFAULT 'prefer' CHECK (ssl_mode IN ('disable', 'prefer', 'require')),
    validated_at       timestamptz NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX source_connections_owner_name_key ON source_connections (owner_id, name);
