//! The store's contract, written once against the traits. Every engine
//! runs every test here: `engine_tests!` makes one module of tests per
//! engine from a harness that opens a fresh store of that engine.

#![cfg(test)]

use super::*;
use crate::model::{Contact, DossierStatus, Origin, Person, Role, Status};

/// What a test needs of an engine: a fresh, empty store that can be opened
/// again (a second handle on the same data), and a way to make it look
/// written by a newer tool.
pub(super) trait Harness {
    fn open(&self) -> Box<dyn Store>;
    fn set_schema_version(&self, version: i64);
    /// Runs SQL on the store behind the tool's back.
    fn execute(&self, sql: &str);
    /// Opens the same store again to write.
    fn reopen(&self) -> Result<Box<dyn Store>>;
    /// Opens the same store again to read only.
    fn reopen_to_read(&self) -> Result<Box<dyn Store>>;
}

/// The SQLite engine: a store file in a temporary folder.
pub(super) struct Sqlite(tempfile::TempDir);

impl Sqlite {
    pub(super) fn new() -> Self {
        Sqlite(tempfile::tempdir().expect("a temporary folder"))
    }

    fn path(&self) -> std::path::PathBuf {
        self.0.path().join("store.db")
    }
}

impl Harness for Sqlite {
    fn open(&self) -> Box<dyn Store> {
        open(&self.path(), true).expect("the store opens")
    }

    fn set_schema_version(&self, version: i64) {
        let conn = rusqlite::Connection::open(self.path()).expect("the file opens");
        conn.pragma_update(None, "user_version", version)
            .expect("the version is set");
    }

    fn execute(&self, sql: &str) {
        let conn = rusqlite::Connection::open(self.path()).expect("the file opens");
        conn.execute_batch(sql).expect("the SQL runs");
    }

    fn reopen(&self) -> Result<Box<dyn Store>> {
        open(&self.path(), false)
    }

    fn reopen_to_read(&self) -> Result<Box<dyn Store>> {
        open_with_password(&self.path(), None, Access::Read)
    }
}

/// One module of tests per engine: `$harness` is an `Option` of the
/// engine's harness (`None`: the engine is not here, the test is skipped).
macro_rules! engine_tests {
    ($engine:ident, $harness:expr $(, #[$attr:meta])?) => {
        mod $engine {
            engine_tests!(@each $harness, [$(#[$attr])?], [
                accounts_groups_teammates_and_dossiers_read_back,
                records_read_back_in_order_and_by_folded_id,
                contents_round_trip_in_chunks_and_are_stored_once,
                a_read_error_in_contents_is_the_callers,
                a_dropped_transaction_leaves_nothing,
                a_commit_survives_reopening,
                a_newer_schema_is_refused,
                an_older_schema_is_brought_up_to_date_by_a_writer_only,
                the_read_only_mark_refuses_other_writers,
                the_journal_records_an_import_from_start_to_rollback,
                rollback_removes_exactly_what_the_migration_brought,
                audit_lines_chain_per_account,
                an_audit_line_in_a_dropped_transaction_is_gone,
                each_kind_of_audit_break_is_found,
            ]);
        }
    };
    // One test at a time, so that the attributes repeat with each.
    (@each $harness:expr, [$($attr:tt)*], []) => {};
    (@each $harness:expr, [$($attr:tt)*], [$test:ident $(, $rest:ident)* $(,)?]) => {
        #[test]
        $($attr)*
        fn $test() {
            if let Some(h) = $harness {
                super::$test(&h);
            }
        }
        engine_tests!(@each $harness, [$($attr)*], [$($rest),*]);
    };
}

engine_tests!(sqlite, Some(super::Sqlite::new()));
engine_tests!(
    postgres,
    super::Postgres::new(),
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
);

const MIGRATION: &str = "noord-naar-oost";

fn account(slug: &str) -> Account {
    Account {
        slug: slug.into(),
        name: format!("Zorg {slug}"),
        owner: Person {
            name: "Ada Lovelace".into(),
            email: format!("ada@{slug}.example"),
        },
    }
}

fn teammate(email: &str) -> Teammate {
    Teammate {
        email: email.into(),
        name: "Grace Hopper".into(),
        role: Role::Teamgenoot,
        status: Status::Active,
        groups: vec!["wijk-1".into()],
    }
}

fn group(key: &str) -> Group {
    Group {
        key: key.into(),
        name: format!("Team {key}"),
        config: Config::default(),
    }
}

fn dossier(id: &str, origin: Option<&str>) -> Dossier {
    Dossier {
        id: id.into(),
        name: format!("Client {id}"),
        birth_date: Some("1950-01-02".into()),
        bsn: None,
        client_number: Some("42".into()),
        status: DossierStatus::Active,
        created_at: "2024-01-01T09:00:00+01:00".into(),
        updated_at: "2024-02-01T09:00:00+01:00".into(),
        contacts: vec![Contact {
            name: "Jan".into(),
            relation: "zoon".into(),
            phone: None,
            email: Some("jan@example.org".into()),
        }],
        origin: origin.map(|m| Origin {
            migration: m.into(),
            id: format!("src-{id}"),
        }),
    }
}

fn record<'a>(
    kind: &'a str,
    id: &'a str,
    body: &'a str,
    origin: Option<&'a Origin>,
) -> NewRecord<'a> {
    NewRecord {
        kind,
        id,
        created_at: "2024-03-01T10:00:00+01:00",
        created_ns: 1_709_283_600_000_000_000,
        sha256: None,
        body,
        origin,
    }
}

