//! The versioned schema in PostgreSQL: the same versions as SQLite's
//! (`store/sqlite/schema.rs`), so both engines agree on what version N
//! holds. Every text column sorts by bytes (`COLLATE "C"`), as SQLite's
//! do, so that both engines hand out rows in the same order and dumps from
//! either are byte-identical.

/// The statements of each schema version, in order.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// The table that records the version (SQLite keeps it in `user_version`).
pub const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS dt_schema (version INTEGER NOT NULL);";

const V1: &str = r#"
CREATE TABLE accounts (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug                TEXT COLLATE "C" NOT NULL UNIQUE,
    name                TEXT COLLATE "C" NOT NULL,
    owner_name          TEXT COLLATE "C" NOT NULL,
    owner_email         TEXT COLLATE "C" NOT NULL,
    read_only_migration TEXT COLLATE "C"
);
CREATE TABLE teammates (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    email            TEXT COLLATE "C" NOT NULL,
    email_fold       TEXT COLLATE "C" NOT NULL,
    name             TEXT COLLATE "C" NOT NULL,
    role             TEXT COLLATE "C" NOT NULL,
    status           TEXT COLLATE "C" NOT NULL,
    groups           TEXT COLLATE "C" NOT NULL,
    origin_migration TEXT COLLATE "C",
    UNIQUE (account_id, email_fold)
);
CREATE TABLE groups (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id          BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key                 TEXT COLLATE "C" NOT NULL,
    name                TEXT COLLATE "C" NOT NULL,
    config              TEXT COLLATE "C" NOT NULL,
    read_only_migration TEXT COLLATE "C",
    origin_migration    TEXT COLLATE "C",
    UNIQUE (account_id, key)
);
CREATE TABLE dossiers (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    group_id         BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    did              TEXT COLLATE "C" NOT NULL,
    did_fold         TEXT COLLATE "C" NOT NULL,
    name             TEXT COLLATE "C" NOT NULL,
    birth_date       TEXT COLLATE "C",
    bsn              TEXT COLLATE "C",
    client_number    TEXT COLLATE "C",
    status           TEXT COLLATE "C" NOT NULL,
    created_at       TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT COLLATE "C" NOT NULL,
    origin_migration TEXT COLLATE "C",
    origin_id        TEXT COLLATE "C",
    UNIQUE (account_id, did_fold)
);
CREATE INDEX dossiers_by_group ON dossiers (group_id, did);
CREATE INDEX dossiers_by_account ON dossiers (account_id, did);
CREATE TABLE contacts (
    dossier_id BIGINT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    relation   TEXT COLLATE "C" NOT NULL,
    phone      TEXT COLLATE "C",
    email      TEXT COLLATE "C",
    PRIMARY KEY (dossier_id, position)
);
CREATE TABLE records (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    dossier_id       BIGINT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    kind             TEXT COLLATE "C" NOT NULL,
    rid              TEXT COLLATE "C" NOT NULL,
    rid_fold         TEXT COLLATE "C" NOT NULL,
    created_at       TEXT COLLATE "C" NOT NULL,
    created_ns       BIGINT NOT NULL,
    sha256           TEXT COLLATE "C",
    body             TEXT COLLATE "C" NOT NULL,
    origin_migration TEXT COLLATE "C",
    origin_id        TEXT COLLATE "C",
    UNIQUE (account_id, kind, rid_fold)
);
CREATE INDEX records_by_dossier ON records (dossier_id, kind, rid);
CREATE INDEX records_by_account ON records (account_id, kind, id);
CREATE INDEX records_by_sha256 ON records (sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX records_by_origin ON records (account_id, origin_migration) WHERE origin_migration IS NOT NULL;
CREATE TABLE blobs (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256 TEXT COLLATE "C" NOT NULL UNIQUE,
    size   BIGINT NOT NULL
);
CREATE TABLE blob_chunks (
    blob_id BIGINT NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
    seq     BIGINT NOT NULL,
    data    BYTEA NOT NULL,
    PRIMARY KEY (blob_id, seq)
);
"#;

/// The audit log: append-only for every role through the triggers
/// (TRUNCATE included), hash-chained by the tool.
const V2: &str = r#"
CREATE TABLE audit (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account   TEXT COLLATE "C" NOT NULL,
    seq       BIGINT NOT NULL,
    event_id  TEXT COLLATE "C" NOT NULL UNIQUE,
    at        TEXT COLLATE "C" NOT NULL,
    action    TEXT COLLATE "C" NOT NULL,
    outcome   TEXT COLLATE "C" NOT NULL CHECK (outcome IN ('success', 'failure')),
    operator  TEXT COLLATE "C" NOT NULL,
    dossier   TEXT COLLATE "C",
    migration TEXT COLLATE "C",
    detail    TEXT COLLATE "C",
    prev_hash TEXT COLLATE "C" NOT NULL,
    hash      TEXT COLLATE "C" NOT NULL,
    UNIQUE (account, seq)
);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM PUBLIC;
"#;

/// The migration journal and the teammate attributions.
const V3: &str = r#"
CREATE TABLE journal (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    migration       TEXT COLLATE "C" NOT NULL,
    stage           TEXT COLLATE "C" NOT NULL,
    rehearsal       BOOLEAN NOT NULL,
    archive_sha256  TEXT COLLATE "C" NOT NULL,
    status          TEXT COLLATE "C" NOT NULL,
    started_at      TEXT COLLATE "C" NOT NULL,
    started_by      TEXT COLLATE "C" NOT NULL,
    committed_at    TEXT COLLATE "C",
    failure         TEXT COLLATE "C",
    rolled_back_at  TEXT COLLATE "C",
    rolled_back_by  TEXT COLLATE "C",
    signed_off_at   TEXT COLLATE "C",
    signed_off_by   TEXT COLLATE "C",
    manifest        TEXT COLLATE "C",
    written         TEXT COLLATE "C"
);
CREATE INDEX journal_by_migration ON journal (account_id, migration);
CREATE TABLE attributions (
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    migration  TEXT COLLATE "C" NOT NULL,
    email      TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C",
    PRIMARY KEY (account_id, migration, email)
);
"#;
