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
