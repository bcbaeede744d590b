//! End-to-end: `ifn serve` on the demo, over real TCP, then a graceful stop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `ifn serve` on the demo, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    /// `host:port` it listens on.
    pub(crate) addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `ifn serve` on the demo on a free port.
pub(crate) fn start() -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ifn"))
        .args(["serve", "--port", "0", "--bind", "127.0.0.1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ifn runs");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
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

/// A minimal HTTP/1.1 GET; returns (status, raw response). Status 0: the server closed the
/// connection before the request was written whole, without an answer (how a server may refuse
/// a request line of megabytes: the client then meets a broken pipe).
pub(crate) fn http_get(addr: &str, target: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let written = write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    if out.is_empty() && written.is_err() {
        return (0, out);
    }
    let head = String::from_utf8_lossy(&out[..out.len().min(64)]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    (status, out)
}

#[test]
fn serve_answers_health_tiles_and_stops_on_sigint() {
    let mut server = start();
    let (status, body) = http_get(&server.addr, "/health");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("\"status\":\"ok\""));
    let (status, _) = http_get(&server.addr, "/tiles/departement/0/0/0.mvt");
    assert_eq!(status, 200);
    let (status, _) = http_get(&server.addr, "/tiles/departement/0/0/1.mvt");
    assert_eq!(status, 400);
    // A request line of megabytes is refused before it reaches the router (hyper's limit).
    let (status, _) = http_get(
        &server.addr,
        &format!("/api/search?q={}", "x".repeat(2 << 20)),
    );
    assert!(
        status == 0 || (400..500).contains(&status),
        "status {status}: refused with a 4xx, or the connection closed mid-request"
    );
    let (status, _) = http_get(&server.addr, "/health");
    assert_eq!(status, 200, "still serving after the oversized request");

    let pid = server.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    for _ in 0..100 {
        if let Some(code) = server.child.try_wait().expect("waits") {
            assert!(code.success(), "graceful stop exits 0, got {code}");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("ifn serve did not stop within 5 s of SIGINT");
}

/// `Feature Count` of `ogrinfo -so -al -spat …` on a path or URL.
fn ogr_count(target: &str, spat: [f64; 4]) -> usize {
    let out = Command::new("ogrinfo")
        .args(["-ro", "-so", "-al", "-spat"])
        .args(spat.iter().map(|v| v.to_string()))
        .arg(target)
        .env("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".fgb")
        .output()
        .expect("ogrinfo must be installed (Debian package gdal-bin)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "ogrinfo {target}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no feature count in {text}"))
}

#[test]
fn gdal_streams_the_served_flatgeobuf_by_url_with_a_spatial_filter() {
    // What QGIS does with "Add vector layer → protocol HTTP": /vsicurl/ reads the header and
    // the packed R-tree with range requests, then only the features in the box.
    let server = start();
    let url = format!("http://{}/api/export/commune.fgb", server.addr);
    let (status, raw) = http_get(&server.addr, "/api/export/commune.fgb");
    assert_eq!(status, 200);
    let body_at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers")
        + 4;
    let dir = tempfile::tempdir().expect("tempdir");
    let local = dir.path().join("commune.fgb");
    std::fs::write(&local, &raw[body_at..]).expect("write");
    let all = ogr_count(local.to_str().expect("path"), [-180.0, -90.0, 180.0, 90.0]);
    // A box over part of the demo island (it spans about −9.3..−5.3 E, 44.6..46.7 N).
    let spat = [-8.0, 45.2, -7.0, 46.0];
    let local_count = ogr_count(local.to_str().expect("path"), spat);
    let remote_count = ogr_count(&format!("/vsicurl/{url}"), spat);
    assert!(
        local_count > 0 && local_count < all,
        "{local_count} of {all}"
    );
    assert_eq!(remote_count, local_count);
}