/// One account `a` with a group, a teammate and two dossiers (one of
/// them brought by `MIGRATION`); returns the row ids of account, group and
/// the two dossiers.
fn seed(store: &mut dyn Store) -> (i64, i64, i64, i64) {
    let tx = store.begin().expect("begin");
    let a = tx.add_account(&account("a")).expect("account");
    tx.add_teammate(a, &teammate("grace@a.example"), None)
        .expect("teammate");
    let g = tx.add_group(a, &group("wijk-1"), None).expect("group");
    let d1 = tx
        .add_dossier(a, g, &dossier("d-1", None))
        .expect("dossier");
    let d2 = tx
        .add_dossier(a, g, &dossier("d-2", Some(MIGRATION)))
        .expect("dossier");
    tx.commit().expect("commit");
    (a, g, d1, d2)
}

fn records_of(store: &dyn Store, dossier: i64, kind: &str) -> Vec<String> {
    let mut ids = Vec::new();
    store
        .for_each_record(dossier, kind, &mut |r| {
            ids.push(r.rid);
            Ok(())
        })
        .expect("records");
    ids
}

fn accounts_groups_teammates_and_dossiers_read_back(h: &dyn Harness) {
    let mut store = h.open();
    let (a, g, _, _) = seed(&mut *store);
    let row = store.require_account("a").expect("account a");
    assert_eq!(
        (row.id, row.account, row.read_only),
        (a, account("a"), None)
    );
    assert_eq!(
        store.teammates(a).expect("teammates"),
        [teammate("grace@a.example")]
    );
    let groups = store.groups(a).expect("groups");
    assert_eq!(groups.len(), 1);
    assert_eq!((groups[0].id, &groups[0].group), (g, &group("wijk-1")));
    assert!(store.group(a, "wijk-2").expect("group").is_none());
    let dossiers = store.dossiers(g).expect("dossiers");
    let ids: Vec<_> = dossiers.iter().map(|d| d.dossier.clone()).collect();
    assert_eq!(ids, [dossier("d-1", None), dossier("d-2", Some(MIGRATION))]);
    assert_eq!(store.account_dossiers(a).expect("dossiers").len(), 2);
    let summary = store.accounts().expect("accounts");
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0].groups[0].dossiers, 2);
    let missing = store.require_account("b").expect_err("b is not there");
    match missing {
        Error::Invalid(p) => assert_eq!(p[0].code, Code::AccountNotFound),
        other => panic!("{other}"),
    }
    assert_eq!(store.integrity_check().expect("check"), "ok");
}

