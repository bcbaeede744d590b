//! `ifn fetch` against a local HTTP server on 127.0.0.1 (supports Range), no other network.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// Serves `body` at any path; honours `Range: bytes=N-`; records the Range headers seen.
fn serve(body: Vec<u8>, requests: usize) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut s) = stream else { continue };
            let mut reader = BufReader::new(s.try_clone().expect("clone"));
            let mut range = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_lowercase().strip_prefix("range: bytes=") {
                    range = v.trim().trim_end_matches('-').parse::<usize>().ok();
                }
            }
            log.lock().expect("lock").push(format!("{range:?}"));
            let (status, part) = match range {
                Some(n) if n <= body.len() => ("206 Partial Content", &body[n..]),
                _ => ("200 OK", &body[..]),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                part.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(part);
        }
    });
    (format!("http://{addr}/file.csv"), seen)
}

fn sha256_hex(b: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    // A tiny SHA-256 would be overkill here: compute it with the system tool.
    let tmp = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(tmp.path(), b).expect("write");
    let o = Command::new("sha256sum")
        .arg(tmp.path())
        .output()
        .expect("sha256sum");
    let s = String::from_utf8_lossy(&o.stdout);
    let _ = write!(out, "{}", s.split_whitespace().next().unwrap_or(""));
    out
}

fn manifest(url: &str, sha: &str) -> String {
    format!(
        "[territory]\nname = \"t\"\ndescription = \"d\"\nlicence = \"l\"\n[hierarchy]\ncommunes = \"f\"\nepci = \"f\"\ndepartements = \"f\"\nregions = \"f\"\n[[datasets]]\nkey = \"f\"\ntitle = \"t\"\nproducer = \"p\"\nvintage = \"v\"\nlicence = \"l\"\nurl = \"{url}\"\nsha256 = \"{sha}\"\npath = \"sub/file.csv\"\nformat = \"csv\"\n"
    )
}

#[test]
fn fetch_resumes_a_partial_file_and_checks_the_checksum() {
    let body: Vec<u8> = (0..50_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let (url, seen) = serve(body.clone(), 1);
    let dir = tempfile::tempdir().expect("tempdir");
    let m = dir.path().join("m.toml");
    std::fs::write(&m, manifest(&url, &sha256_hex(&body))).expect("write");
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("sub")).expect("mkdir");
    std::fs::write(out.join("sub/file.csv.part"), &body[..1000]).expect("part");
    let st = Command::new(env!("CARGO_BIN_EXE_ifn"))
        .args(["fetch", "--manifest"])
        .arg(&m)
        .arg("--out")
        .arg(&out)
        .status()
        .expect("run");
    assert!(st.success());
    assert_eq!(std::fs::read(out.join("sub/file.csv")).expect("file"), body);
    assert!(!out.join("sub/file.csv.part").exists());
    assert_eq!(seen.lock().expect("lock").as_slice(), ["Some(1000)"]);
}

#[test]
fn a_wrong_checksum_leaves_no_file() {
    let body = b"code;value\n01001;1\n".to_vec();
    let (url, _) = serve(body, 1);
    let dir = tempfile::tempdir().expect("tempdir");
    let m = dir.path().join("m.toml");
    std::fs::write(&m, manifest(&url, &"0".repeat(64))).expect("write");
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_ifn"))
        .args(["fetch", "--manifest"])
        .arg(&m)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("SHA-256"), "{err}");
    assert!(!out.join("sub/file.csv").exists());
    assert!(!out.join("sub/file.csv.part").exists());
}

