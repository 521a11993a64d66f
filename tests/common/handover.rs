//! A handover set up in a temp folder: keys from `keygen`, the source
//! fixture in `source.db`, the target and test accounts in `target.db`,
//! and plans written from a [`PlanSpec`].

use super::fixtures;
use dossier_transfer::fixtures as facts;
use std::path::{Path, PathBuf};

pub const OPERATOR: &str = "Test Operator <operator@noord.example>";
pub const CUT_OFF: &str = facts::CUT_OFF;

pub struct Handover {
    pub tmp: tempfile::TempDir,
    pub recipient: String,
    pub signer: String,
    /// On PostgreSQL: the database behind each store name the tests use
    /// (`source.db`, `target.db`, ...); empty on SQLite, where the names
    /// are files in `tmp`.
    pub databases: Vec<(&'static str, super::pg::TestDb)>,
}

/// The store names a handover test uses; on PostgreSQL each is a database.
const STORES: [&str; 4] = ["source.db", "target.db", "big.db", "big-target.db"];

/// Which dossiers a plan moves.
#[derive(Clone)]
pub enum Sel {
    All(&'static str),
    /// (`id = "…"` or `name = "…"` as written, target group)
    Select(Vec<(String, &'static str)>),
}

/// A plan's variable parts; `Default` is the fixture's main plan at level B.
#[derive(Clone)]
pub struct PlanSpec {
    pub id: &'static str,
    pub cut_off: String,
    pub level: &'static str,
    pub test_account: Option<&'static str>,
    pub selection: Sel,
    /// `[data]` lines, e.g. `("daily_reports", "{ since = \"2025-01-01\" }")`.
    pub data: Vec<(&'static str, String)>,
    pub source_group: &'static str,
}

/// The fixture plan's `[data]` lines (every data type, teammates not).
pub fn all_data() -> Vec<(&'static str, String)> {
    facts::data_lines()
}

impl Default for PlanSpec {
    fn default() -> Self {
        PlanSpec {
            id: facts::MIGRATION_ID,
            cut_off: CUT_OFF.to_owned(),
            level: facts::TEST_LEVEL,
            test_account: Some(facts::TEST_ACCOUNT),
            selection: Sel::All(facts::TARGET_GROUP),
            data: all_data(),
            source_group: facts::SOURCE_GROUP,
        }
    }
}

impl PlanSpec {
    /// The moving selection that passes every check: leaves out d-0011
    /// (created after the cut-off) and d-0005 (member limit).
    pub fn passing() -> Self {
        PlanSpec {
            selection: Sel::Select(
                facts::PASSING
                    .iter()
                    .map(|i| (format!("id = \"{i}\""), facts::TARGET_GROUP))
                    .collect(),
            ),
            ..PlanSpec::default()
        }
    }

    pub fn with_data(mut self, key: &'static str, value: &str) -> Self {
        self.data.retain(|(k, _)| *k != key);
        self.data.push((key, value.to_owned()));
        self
    }
}

impl Handover {
    /// Keys, and the fixtures loaded into `source.db` and `target.db`.
    pub fn new() -> Self {
        Self::with_databases(Vec::new())
    }

    /// The same handover with every store in a PostgreSQL database of its
    /// own; `None` (skipped) when no test server is configured.
    pub fn postgres() -> Option<Self> {
        let admin = super::pg::server()?;
        let dbs = STORES
            .iter()
            .map(|name| (*name, super::pg::TestDb::new(&admin)))
            .collect();
        Some(Self::with_databases(dbs))
    }

    fn with_databases(databases: Vec<(&'static str, super::pg::TestDb)>) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        let (code, _, err) = super::run(dir, &["keygen", "--out", "keys"]);
        assert_eq!(code, 0, "keygen: {err}");
        let read = |f: &str| {
            std::fs::read_to_string(dir.join("keys").join(f))
                .expect("key file")
                .trim()
                .to_owned()
        };
        let recipient = read("recipient.txt");
        let signer = read("signing.pub")
            .lines()
            .last()
            .expect("key line")
            .to_owned();
        let h = Handover {
            tmp,
            recipient,
            signer,
            databases,
        };
        let f = fixtures();
        for (name, db) in [
            (facts::SOURCE_TREE, "source.db"),
            (facts::TARGET_TREE, "target.db"),
            (facts::TEST_TREE, "target.db"),
        ] {
            let tree = f.join(name).display().to_string();
            let (code, _, err) = h.run(&["account", "load", &tree, "--store", db]);
            assert_eq!(code, 0, "load {name}: {err}");
        }
        h
    }

    /// The address of a store name: its database's URL on PostgreSQL,
    /// else the name itself (a file in the handover's folder).
    pub fn store(&self, name: &str) -> String {
        self.databases
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| name.to_owned(), |(_, db)| db.url.clone())
    }

    /// Opens a store by its name, through the library.
    pub fn open(&self, name: &str) -> Box<dyn dossier_transfer::store::Store> {
        self.try_open(name).expect("the store opens")
    }

    /// Opens a store by its name, or says why not.
    pub fn try_open(
        &self,
        name: &str,
    ) -> dossier_transfer::error::Result<Box<dyn dossier_transfer::store::Store>> {
        let address = match self.databases.iter().find(|(n, _)| *n == name) {
            Some((_, db)) => PathBuf::from(&db.url),
            None => self.path(name),
        };
        dossier_transfer::store::open(&address, false)
    }

    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir().join(rel)
    }

    /// Writes the plan to `file` and returns its name.
    pub fn plan(&self, file: &str, spec: &PlanSpec) -> String {
        let mut t = format!(
            "id = \"{}\"\ncut_off = \"{}\"\ntest_level = \"{}\"\n\n",
            spec.id, spec.cut_off, spec.level
        );
        t += &format!(
            "[source]\naccount = \"{}\"\ngroup = \"{}\"\n\n",
            facts::SOURCE_ACCOUNT,
            spec.source_group
        );
        t += &format!("[target]\naccount = \"{}\"\n", facts::TARGET_ACCOUNT);
        if let Some(test) = spec.test_account {
            t += &format!("test_account = \"{test}\"\n");
        }
        match &spec.selection {
            Sel::All(to) => t += &format!("\n[dossiers]\nall = true\nto_group = \"{to}\"\n"),
            Sel::Select(entries) => {
                for (by, to) in entries {
                    t += &format!("\n[[dossiers.select]]\n{by}\nto_group = \"{to}\"\n");
                }
            }
        }
        t += "\n[data]\n";
        for (k, v) in &spec.data {
            t += &format!("{k} = {v}\n");
        }
        t += &facts::consent_table("source_owner", &facts::SOURCE_OWNER);
        t += &facts::consent_table("target_owner", &facts::TARGET_OWNER);
        t += &format!(
            "\n[handover]\nrecipients = [\"{}\"]\nsigner = \"{}\"\n",
            self.recipient, self.signer
        );
        std::fs::write(self.path(file), t).expect("plan written");
        file.to_owned()
    }

    /// Runs the binary with the operator set; a store name among the
    /// arguments stands for its address.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let args: Vec<String> = args.iter().map(|a| self.store(a)).collect();
        let out = super::bin()
            .current_dir(self.dir())
            .env("DOSSIER_TRANSFER_OPERATOR", OPERATOR)
            .args(&args)
            .output()
            .expect("binary runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Like [`Handover::run`] with `--json`, parsed.
    pub fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let mut all = args.to_vec();
        all.push("--json");
        let (code, stdout, stderr) = self.run(&all);
        let doc = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("no JSON ({e}): {stdout}\n{stderr}"));
        (code, doc)
    }

    /// Exports with `plan` to `out` and the signing key in `key`; returns
    /// the exit code and the `--json` document.
    pub fn try_export(&self, plan: &str, out: &str, key: &str) -> (i32, serde_json::Value) {
        self.json(&[
            "export",
            "--plan",
            plan,
            "--store",
            "source.db",
            "--signing-key",
            key,
            "--out",
            out,
        ])
    }

    /// Exports with `plan` to `out`; asserts success.
    pub fn export(&self, plan: &str, out: &str, extra: &[&str]) -> serde_json::Value {
        let mut args = vec![
            "export",
            "--plan",
            plan,
            "--store",
            "source.db",
            "--signing-key",
            "keys/signing.key",
            "--out",
            out,
        ];
        args.extend_from_slice(extra);
        let (code, doc) = self.json(&args);
        assert_eq!(code, 0, "export: {doc:#}");
        doc
    }

    /// Decrypts an archive with the test identity (through the library).
    pub fn plaintext(&self, archive: &str) -> Vec<u8> {
        use std::io::Read;
        let ids = dossier_transfer::keys::load_identities(&self.path("keys/identity.txt"))
            .expect("identity");
        let file = std::fs::File::open(self.path(archive)).expect("archive");
        let d = age::Decryptor::new_buffered(std::io::BufReader::new(file)).expect("age header");
        let mut r = d
            .decrypt(ids.iter().map(|i| i.as_ref() as &dyn age::Identity))
            .expect("decrypts");
        let mut out = Vec::new();
        r.read_to_end(&mut out).expect("plaintext");
        out
    }

    /// An entry of an archive's ZIP, as text.
    pub fn entry(&self, archive: &str, name: &str) -> String {
        use std::io::Read;
        let zip = self.plaintext(archive);
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("zip");
        let mut s = String::new();
        z.by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the archive"))
            .read_to_string(&mut s)
            .expect("text");
        s
    }

    /// Entry names of an archive.
    pub fn names(&self, archive: &str) -> Vec<String> {
        let zip = self.plaintext(archive);
        let z = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("zip");
        z.file_names()
            .filter_map(|n| n.ok().map(|c| c.into_owned()))
            .collect()
    }

    /// The manifest of an archive.
    pub fn manifest(&self, archive: &str) -> serde_json::Value {
        serde_json::from_str(&self.entry(archive, "manifest.json")).expect("manifest JSON")
    }
}
