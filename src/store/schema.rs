//! The versioned schema: migration N brings a store from `user_version`
//! N-1 to N. A store newer than the tool is refused rather than guessed at.

/// The statements of each schema version, in order.
pub const MIGRATIONS: &[&str] = &[V1];

const V1: &str = "
CREATE TABLE accounts (
    id                  INTEGER PRIMARY KEY,
    slug                TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    owner_name          TEXT NOT NULL,
    owner_email         TEXT NOT NULL,
    read_only_migration TEXT
);
CREATE TABLE teammates (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    email_fold       TEXT NOT NULL,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL,
    status           TEXT NOT NULL,
    groups           TEXT NOT NULL,        -- JSON array of group keys
    origin_migration TEXT,
    UNIQUE (account_id, email_fold)
);
CREATE TABLE groups (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key                 TEXT NOT NULL,
    name                TEXT NOT NULL,
    config              TEXT NOT NULL,     -- canonical JSON
    read_only_migration TEXT,
    origin_migration    TEXT,
    UNIQUE (account_id, key)
);
CREATE TABLE dossiers (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    group_id         INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    did              TEXT NOT NULL,
    did_fold         TEXT NOT NULL,
    name             TEXT NOT NULL,
    birth_date       TEXT,
    bsn              TEXT,
    client_number    TEXT,
    status           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    origin_migration TEXT,
    origin_id        TEXT,
    UNIQUE (account_id, did_fold)
);
CREATE INDEX dossiers_by_group ON dossiers (group_id, did);
CREATE INDEX dossiers_by_bsn ON dossiers (account_id, bsn);
CREATE TABLE contacts (
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    relation   TEXT NOT NULL,
    phone      TEXT,
    email      TEXT,
    PRIMARY KEY (dossier_id, position)
);
-- One table for every record kind (model/kinds.rs): the columns are what
-- queries select and order on; `body` is the record's canonical JSON.
CREATE TABLE records (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    dossier_id       INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    rid              TEXT NOT NULL,
    rid_fold         TEXT NOT NULL,
    created_at       TEXT NOT NULL,        -- as written, offset included
    created_ns       INTEGER NOT NULL,     -- the same instant, for comparisons
    sha256           TEXT,                 -- file contents a `files` record names
    body             TEXT NOT NULL,
    origin_migration TEXT,
    origin_id        TEXT,
    UNIQUE (account_id, kind, rid_fold)
);
CREATE INDEX records_by_dossier ON records (dossier_id, kind, rid);
CREATE INDEX records_by_sha256 ON records (sha256) WHERE sha256 IS NOT NULL;
-- File contents, once per sha256, in chunks so that no file is ever held
-- whole in memory and no SQLite value limit caps a file's size.
CREATE TABLE blobs (
    id     INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size   INTEGER NOT NULL
);
CREATE TABLE blob_chunks (
    blob_id INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    data    BLOB NOT NULL,
    PRIMARY KEY (blob_id, seq)
);
";