fn records_read_back_in_order_and_by_folded_id(h: &dyn Harness) {
    let mut store = h.open();
    let (a, _, d1, d2) = seed(&mut *store);
    let origin = Origin {
        migration: MIGRATION.into(),
        id: "src-r".into(),
    };
    let tx = store.begin().expect("begin");
    for id in ["r-2", "R-1", "r-3"] {
        tx.add_record(a, d1, &record("history", id, "{}", None))
            .expect("record");
    }
    tx.add_record(a, d2, &record("files", "f-1", "{}", Some(&origin)))
        .expect("record");
    assert!(tx.holder(a, "history", "r-1").expect("holder").is_some());
    assert_eq!(
        tx.holder(a, "files", "F-1").expect("holder"),
        Some((Some(MIGRATION.into()), Some("src-r".into())))
    );
    assert_eq!(
        tx.holder(a, "dossiers", "D-2").expect("holder"),
        Some((Some(MIGRATION.into()), Some("src-d-2".into())))
    );
    let kinds = tx.occupied_kinds(a).expect("kinds");
    assert_eq!(kinds.len(), 2);
    tx.commit().expect("commit");

    assert_eq!(records_of(&*store, d1, "history"), ["R-1", "r-2", "r-3"]);
    let mut stored = Vec::new();
    store
        .for_each_account_record(a, "history", &mut |r| {
            stored.push(r.rid);
            Ok(())
        })
        .expect("records");
    assert_eq!(stored, ["r-2", "R-1", "r-3"]);
    let (dossier, _) = store
        .record_place(a, "history", "r-1")
        .expect("place")
        .expect("r-1 is there");
    assert_eq!(dossier, d1);
    assert_eq!(
        store.record_dossier(a, "files", "f-1").expect("place"),
        Some(d2)
    );
    assert_eq!(store.count_records(d1, "history").expect("count"), 3);
    assert_eq!(store.record_count().expect("count"), 4);
    assert_eq!(store.records_not_of(d2, MIGRATION).expect("count"), 0);
    assert_eq!(store.records_not_of(d1, MIGRATION).expect("count"), 3);
    assert_eq!(
        store.migration_records(a, MIGRATION).expect("records"),
        [("files".into(), "f-1".into(), "src-r".into())]
    );
    let rowid = {
        let mut first = None;
        store
            .for_each_record(d2, "files", &mut |r| {
                first = Some(r.rowid);
                Ok(())
            })
            .expect("records");
        first.expect("one file record")
    };
    assert_eq!(store.record(rowid).expect("record").rid, "f-1");
}

fn contents_round_trip_in_chunks_and_are_stored_once(h: &dyn Harness) {
    let mut store = h.open();
    let (a, _, d1, _) = seed(&mut *store);
    // Two and a half chunks, so the chunk boundaries are crossed.
    let content: Vec<u8> = (0..CHUNK_SIZE * 5 / 2).map(|i| (i % 251) as u8).collect();
    let sha = crate::digest::sha256_hex(&content);
    let tx = store.begin().expect("begin");
    for _ in 0..2 {
        tx.add_blob(&sha, content.len() as u64, &mut content.as_slice())
            .expect("store")
            .expect("read");
    }
    assert!(tx.has_blob(&sha).expect("has"));
    let mut rec = record("files", "f-1", "{}", None);
    rec.sha256 = Some(&sha);
    tx.add_record(a, d1, &rec).expect("record");
    tx.commit().expect("commit");
    assert_eq!(store.blob_count().expect("count"), 1);
    assert_eq!(
        store.blob_size(&sha).expect("size"),
        Some(content.len() as u64)
    );
    assert_eq!(store.account_blobs(a).expect("blobs"), [sha.as_str()]);
    let mut out = Vec::new();
    let n = store
        .copy_blob(&sha, &mut out)
        .expect("copy")
        .expect("write");
    assert_eq!((n, out == content), (content.len() as u64, true));
    assert_eq!(store.blob_size("00").expect("size"), None);
}

/// A reader that fails after its first bytes.
struct Failing(usize);

impl std::io::Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.0 == 0 {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = self.0.min(buf.len());
        buf[..n].fill(7);
        self.0 -= n;
        Ok(n)
    }
}

fn a_read_error_in_contents_is_the_callers(h: &dyn Harness) {
    let mut store = h.open();
    seed(&mut *store);
    {
        let tx = store.begin().expect("begin");
        let read = tx
            .add_blob("ab", 10 * CHUNK_SIZE as u64, &mut Failing(CHUNK_SIZE + 5))
            .expect("the store itself did not fail");
        assert_eq!(
            read.expect_err("the read failed").to_string(),
            "the disk went away"
        );
    }
    assert_eq!(store.blob_count().expect("count"), 0);
}

fn a_dropped_transaction_leaves_nothing(h: &dyn Harness) {
    let mut store = h.open();
    {
        let tx = store.begin().expect("begin");
        tx.add_account(&account("a")).expect("account");
        assert!(tx.account_exists("a").expect("exists"));
    }
    assert!(store.account("a").expect("read").is_none());
    assert!(store.accounts().expect("accounts").is_empty());
}