/// Serves `bodies[i]` to the i-th request (no Range), at one URL.
fn serve_in_turn(bodies: Vec<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for (stream, body) in listener.incoming().zip(bodies) {
            let Ok(mut s) = stream else { continue };
            let mut reader = BufReader::new(s.try_clone().expect("clone"));
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    format!("http://{addr}/file.csv")
}

/// A manifest whose dataset has no checksum, as the producers publish.
fn manifest_without_checksum(url: &str) -> String {
    manifest(url, "0").replace("sha256 = \"0\"\n", "")
}

fn fetch_cmd(m: &std::path::Path, out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ifn"))
        .args(["fetch", "--manifest"])
        .arg(m)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run")
}

#[test]
fn a_first_download_without_checksum_is_recorded_in_the_lock_and_later_runs_are_checked() {
    let body = b"code;value\n01001;1\n".to_vec();
    let url = serve_in_turn(vec![body.clone()]);
    let dir = tempfile::tempdir().expect("tempdir");
    let m = dir.path().join("m.toml");
    std::fs::write(&m, manifest_without_checksum(&url)).expect("write");
    let out = dir.path().join("out");
    let o = fetch_cmd(&m, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lock = std::fs::read_to_string(dir.path().join("m.toml.lock")).expect("lock written");
    assert!(
        lock.contains(&format!("sha256 = \"{}\"", sha256_hex(&body))),
        "{lock}"
    );
    assert!(lock.contains(&format!("size = {}", body.len())), "{lock}");
    assert!(
        lock.contains(&format!("url = \"{url}\"")) && lock.contains("fetched = \"20"),
        "{lock}"
    );
    // A re-run finds the file and checks it against the lock (the server is gone).
    let o = fetch_cmd(&m, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && err.contains("déjà présent") && err.contains("vérifiée contre"),
        "{err}"
    );
    // A file changed on disk is refused, and left as it is.
    std::fs::write(out.join("sub/file.csv"), b"code;value\n01001;2\n").expect("write");
    let o = fetch_cmd(&m, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("SHA-256") && err.contains("verrou"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(out.join("sub/file.csv")).expect("file"),
        b"code;value\n01001;2\n"
    );
}

#[test]
fn a_download_that_differs_from_the_lock_is_refused_and_leaves_nothing() {
    let first = b"code;value\n01001;1\n".to_vec();
    let second = b"code;value\n01001;9\n".to_vec();
    let url = serve_in_turn(vec![first, second]);
    let dir = tempfile::tempdir().expect("tempdir");
    let m = dir.path().join("m.toml");
    std::fs::write(&m, manifest_without_checksum(&url)).expect("write");
    let out = dir.path().join("out");
    assert!(fetch_cmd(&m, &out).status.success());
    let lock_before = std::fs::read_to_string(dir.path().join("m.toml.lock")).expect("lock");
    std::fs::remove_file(out.join("sub/file.csv")).expect("remove");
    let o = fetch_cmd(&m, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success()
            && err.contains("SHA-256")
            && err.contains("m.toml.lock")
            && err.contains("fichier partiel a été supprimé"),
        "{err}"
    );
    assert!(!out.join("sub/file.csv").exists());
    assert!(!out.join("sub/file.csv.part").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("m.toml.lock")).expect("lock"),
        lock_before
    );
}

#[test]
fn an_interrupted_download_without_checksum_resumes_and_locks_the_whole_file() {
    let body: Vec<u8> = (0..30_000u32).flat_map(|i| i.to_be_bytes()).collect();
    let (url, seen) = serve(body.clone(), 1);
    let dir = tempfile::tempdir().expect("tempdir");
    let m = dir.path().join("m.toml");
    std::fs::write(&m, manifest_without_checksum(&url)).expect("write");
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("sub")).expect("mkdir");
    std::fs::write(out.join("sub/file.csv.part"), &body[..5000]).expect("part");
    let o = fetch_cmd(&m, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(seen.lock().expect("lock").as_slice(), ["Some(5000)"]);
    assert_eq!(std::fs::read(out.join("sub/file.csv")).expect("file"), body);
    let lock = std::fs::read_to_string(dir.path().join("m.toml.lock")).expect("lock");
    assert!(
        lock.contains(&sha256_hex(&body)) && lock.contains(&format!("size = {}", body.len())),
        "{lock}"
    );
}
