//! `draxis-admin register` end to end, on SQLite and PostgreSQL: the documented example
//! imported, exported, imported into a new tenant and exported again gives the same bytes
//! (YAML and CSV); a second import changes nothing; a bad file exits 1 with located
//! problems and writes nothing.

#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sqlx::Connection;

fn admin(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_draxis-admin"))
        .args(args)
        .env("DRAXIS_DATABASE_URL", url)
        .env("USER", "round-trip")
        .output()
        .unwrap()
}

fn ok(url: &str, args: &[&str]) -> String {
    let out = admin(url, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/initech.register.yaml")
}

fn csv_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    files
}

fn scenario(url: &str, dir: &Path) {
    for slug in ["initech", "yaml-copy", "csv-copy"] {
        ok(url, &["tenant", "create", slug, "--name", slug]);
    }
    let example = example().display().to_string();
    let first = ok(
        url,
        &["register", "import", "--tenant", "initech", &example],
    );
    assert!(first.contains("kris"), "{first}");

    // YAML: export, import into an empty tenant, export: the same bytes.
    let a = dir.join("a.yaml").display().to_string();
    let b = dir.join("b.yaml").display().to_string();
    ok(
        url,
        &["register", "export", "--tenant", "initech", "--out", &a],
    );
    ok(url, &["register", "import", "--tenant", "yaml-copy", &a]);
    ok(
        url,
        &["register", "export", "--tenant", "yaml-copy", "--out", &b],
    );
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let json = ok(
        url,
        &[
            "register",
            "export",
            "--tenant",
            "yaml-copy",
            "--format",
            "json",
        ],
    );
    assert!(json.starts_with('{') && json.contains("\"kris\""));

    // Importing the same file again changes nothing.
    let again = ok(
        url,
        &["register", "import", "--tenant", "yaml-copy", &a, "--prune"],
    );
    for line in again.lines().skip(1).take(7) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!((cells[1], cells[2], cells[4]), ("0", "0", "0"), "{again}");
    }

    // CSV: a directory of files, imported and exported again, file for file.
    let one = dir.join("csv1");
    let two = dir.join("csv2");
    ok(
        url,
        &[
            "register",
            "export",
            "--tenant",
            "initech",
            "--format",
            "csv",
            "--out",
            &one.display().to_string(),
        ],
    );
    let mut import = vec!["register", "import", "--tenant", "csv-copy"];
    let files = csv_files(&one);
    assert_eq!(files.len(), 7);
    import.extend(files.iter().map(String::as_str));
    ok(url, &import);
    ok(
        url,
        &[
            "register",
            "export",
            "--tenant",
            "csv-copy",
            "--format",
            "csv",
            "--out",
            &two.display().to_string(),
        ],
    );
    for (x, y) in csv_files(&one).iter().zip(csv_files(&two)) {
        assert_eq!(std::fs::read(x).unwrap(), std::fs::read(&y).unwrap(), "{x}");
    }

    // A bad file: every problem located, exit 1, nothing written.
    let bad = dir.join("kris.csv");
    std::fs::write(&bad, "slug,name\nBad Slug,x\n").unwrap();
    let refused = admin(
        url,
        &[
            "register",
            "import",
            "--tenant",
            "csv-copy",
            &bad.display().to_string(),
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("kris.csv:1: category:"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    let after = dir.join("after.yaml").display().to_string();
    ok(
        url,
        &[
            "register", "export", "--tenant", "csv-copy", "--out", &after,
        ],
    );
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&after).unwrap());
}

fn temp_dir(engine: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "draxis-admin-register-{engine}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn round_trip_on_sqlite() {
    let dir = temp_dir("sqlite");
    let url = format!("sqlite://{}", dir.join("admin.db").display());
    scenario(&url, &dir);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn round_trip_on_postgres() {
    let admin_url = std::env::var("DRAXIS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    sqlx::any::install_default_drivers();
    let mut server = match sqlx::AnyConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(error)
            if std::env::var_os("CI").is_none()
                && std::env::var_os("DRAXIS_REQUIRE_POSTGRES").is_none() =>
        {
            eprintln!(
                "SKIPPED: PostgreSQL register round trip (no server at {admin_url}: {error})"
            );
            return;
        }
        Err(error) => panic!("PostgreSQL is required here at {admin_url}: {error}"),
    };
    let db = format!(
        "draxis_admin_register_{}_{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .execute(&mut server)
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{base}/{db}");
    let dir = temp_dir("postgres");
    let outcome = {
        let (url, dir) = (url.clone(), dir.clone());
        tokio::task::spawn_blocking(move || scenario(&url, &dir)).await
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
    )))
    .execute(&mut server)
    .await
    .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
}