fn a_commit_survives_reopening(h: &dyn Harness) {
    let mut store = h.open();
    seed(&mut *store);
    drop(store);
    let again = h.reopen().expect("the store opens again");
    assert_eq!(
        again.require_account("a").expect("account").account,
        account("a")
    );
}

fn a_newer_schema_is_refused(h: &dyn Harness) {
    drop(h.open());
    h.set_schema_version(999);
    match h.reopen() {
        Err(Error::StoreTooNew { version, .. }) => assert_eq!(version, 999),
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("a store newer than the tool opened"),
    }
}

fn an_older_schema_is_brought_up_to_date_by_a_writer_only(h: &dyn Harness) {
    drop(h.open());
    // A store as version 2 left it: no journal yet.
    h.execute("DROP TABLE attributions; DROP TABLE journal;");
    h.set_schema_version(2);
    for _ in 0..2 {
        match h.reopen_to_read() {
            Err(Error::StoreTooOld { version, known, .. }) => assert_eq!((version, known), (2, 3)),
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("a reader opened a store older than the tool"),
        }
    }
    let writer = h.reopen().expect("a writer migrates");
    assert!(
        writer
            .journal(1, MIGRATION)
            .expect("the journal is there")
            .is_empty()
    );
    drop(writer);
    h.reopen_to_read().expect("now a reader opens it");
}

fn read_only_code(e: Error) -> Code {
    match e {
        Error::Refused(p) => p.code,
        other => panic!("{other}"),
    }
}

fn the_read_only_mark_refuses_other_writers(h: &dyn Harness) {
    let mut store = h.open();
    let (a, g, _, _) = seed(&mut *store);
    let journal = store
        .begin_import(&JournalStart {
            account: a,
            migration: MIGRATION,
            stage: Stage::Test,
            rehearsal: false,
            archive_sha256: "ab",
            operator: "Ada <ada@a.example>",
        })
        .expect("begin import");
    assert!(journal > 0);
    let row = store.require_account("a").expect("account");
    assert_eq!(row.read_only.as_deref(), Some(MIGRATION));
    let tx = store.begin().expect("begin");
    assert!(tx.require_writable(a, Some(MIGRATION)).is_ok());
    let refused = tx.require_writable(a, Some("other")).expect_err("refused");
    assert_eq!(read_only_code(refused), Code::AccountReadOnly);
    let refused = tx
        .update_group_config(a, g, &Config::default())
        .expect_err("refused");
    assert_eq!(read_only_code(refused), Code::AccountReadOnly);
    let refused = tx.delete_account("a").expect_err("refused");
    assert_eq!(read_only_code(refused), Code::AccountReadOnly);
    tx.set_account_read_only(a, None).expect("clear");
    tx.update_group_config(a, g, &Config::default())
        .expect("writable again");
    tx.set_group_read_only(g, Some(MIGRATION)).expect("lock");
    assert_eq!(tx.unlock_groups(a, MIGRATION).expect("unlock"), ["wijk-1"]);
    tx.commit().expect("commit");
    assert!(
        store
            .group(a, "wijk-1")
            .expect("group")
            .expect("there")
            .read_only
            .is_none()
    );
}

fn the_journal_records_an_import_from_start_to_rollback(h: &dyn Harness) {
    let mut store = h.open();
    let (a, _, _, _) = seed(&mut *store);
    let start = JournalStart {
        account: a,
        migration: MIGRATION,
        stage: Stage::Test,
        rehearsal: true,
        archive_sha256: "ab",
        operator: "Ada <ada@a.example>",
    };
    let failed = store.begin_import(&start).expect("begin");
    store.fail_import(failed, "disk full").expect("fail");
    let tx = store.begin().expect("begin");
    tx.set_account_read_only(a, None).expect("unlock");
    tx.commit().expect("commit");
    let id = store.begin_import(&start).expect("begin again");
    assert!(store.imported(a, MIGRATION).expect("imported").is_none());
    let tx = store.begin().expect("begin");
    tx.commit_import(id, "{\"m\":1}", "{\"w\":1}")
        .expect("commit import");
    tx.sign_off(id, "Bob <bob@a.example>").expect("sign off");
    tx.commit().expect("commit");
    let entry = store
        .imported(a, MIGRATION)
        .expect("read")
        .expect("in force");
    assert_eq!(
        (entry.id, entry.stage, entry.rehearsal),
        (id, Stage::Test, true)
    );
    assert_eq!(entry.signed_off_by.as_deref(), Some("Bob <bob@a.example>"));
    assert_eq!(entry.manifest.as_deref(), Some("{\"m\":1}"));
    let tx = store.begin().expect("begin");
    tx.mark_rolled_back(id, "Bob <bob@a.example>")
        .expect("rolled back");
    tx.commit().expect("commit");
    let rows = store.journal(a, MIGRATION).expect("journal");
    let states: Vec<_> = rows.iter().map(|e| e.status).collect();
    use super::journal::Status;
    assert_eq!(states, [Status::Failed, Status::RolledBack]);
    assert_eq!(rows[0].failure.as_deref(), Some("disk full"));
    assert!(store.imported(a, MIGRATION).expect("read").is_none());
}

