//! Fresh PostgreSQL databases for the handover tests, on the server that
//! `DOSSIER_TRANSFER_TEST_POSTGRES` names; each is dropped with its value.
//! Without that variable a test on PostgreSQL is skipped (it says so on
//! stderr), unless `DOSSIER_TRANSFER_REQUIRE_TOOLS=1` makes it a failure.

/// One database made for one test.
pub struct TestDb {
    admin: String,
    name: String,
    /// Its address, as `--store` takes it.
    pub url: String,
}

/// The admin URL of the test server, or `None` (skip) without one.
pub fn server() -> Option<String> {
    match std::env::var("DOSSIER_TRANSFER_TEST_POSTGRES") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var("DOSSIER_TRANSFER_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "DOSSIER_TRANSFER_TEST_POSTGRES names no PostgreSQL server"
            );
            eprintln!("skipped: DOSSIER_TRANSFER_TEST_POSTGRES is not set");
            None
        }
    }
}

impl TestDb {
    /// A new, empty database on the test server.
    pub fn new(admin: &str) -> TestDb {
        let mut random = [0u8; 6];
        getrandom::fill(&mut random).expect("random numbers");
        let name = format!(
            "dt_it_{}",
            random
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let mut client =
            postgres::Client::connect(admin, postgres::NoTls).expect("the test server answers");
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("a test database");
        TestDb {
            admin: admin.to_owned(),
            url: with_database(admin, &name),
            name,
        }
    }
}

impl TestDb {
    /// The database's name.
    pub fn name(&self) -> String {
        self.name.clone()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            let _ = client.batch_execute(&drop);
        }
    }
}

/// The URL with its database (the path part) replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let path = rest.find(['/', '?']).unwrap_or(rest.len());
    let query = rest[path..].find('?').map_or("", |q| &rest[path + q..]);
    format!("{}{}/{name}{query}", &url[..start], &rest[..path])
}
