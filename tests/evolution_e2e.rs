//! End-to-end tests of `ifn demo --vintage 2` and `ifn evolution`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::cli::{ifn, stderr, stdout};
use crate::server_e2e::http_get;

/// A running `ifn serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `ifn serve` with `args` on a free port.
fn serve(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ifn"))
        .args(["serve", "--port", "0", "--bind", "127.0.0.1"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ifn runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut line)
        .expect("a start line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("no URL in the start line: {line:?}"))
        .to_string();
    Server { child, addr }
}

/// The JSON body of a GET.
fn get_json(addr: &str, target: &str) -> (u16, serde_json::Value) {
    let (status, raw) = http_get(addr, target);
    let at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    (status, serde_json::from_slice(&raw[at..]).expect("JSON"))
}

/// The line of `code` in a CSV, split into cells (no cell of these tests holds a comma).
fn line_of<'a>(csv: &'a str, code: &str) -> Vec<&'a str> {
    csv.lines()
        .find(|l| l.starts_with(&format!("{code},")))
        .unwrap_or_else(|| panic!("no line for {code}"))
        .split(',')
        .collect()
}

#[test]
fn demo_vintage_2_writes_a_store_with_its_table_of_changes_and_evolution_reads_both() {
    let dir = tempfile::tempdir().unwrap();
    let v2 = dir.path().join("v2");
    let v2s = v2.to_str().unwrap();
    let o = ifn(&["demo", "--vintage", "2", "--out", v2s]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = std::fs::read_to_string(v2.join("mvtcommune.csv")).unwrap();
    assert!(
        table.starts_with("MOD,DATE_EFF,TYPECOM_AV,COM_AV,TNCC_AV,NCC_AV,NCCENR_AV,LIBELLE_AV,")
    );
    assert!(table
        .lines()
        .any(|l| l.starts_with("32,2025-01-01,COM,X2021,")));

    // The store's own table is used without --changes.
    let o = ifn(&[
        "evolution",
        "--from",
        "demo",
        "--to",
        v2s,
        "--level",
        "commune",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (csv, err) = (stdout(&o), stderr(&o));
    assert!(err.contains("Création de commune nouvelle"), "{err}");
    let merged = line_of(&csv, "X2019");
    assert_eq!(merged[2], "fusion");
    assert_eq!(merged[3], "X2019 X2021");
    assert_eq!(merged[4], "800");
    assert!(
        !csv.lines().any(|l| l.starts_with("X2021,")),
        "followed into X2019"
    );

    // The same from the embedded vintages, as JSON.
    let o = ifn(&[
        "evolution",
        "--from",
        "demo:1",
        "--to",
        "demo:2",
        "--level",
        "commune",
        "--format",
        "json",
        "--top",
        "3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["counts"]["fusion"], 3);
    assert_eq!(j["biggest_changes"].as_array().unwrap().len(), 3);
    assert_eq!(j["events"].as_array().unwrap().len(), 5);
}

#[test]
fn evolution_with_another_table_writes_its_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("evolution.csv");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/fixtures/mvtcommune-small.csv"
    );
    let o = ifn(&[
        "evolution",
        "--from",
        "demo",
        "--to",
        "demo:2",
        "--level",
        "commune",
        "--changes",
        fixture,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    // That table says nothing of the demo: its merged communes are gone, not followed.
    assert_eq!(line_of(&csv, "X2021")[2], "disparue");
    assert!(stderr(&o).contains("Valserhône"), "{}", stderr(&o));
}

#[test]
fn evolution_refuses_a_bad_table_an_unknown_vintage_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("mvt.csv");
    std::fs::write(&bad, "MOD,DATE_EFF\n32,2019-01-01\n").unwrap();
    let out = dir.path().join("out.csv");
    let o = ifn(&[
        "evolution",
        "--from",
        "demo",
        "--to",
        "demo:2",
        "--level",
        "commune",
        "--changes",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("mvt.csv") && e.contains("TYPECOM_AV"), "{e}");
    assert!(!out.exists());
    let o = ifn(&[
        "evolution",
        "--from",
        "demo:7",
        "--to",
        "demo:2",
        "--level",
        "commune",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("millésime inconnu"), "{}", stderr(&o));
    let o = ifn(&[
        "demo",
        "--vintage",
        "3",
        "--out",
        dir.path().join("x").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(!dir.path().join("x").exists());
}

#[test]
fn serve_compares_a_store_with_an_earlier_one_using_the_table_it_carries() {
    let dir = tempfile::tempdir().unwrap();
    let v2 = dir.path().join("v2");
    let o = ifn(&["demo", "--vintage", "2", "--out", v2.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let server = serve(&["--store", v2.to_str().unwrap(), "--compare-store", "demo"]);
    let (status, info) = get_json(&server.addr, "/api/evolution");
    assert_eq!(status, 200);
    assert_eq!(info["available"], true);
    assert_eq!(
        info["has_changes"], true,
        "the store's mvtcommune.csv is used"
    );
    let (status, e) = get_json(&server.addr, "/api/evolution/commune?codes=X2019");
    assert_eq!(status, 200);
    assert_eq!(e["territories"][0]["status"], "merged");
    // Plain `ifn serve` has one vintage: the route says how to get two.
    let plain = serve(&[]);
    let (status, e) = get_json(&plain.addr, "/api/evolution/commune");
    assert_eq!(status, 404);
    assert!(
        e["error"].as_str().unwrap().contains("--demo-vintage 2"),
        "{e}"
    );
}
