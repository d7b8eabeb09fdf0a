//! `draxis-admin register validate` as a user runs it: no database, `ok: ...` and exit 0
//! for a good register, every problem as `file:line:column: field: message` and exit 1
//! for a bad one, exit 2 for a usage error.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn admin(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_draxis-admin"))
        .args(args)
        .current_dir(root())
        // A database that cannot be opened proves validation never opens one.
        .env("DRAXIS_DATABASE_URL", "sqlite:///nonexistent-dir/never.db")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_good_register_prints_its_counts() {
    let (code, stdout, stderr) = admin(&[
        "register",
        "validate",
        "docs/examples/initech.register.yaml",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        "ok: 3 outcomes, 5 risks, 6 controls, 6 kris, 3 vendors, 5 assets, 5 observations"
    );
}

#[test]
fn a_bad_register_lists_every_problem_and_exits_1() {
    let (code, _, stderr) = admin(&[
        "register",
        "validate",
        "crates/register/tests/fixtures/bad/rules.yaml",
        "crates/register/tests/fixtures/bad/missing-column/outcomes.csv",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("crates/register/tests/fixtures/bad/rules.yaml:6:29: risks[0].inherent.likelihood: likelihood 6 is outside 1 to 5"), "{stderr}");
    assert!(stderr.contains("crates/register/tests/fixtures/bad/missing-column/outcomes.csv:1: loss_tolerance: the header has no `loss_tolerance` column"), "{stderr}");
    assert!(stderr.contains("7 problem(s)"), "{stderr}");
}

#[test]
fn no_file_is_a_usage_error() {
    let (code, _, _) = admin(&["register", "validate"]);
    assert_eq!(code, 2);
}
