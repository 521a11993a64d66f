//! The versioned schema: migration N brings a store from `user_version`
//! N-1 to N. A store newer than the tool is refused rather than guessed at.

/// The statements of each schema version, in order.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3];

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

/// The audit log (NEN 7513, store/audit.rs). `account` is the slug, not a
/// foreign key, so the log outlives an account that is replaced or removed.
/// The triggers make it append-only for every writer, the tool included.
const V2: &str = "
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    account   TEXT NOT NULL,
    seq       INTEGER NOT NULL,              -- 1, 2, 3, ... per account
    event_id  TEXT NOT NULL UNIQUE,          -- random 128-bit hex
    at        TEXT NOT NULL,                 -- RFC 3339 with offset
    action    TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    operator  TEXT NOT NULL,
    dossier   TEXT,
    migration TEXT,
    detail    TEXT,
    prev_hash TEXT NOT NULL,                 -- the previous line's hash, 64 zeros first
    hash      TEXT NOT NULL,
    UNIQUE (account, seq)
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

/// The migration journal, one row per import of a migration into an
/// account, and the teammate attributions an import could not link.
const V3: &str = "
CREATE TABLE journal (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    migration       TEXT NOT NULL,
    stage           TEXT NOT NULL,         -- 'test' | 'live'
    rehearsal       INTEGER NOT NULL,
    archive_sha256  TEXT NOT NULL,
    status          TEXT NOT NULL,         -- 'started' | 'committed' | 'failed' | 'rolled-back'
    started_at      TEXT NOT NULL,
    started_by      TEXT NOT NULL,
    committed_at    TEXT,
    failure         TEXT,
    rolled_back_at  TEXT,
    rolled_back_by  TEXT,
    signed_off_at   TEXT,
    signed_off_by   TEXT,
    manifest        TEXT,                  -- the archive's manifest.json
    written         TEXT                   -- counts and digests of what the import wrote
);
CREATE INDEX journal_by_migration ON journal (account_id, migration);
CREATE TABLE attributions (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    migration  TEXT NOT NULL,
    email      TEXT NOT NULL,
    name       TEXT,
    PRIMARY KEY (account_id, migration, email)
);
";