fn rollback_removes_exactly_what_the_migration_brought(h: &dyn Harness) {
    let mut store = h.open();
    let (a, g, d1, d2) = seed(&mut *store);
    let origin = Origin {
        migration: MIGRATION.into(),
        id: "src".into(),
    };
    let content = b"scan".to_vec();
    let sha = crate::digest::sha256_hex(&content);
    let tx = store.begin().expect("begin");
    tx.add_teammate(a, &teammate("new@a.example"), Some(MIGRATION))
        .expect("teammate");
    let g2 = tx
        .add_group(a, &group("wijk-9"), Some(MIGRATION))
        .expect("group");
    let d3 = tx
        .add_dossier(a, g2, &dossier("d-3", Some(MIGRATION)))
        .expect("dossier");
    tx.add_record(a, d1, &record("history", "own", "{}", None))
        .expect("record");
    let mut moved = record("files", "f-1", "{}", Some(&origin));
    moved.sha256 = Some(&sha);
    tx.add_blob(&sha, 4, &mut content.as_slice())
        .expect("blob")
        .expect("read");
    tx.add_record(a, d3, &moved).expect("record");
    tx.add_attribution(a, MIGRATION, "gone@x.example", Some("Gone"))
        .expect("attribution");
    tx.add_attribution(a, MIGRATION, "gone@x.example", Some("Gone"))
        .expect("an attribution twice is one");
    tx.commit().expect("commit");
    assert!(store.holds_migration_data(a, MIGRATION).expect("holds"));
    assert_eq!(
        store.migration_teammates(a, MIGRATION).expect("teammates"),
        [("new@a.example".into(), "Grace Hopper".into())]
    );
    assert_eq!(
        store.attributions(a, MIGRATION).expect("attributions"),
        [("gone@x.example".into(), Some("Gone".into()))]
    );
    let brought: Vec<_> = store
        .migration_dossiers(a, MIGRATION)
        .expect("dossiers")
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(brought, [d2, d3]);

    let tx = store.begin().expect("begin");
    assert!(tx.has_migration_data(a, MIGRATION).expect("has"));
    let removed = tx.remove_migration(a, MIGRATION).expect("remove");
    assert!(!tx.has_migration_data(a, MIGRATION).expect("has"));
    tx.commit().expect("commit");
    let counts = (
        removed.records,
        removed.dossiers,
        removed.groups,
        removed.teammates,
        removed.files,
    );
    assert_eq!(counts, (1, 2, 1, 1, 1));
    assert!(!store.holds_migration_data(a, MIGRATION).expect("holds"));
    assert!(store.attributions(a, MIGRATION).expect("read").is_empty());
    assert_eq!(records_of(&*store, d1, "history"), ["own"]);
    assert_eq!(store.dossiers(g).expect("dossiers").len(), 1);
    assert_eq!(store.blob_count().expect("count"), 0);
}

fn event<'a>(account: &'a str, action: &'a str, dossier: Option<&'a str>) -> AuditEvent<'a> {
    AuditEvent {
        account,
        action,
        outcome: Outcome::Success,
        operator: "Ada Lovelace <ada@example.org>",
        dossier,
        migration: Some(MIGRATION),
        detail: None,
    }
}

