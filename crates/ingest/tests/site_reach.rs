//! `site_reach` sources through `ifn build`: a square commune and a few hand-placed antenna
//! sites in ARCEP's two file layouts (Lambert-93 metropole, WGS84 overseas), the expected share
//! computed by hand (see `tests/fixtures/sites/README.md`).

use std::path::{Path, PathBuf};

use ifn_ingest::build::{build, BuildOptions};
use ifn_ingest::manifest::Manifest;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sites")
        .join(name)
}

/// A manifest over a copy of the fixtures, with `reach_m` and the technology column of the
/// metropolitan file.
fn manifest(src: &Path, reach_m: f64, metro_technology: &str) -> Manifest {
    std::fs::create_dir_all(src).expect("mkdir");
    let admin = r#"[{"code":"03001","nom":"Carré","type":"commune-actuelle","zone":"metro","departement":"03","region":"84","population":100}]"#;
    std::fs::write(src.join("communes.json"), admin).expect("write");
    std::fs::write(src.join("epci.json"), "[]").expect("write");
    std::fs::write(
        src.join("deps.json"),
        r#"[{"code":"03","nom":"Allier","region":"84"}]"#,
    )
    .expect("write");
    std::fs::write(src.join("regs.json"), r#"[{"code":"84","nom":"ARA"}]"#).expect("write");
    for f in [
        "metro_sites_l93.csv",
        "overseas_sites_wgs84.csv",
        "square_commune.geojson",
    ] {
        std::fs::copy(fixture(f), src.join(f)).expect("copy");
    }
    let ds = |key: &str, path: &str, format: &str, extra: &str| {
        format!("[[datasets]]\nkey = \"{key}\"\ntitle = \"t\"\nproducer = \"p\"\nvintage = \"v\"\nlicence = \"l\"\npath = \"{path}\"\nformat = \"{format}\"\n{extra}\n")
    };
    let text = format!(
        "[territory]\nname = \"t\"\ndescription = \"d\"\nlicence = \"l\"\n\
         [hierarchy]\ncommunes = \"c\"\nepci = \"e\"\ndepartements = \"d\"\nregions = \"r\"\n\
         [geometry]\ncommune = \"contours\"\n{}{}{}{}{}{}{}\
         [[indicators]]\nkey = \"no_4g_coverage_rate\"\n[[indicators.sources]]\ndataset = \"metro\"\n\
         site_reach = {{ sites = [\"metro\", \"overseas\"], reach_m = {reach_m:?}, grid_m = 250.0 }}\n\
         provenance = \"test\"\n",
        ds("c", "communes.json", "json", ""),
        ds("e", "epci.json", "json", ""),
        ds("d", "deps.json", "json", ""),
        ds("r", "regs.json", "json", ""),
        ds(
            "contours",
            "square_commune.geojson",
            "vector",
            "columns = { code = \"code\" }"
        ),
        ds(
            "metro",
            "metro_sites_l93.csv",
            "csv",
            &format!(
                "crs = \"EPSG:2154\"\ncolumns = {{ x = \"x\", y = \"y\", technology = \"{metro_technology}\" }}"
            )
        ),
        ds(
            "overseas",
            "overseas_sites_wgs84.csv",
            "csv",
            "crs = \"EPSG:4326\"\ncolumns = { x = \"X\", y = \"Y\", technology = \"C4G\" }"
        ),
    );
    Manifest::parse(&text, Path::new("m.toml")).expect("manifest")
}

fn opts(src: &Path) -> BuildOptions {
    BuildOptions {
        sources: src.to_path_buf(),
        strict: true,
        progress: false,
    }
}

#[test]
fn a_site_at_the_corner_of_a_square_commune_leaves_the_hand_computed_share_uncovered() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("src");
    let m = manifest(&src, 5_000.0, "4G");
    let out = build(&m, &opts(&src)).expect("build");
    let d = &out.territory.dataset;
    let j = d.indicator_index("no_4g_coverage_rate").expect("indicator");
    let got = d.values()[(0, j)];
    let want = 100.0 - 100.0 * std::f64::consts::PI * 25.0 / 4.0 / 100.0; // 80.37
    assert!((got - want).abs() < 0.5, "{got} vs {want}");
    // The Lambert-93 site was reprojected (else it would be nowhere near): 1 metro 4G site,
    // 1 overseas; the approximation is in the report and the provenance.
    assert_eq!(out.report.datasets["metro"].matched, 1);
    assert_eq!(out.report.datasets["overseas"].matched, 1);
    assert!(out.report.approximations[0].contains("farther than 5000 m"));
    assert_eq!(out.provenance[0].level, "grid");
    // A reach longer than the square's diagonal (14.1 km) covers it all.
    let m = manifest(&src.with_file_name("src2"), 15_000.0, "4G");
    let out = build(&m, &opts(&src.with_file_name("src2"))).expect("build");
    assert_eq!(out.territory.dataset.values()[(0, j)], 0.0);
}

#[test]
fn a_missing_technology_column_names_the_file_and_the_column() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("src");
    let m = manifest(&src, 5_000.0, "5G");
    let e = build(&m, &opts(&src)).unwrap_err();
    let mut chain = e.to_string();
    let mut s = std::error::Error::source(&e);
    while let Some(c) = s {
        chain.push_str(&format!(": {c}"));
        s = c.source();
    }
    assert!(
        chain.contains("metro_sites_l93.csv") && chain.contains("5G"),
        "{chain}"
    );
}
