//! Every table of the built-in France manifest, read from `../shared/data`: each parses, each
//! code column gives valid codes and each column an indicator uses gives numbers (the parts of
//! `ifn build` that need no GDAL, so they run in seconds). Fails (does not skip) when
//! `IFN_REQUIRE_REAL_DATA=1` and the folder is missing.

use std::path::PathBuf;

use ifn_ingest::manifest::{Format, Manifest};
use ifn_ingest::table::Table;

fn shared_data() -> Option<PathBuf> {
    let dir = std::env::var_os("IFN_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        });
    if dir.join("README.md").is_file() {
        return Some(dir);
    }
    if std::env::var("IFN_REQUIRE_REAL_DATA").as_deref() == Ok("1") {
        panic!("IFN_REQUIRE_REAL_DATA=1 but {} is missing", dir.display());
    }
    eprintln!(
        "skipping: {} not found (set IFN_SHARED_DATA)",
        dir.display()
    );
    None
}

#[test]
fn every_table_of_the_france_manifest_reads_with_valid_codes_and_numbers() {
    let Some(data) = shared_data() else { return };
    let m = Manifest::france().expect("built-in manifest");
    let mut read = 0;
    for spec in &m.datasets {
        let path = data.join(&spec.path);
        let t = match spec.format {
            Format::Csv => Table::read_csv(&path, &spec.csv_options()),
            Format::Xlsx => Table::read_xlsx(
                &path,
                spec.sheet.as_deref().unwrap_or("Sheet1"),
                spec.code_column.as_deref().unwrap_or("CODGEO"),
            ),
            _ => continue,
        };
        let t = t.unwrap_or_else(|e| panic!("{}: {e:#?}", spec.key));
        assert!(!t.is_empty(), "{}: no row", spec.key);
        if let (Some(c), Some(_)) = (&spec.code_column, spec.code_kind) {
            t.codes(c, spec.code_kind)
                .unwrap_or_else(|e| panic!("{}: {e}", spec.key));
        }
        let used = m
            .indicators
            .iter()
            .flat_map(|i| &i.sources)
            .filter(|s| s.dataset == spec.key);
        for s in used {
            for c in s
                .column
                .iter()
                .chain(&s.numerator)
                .chain(s.denominator.iter())
            {
                let v = t.numbers(c).unwrap_or_else(|e| panic!("{}: {e}", spec.key));
                assert!(
                    v.iter().any(|x| !x.is_nan()),
                    "{}: column '{c}' has no number",
                    spec.key
                );
            }
        }
        read += 1;
    }
    assert!(read >= 5, "only {read} tables in the manifest");
}