fn audit_lines_chain_per_account(h: &dyn Harness) {
    let mut s = h.open();
    s.audit(&event("a", "export", Some("d-1"))).expect("audit");
    s.audit(&event("b", "import", None)).expect("audit");
    s.audit(&event("a", "export", Some("d-2"))).expect("audit");
    let a = s.audit_log("a").expect("log");
    assert_eq!(a.iter().map(|l| l.seq).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(a[0].prev_hash, audit::GENESIS);
    assert_eq!(a[1].prev_hash, a[0].hash);
    assert_ne!(a[0].event_id, a[1].event_id);
    assert_eq!(a[0].event_id.len(), 32);
    assert_eq!(s.audit_log("b").expect("log")[0].seq, 1);
    assert!(s.verify_audit("a").expect("verify").ok);
    let none = s.verify_audit("nobody").expect("verify");
    assert_eq!((none.lines, none.ok), (0, true));
}

fn an_audit_line_in_a_dropped_transaction_is_gone(h: &dyn Harness) {
    let mut s = h.open();
    {
        let tx = s.begin().expect("begin");
        tx.audit(&event("a", "import", None)).expect("audit");
    }
    assert!(s.audit_log("a").expect("log").is_empty());
}

fn each_kind_of_audit_break_is_found(h: &dyn Harness) {
    let mut s = h.open();
    for d in ["d-1", "d-2", "d-3"] {
        s.audit(&event("a", "export", Some(d))).expect("audit");
    }
    let good = s.audit_log("a").expect("log");

    let mut changed = good.clone();
    changed[1].operator = "Mallory <m@example.org>".into();
    let c = audit::check_chain(&changed);
    assert_eq!((c.ok, c.broken_at), (false, Some(2)));

    let mut removed = good.clone();
    removed.remove(1);
    assert_eq!(audit::check_chain(&removed).broken_at, Some(3));

    let mut rehashed = good.clone();
    rehashed[0].detail = Some("x".into());
    rehashed[0].hash = rehashed[0].expected_hash();
    assert_eq!(audit::check_chain(&rehashed).broken_at, Some(2));
}

/// The PostgreSQL engine: a fresh database per test on the server that
/// `DOSSIER_TRANSFER_TEST_POSTGRES` names, dropped afterwards. Without
/// that variable the tests pass as skipped, unless
/// `DOSSIER_TRANSFER_REQUIRE_TOOLS=1` makes a missing server a failure.
pub(super) struct Postgres {
    admin: String,
    url: String,
    name: String,
}

impl Postgres {
    /// A fresh database, or `None` when no server is configured.
    pub(super) fn new() -> Option<Self> {
        let Ok(admin) = std::env::var("DOSSIER_TRANSFER_TEST_POSTGRES") else {
            assert!(
                std::env::var("DOSSIER_TRANSFER_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "DOSSIER_TRANSFER_TEST_POSTGRES names no PostgreSQL server"
            );
            eprintln!("skipped: DOSSIER_TRANSFER_TEST_POSTGRES is not set");
            return None;
        };
        let mut random = [0u8; 6];
        getrandom::fill(&mut random).expect("random numbers");
        let name = format!("dt_test_{}", crate::digest::hex(&random));
        let mut client = ::postgres::Client::connect(&admin, ::postgres::NoTls)
            .expect("the test server accepts the admin URL");
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("a test database");
        let url = with_database(&admin, &name);
        Some(Postgres { admin, url, name })
    }

    fn address(&self) -> std::path::PathBuf {
        self.url.clone().into()
    }
}

/// The URL with its database replaced by `name` (the path part).
pub(super) fn with_database(url: &str, name: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let path = rest.find(['/', '?']).unwrap_or(rest.len());
    let query = rest[path..].find('?').map_or("", |q| &rest[path + q..]);
    format!("{}{}/{name}{query}", &url[..start], &rest[..path])
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Ok(mut client) = ::postgres::Client::connect(&self.admin, ::postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

impl Harness for Postgres {
    fn open(&self) -> Box<dyn Store> {
        open(&self.address(), true).expect("the store opens")
    }

    fn set_schema_version(&self, version: i64) {
        let mut client =
            ::postgres::Client::connect(&self.url, ::postgres::NoTls).expect("the database opens");
        client
            .execute("UPDATE dt_schema SET version = $1", &[&(version as i32)])
            .expect("the version is set");
    }

    fn execute(&self, sql: &str) {
        let mut client =
            ::postgres::Client::connect(&self.url, ::postgres::NoTls).expect("the database opens");
        client.batch_execute(sql).expect("the SQL runs");
    }

    fn reopen(&self) -> Result<Box<dyn Store>> {
        open(&self.address(), false)
    }

    fn reopen_to_read(&self) -> Result<Box<dyn Store>> {
        open_with_password(&self.address(), None, Access::Read)
    }
}
