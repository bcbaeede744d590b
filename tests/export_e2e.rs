//! End-to-end tests of `ifn export`: the real binary, on the built-in demo territory.

use std::path::Path;
use std::process::{Command, Output};

use ifn_tiles::PmtilesReader;

fn ifn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ifn"))
        .args(args)
        .output()
        .expect("run ifn")
}

fn ok(args: &[&str]) {
    let out = ifn(args);
    assert!(
        out.status.success(),
        "ifn {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn ogrinfo(path: &Path) -> String {
    let out = Command::new("ogrinfo")
        .args(["-so", "-al"])
        .arg(path)
        .output()
        .expect("ogrinfo must be installed (Debian package gdal-bin)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn export_writes_each_format_that_gdal_opens() {
    let dir = tempfile::tempdir().expect("tempdir");
    for ext in ["fgb", "gpkg", "geojson"] {
        let out = dir.path().join(format!("epci.{ext}"));
        let out_s = out.to_str().expect("utf-8 path");
        ok(&[
            "export",
            "--level",
            "epci",
            "--format",
            ext,
            "--out",
            out_s,
            "--profile",
            "jeune",
            "--reference",
            "departement",
        ]);
        let info = ogrinfo(&out);
        assert!(info.contains("Layer name: epci"), "{ext}:\n{info}");
        assert!(info.contains(r#"ID["EPSG",4326]"#), "{ext}:\n{info}");
        // GeoJSON is untyped: GDAL infers Integer or Integer64 from the values.
        assert!(info.contains("population: Integer"), "{ext}:\n{info}");
    }
    // The format can come from the extension alone.
    let csv = dir.path().join("communes.csv");
    ok(&[
        "export",
        "--level",
        "commune",
        "--out",
        csv.to_str().expect("path"),
        "--excel",
    ]);
    let bytes = std::fs::read(&csv).expect("csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBFcode;name;population;total;"));
}

#[test]
fn an_existing_output_is_refused_without_force_and_replaced_with_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("d.fgb");
    std::fs::write(&out, "keep me").expect("write");
    let args = [
        "export",
        "--level",
        "departement",
        "--out",
        out.to_str().expect("path"),
    ];
    let r = ifn(&args);
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "keep me");
    let mut forced = args.to_vec();
    forced.push("--force");
    ok(&forced);
    assert!(std::fs::read(&out).expect("read").starts_with(b"fgb"));
}

#[test]
fn an_unwritable_path_or_unknown_format_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-folder").join("x.fgb");
    let r = ifn(&[
        "export",
        "--level",
        "region",
        "--out",
        missing.to_str().expect("path"),
    ]);
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("no-such-folder"), "{err}");
    let r = ifn(&["export", "--level", "region", "--out", "x.shp"]);
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("--format"));
    assert!(!Path::new("x.shp").exists());
}

#[test]
fn a_pmtiles_tile_equals_the_tilers_tile_for_the_same_address() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("communes.pmtiles");
    ok(&[
        "export",
        "--level",
        "commune",
        "--out",
        out.to_str().expect("path"),
        "--max-zoom",
        "9",
        "--profile",
        "senior",
    ]);
    let bytes = std::fs::read(&out).expect("read");
    let archive = PmtilesReader::new(bytes).expect("open");
    let header = archive.header();
    assert_eq!((header.min_zoom, header.max_zoom), (0, 9));
    let metadata = archive.metadata().expect("metadata");
    assert_eq!(metadata["vector_layers"][0]["id"], "commune");

    // The same bytes as `ifn serve` gives for the same z/x/y and selection (the server's
    // router, in process; no Accept-Encoding, so the raw MVT).
    let bbox = ifn_test_support::demo().territory.meta.bbox;
    let app = ifn_test_support::router();
    // `enable_all`: the router's timeout layer needs the time driver.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server_tile = |z: u8, x: u32, y: u32| -> Option<Vec<u8>> {
        runtime.block_on(async {
            use tower::ServiceExt;
            let req =
                axum::http::Request::get(format!("/tiles/commune/{z}/{x}/{y}.mvt?profile=senior"))
                    .body(axum::body::Body::empty())
                    .expect("request");
            let res = app.clone().oneshot(req).await.expect("infallible");
            let status = res.status().as_u16();
            let body = axum::body::to_bytes(res.into_body(), 64 << 20)
                .await
                .expect("body");
            match status {
                200 => Some(body.to_vec()),
                204 => None,
                other => panic!("tile {z}/{x}/{y}: status {other}"),
            }
        })
    };
    let mut compared = 0;
    for z in [0u8, 5, 9] {
        let (xs, ys) = ifn_tiles::tile::tiles_covering(bbox, z);
        for x in xs {
            for y in ys.clone() {
                let stored = archive.tile_decompressed(z, x, y).expect("read tile");
                let served = server_tile(z, x, y);
                assert_eq!(stored, served, "{z}/{x}/{y}");
                if let Some(t) = &served {
                    let decoded = ifn_tiles::mvt::decode::decode_tile(t).expect("MVT");
                    let layer = decoded.layer("commune").expect("commune layer");
                    assert!(
                        layer
                            .features
                            .iter()
                            .all(|f| f.properties.contains_key("places_all")),
                        "{z}/{x}/{y}: the offer figures are in the tile"
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 3, "{compared}");
}
