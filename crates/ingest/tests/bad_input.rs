//! Bad input gives an error naming the file, the line or feature and the column.

use std::path::{Path, PathBuf};

use ifn_ingest::manifest::{CodeKind, Manifest};
use ifn_ingest::table::{CsvOptions, Table};
use ifn_ingest::vector::read_vector;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(name)
}

#[test]
fn a_malformed_row_names_file_and_line() {
    let e = Table::read_csv(&fixture("malformed_row.csv"), &CsvOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("malformed_row.csv") && e.contains("line 3") && e.contains("field 3"),
        "{e}"
    );
}

#[test]
fn a_short_row_after_a_field_spanning_two_lines_names_its_own_line_and_the_missing_column() {
    // Line 3 holds a quoted field that ends on line 4, so the short row is on line 5.
    let e = Table::read_csv(&fixture("short_row.csv"), &CsvOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("short_row.csv") && e.contains("line 5") && e.contains("'label'"),
        "{e}"
    );
}

#[test]
fn an_unclosed_quote_is_refused_with_its_line() {
    let e = Table::read_csv(&fixture("unclosed_quote.csv"), &CsvOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unclosed_quote.csv") && e.contains("line 3") && e.contains("never closed"),
        "{e}"
    );
}

#[test]
fn a_non_numeric_value_names_file_line_and_column() {
    let t = Table::read_csv(&fixture("not_a_number.csv"), &CsvOptions::default()).expect("read");
    let e = t.numbers("value").unwrap_err().to_string();
    assert!(
        e.contains("not_a_number.csv") && e.contains("line 3") && e.contains("'value'"),
        "{e}"
    );
}

#[test]
fn a_wrong_column_name_is_named_with_the_columns_found() {
    let t = Table::read_csv(&fixture("not_a_number.csv"), &CsvOptions::default()).expect("read");
    let e = t
        .codes("CODGEO", Some(CodeKind::Commune))
        .unwrap_err()
        .to_string();
    assert!(e.contains("'CODGEO'") && e.contains("code, value"), "{e}");
}

#[test]
fn a_missing_vector_field_is_named() {
    let e = read_vector(&fixture("no_crs.geojson"), &["insee"], None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no_crs.geojson") && e.contains("'insee'"), "{e}");
}

#[test]
fn an_unknown_crs_is_refused() {
    let e = read_vector(&fixture("no_crs.geojson"), &["code"], Some("EPSG:999999"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no_crs.geojson") && e.contains("EPSG:999999"),
        "{e}"
    );
}

#[test]
fn a_geojson_without_crs_is_read_as_wgs84() {
    let v = read_vector(&fixture("no_crs.geojson"), &["code"], None).expect("read");
    assert_eq!(v.features.len(), 1);
    assert_eq!(v.features[0].fields[0].as_deref(), Some("01001"));
}

#[test]
fn a_duplicated_code_fails_the_build_and_writes_nothing() {
    // A manifest whose indicator table has a duplicated code, over a copy of the fixtures.
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).expect("mkdir");
    let admin = r#"[{"code":"01001","nom":"A","type":"commune-actuelle","zone":"metro","departement":"01","region":"84","population":10}]"#;
    std::fs::write(src.join("communes.json"), admin).expect("write");
    std::fs::write(src.join("epci.json"), "[]").expect("write");
    std::fs::write(
        src.join("deps.json"),
        r#"[{"code":"01","nom":"Ain","region":"84"}]"#,
    )
    .expect("write");
    std::fs::write(src.join("regs.json"), r#"[{"code":"84","nom":"ARA"}]"#).expect("write");
    std::fs::copy(fixture("duplicated_code.csv"), src.join("t.csv")).expect("copy");
    let ds = |key: &str, path: &str, format: &str, extra: &str| {
        format!("[[datasets]]\nkey = \"{key}\"\ntitle = \"t\"\nproducer = \"p\"\nvintage = \"v\"\nlicence = \"l\"\npath = \"{path}\"\nformat = \"{format}\"\n{extra}\n")
    };
    let text = format!(
        "[territory]\nname = \"t\"\ndescription = \"d\"\nlicence = \"l\"\n[hierarchy]\ncommunes = \"c\"\nepci = \"e\"\ndepartements = \"d\"\nregions = \"r\"\n{}{}{}{}{}[[indicators]]\nkey = \"poverty_rate\"\n[[indicators.sources]]\ndataset = \"t\"\nlevel = \"commune\"\ncolumn = \"value\"\nprovenance = \"test\"\n",
        ds("c", "communes.json", "json", ""),
        ds("e", "epci.json", "json", ""),
        ds("d", "deps.json", "json", ""),
        ds("r", "regs.json", "json", ""),
        ds("t", "t.csv", "csv", "code_column = \"code\"\ncode_kind = \"commune\""),
    );
    let m = Manifest::parse(&text, Path::new("m.toml")).expect("manifest");
    let opts = ifn_ingest::build::BuildOptions {
        sources: src.clone(),
        strict: false,
        progress: false,
    };
    let e = ifn_ingest::build::build(&m, &opts).unwrap_err();
    let chain = format!(
        "{e}: {}",
        std::error::Error::source(&e)
            .map(|s| s.to_string())
            .unwrap_or_default()
    );
    assert!(
        chain.contains("t.csv") && chain.contains("'01001'") && chain.contains("lines 2 and 3"),
        "{chain}"
    );
    // With merging allowed, the conflict is reported as ambiguous and --strict refuses it.
    let text = text.replace(
        "code_kind = \"commune\"",
        "code_kind = \"commune\"\nduplicates = \"merge\"",
    );
    let m = Manifest::parse(&text, Path::new("m.toml")).expect("manifest");
    let out = ifn_ingest::build::build(&m, &opts).expect("build");
    assert_eq!(out.report.datasets["t"].ambiguous.get("01001"), Some(&2));
    let strict = ifn_ingest::build::BuildOptions {
        strict: true,
        ..opts
    };
    assert!(matches!(
        ifn_ingest::build::build(&m, &strict),
        Err(ifn_ingest::build::BuildError::Strict { .. })
    ));
    let store = tmp.path().join("store");
    ifn_ingest::build::write_build(&out, &store, false).expect("write");
    assert!(store.join("build-report.json").is_file());
    assert!(ifn_ingest::read_store(&store).is_ok());
}
