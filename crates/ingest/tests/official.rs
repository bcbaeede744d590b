//! The official national manifest (`data/sources/france-official.toml`) and the readers of
//! the producers' formats (ZIP and 7z members, Latin-1, `;`), on fixtures laid out as the
//! manifest says.

#[path = "official/layout.rs"]
mod layout;

use std::collections::BTreeSet;
use std::path::Path;

use ifn_core::Catalogue;
use ifn_ingest::archive::{extract_member, member_names, read_member};
use ifn_ingest::manifest::{Format, Manifest, TextEncoding};
use ifn_ingest::table::Table;
use layout::{fixtures, manifest_path, official_sources, zip};

fn official() -> Manifest {
    Manifest::read(&manifest_path()).expect("france-official.toml parses")
}

#[test]
fn every_catalogue_indicator_is_produced_or_declared_unavailable_with_a_reason() {
    let m = official();
    let produced: BTreeSet<&str> = m.indicators.iter().map(|i| i.key.as_str()).collect();
    let catalogue = Catalogue::builtin();
    for def in &catalogue.indicators {
        let unavailable = m.unavailable.iter().find(|u| u.indicator == def.key);
        match (produced.contains(def.key.as_str()), unavailable) {
            (true, None) => {}
            (false, Some(u)) => {
                assert!(u.reason.len() > 20, "{}: give a reason", def.key);
                assert!(u.substitute.is_some(), "{}: give a substitute", def.key);
            }
            (true, Some(_)) => panic!("{} is both produced and unavailable", def.key),
            (false, None) => panic!("{} is neither produced nor declared unavailable", def.key),
        }
    }
    let unavailable = m.unavailable.iter().map(|u| u.indicator.as_str());
    for key in produced.iter().copied().chain(unavailable) {
        assert!(
            catalogue.indicator(key).is_some(),
            "{key} is not a catalogue indicator"
        );
    }
}

#[test]
fn every_official_dataset_has_a_licence_a_vintage_and_an_official_url_or_page() {
    for d in &official().datasets {
        assert!(!d.licence.is_empty() && !d.vintage.is_empty(), "{}", d.key);
        assert!(
            d.url.is_some() || d.page.is_some(),
            "{}: no url nor page",
            d.key
        );
        assert!(
            d.official,
            "{}: the official manifest holds producers' files only",
            d.key
        );
    }
}

#[test]
fn every_table_of_the_manifest_reads_from_its_archive_with_the_columns_the_indicators_use() {
    let m = official();
    let dir = tempfile::tempdir().expect("tempdir");
    official_sources(dir.path());
    let mut read = 0;
    for d in m.datasets.iter().filter(|d| d.format == Format::Csv) {
        let t = Table::read_dataset(d, &dir.path().join(&d.path))
            .unwrap_or_else(|e| panic!("{}: {e}", d.key));
        assert!(!t.is_empty(), "{}", d.key);
        let mut used: Vec<&str> = d.code_column.iter().map(String::as_str).collect();
        for s in m
            .indicators
            .iter()
            .flat_map(|i| &i.sources)
            .filter(|s| s.dataset == d.key)
        {
            used.extend(s.column.as_deref());
            used.extend(s.denominator.as_deref());
            used.extend(s.numerator.iter().map(String::as_str));
        }
        for c in used {
            t.text(c).unwrap_or_else(|e| panic!("{}: {e}", d.key));
        }
        read += 1;
    }
    assert!(read >= 8, "{read} tables read");
}

#[test]
fn a_zip_member_is_read_and_named_with_its_archive_in_messages() {
    let dir = tempfile::tempdir().expect("tempdir");
    official_sources(dir.path());
    let m = official();
    let d = m.dataset("insee_rp2019_population_iris").expect("dataset");
    let archive = dir.path().join(&d.path);
    let names = member_names(&archive).expect("names");
    assert_eq!(
        names,
        [
            "meta_base-ic-evol-struct-pop-2019.CSV",
            "base-ic-evol-struct-pop-2019.CSV"
        ]
    );
    let t = Table::read_dataset(d, &archive).expect("read");
    assert_eq!(
        t.codes("IRIS", d.code_kind).expect("codes"),
        ["010010000", "010040101", "010040102"]
    );
    let e = t.numbers("P19_POP99").unwrap_err().to_string();
    assert!(
        e.contains("base-ic-evol-struct-pop-2019_csv.zip/base-ic-evol-struct-pop-2019.CSV")
            && e.contains("line 1")
            && e.contains("'P19_POP99'"),
        "{e}"
    );
}

#[test]
fn a_missing_member_names_the_archive_the_member_and_what_it_holds() {
    let dir = tempfile::tempdir().expect("tempdir");
    official_sources(dir.path());
    let archive = dir.path().join("insee/base-ic-logement-2019_csv.zip");
    let e = read_member(&archive, "base-ic-logement-2020.CSV")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("base-ic-logement-2019_csv.zip")
            && e.contains("« base-ic-logement-2020.CSV »")
            && e.contains("base-ic-logement-2019.CSV"),
        "{e}"
    );
}

#[test]
fn a_pattern_matching_two_members_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    official_sources(dir.path());
    let archive = dir.path().join("insee/base-ic-logement-2019_csv.zip");
    let e = read_member(&archive, "*.CSV").unwrap_err().to_string();
    assert!(e.contains("plusieurs fichiers"), "{e}");
}

#[test]
fn a_bad_zip_and_a_bad_7z_name_the_file_and_the_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, kind) in [("broken.zip", "ZIP"), ("broken.7z", "7z")] {
        let p = dir.path().join(name);
        std::fs::write(&p, b"PK\x03\x04 not really an archive").expect("write");
        let e = read_member(&p, "a.csv").unwrap_err().to_string();
        assert!(
            e.contains(name) && e.contains(&format!("archive {kind} valide")),
            "{e}"
        );
    }
}

#[test]
fn a_shapefile_is_extracted_from_a_7z_with_its_sidecar_files_and_read_by_gdal() {
    let dir = tempfile::tempdir().expect("tempdir");
    official_sources(dir.path());
    let m = official();
    let d = m.dataset("ign_contours_iris_2021_fxx").expect("dataset");
    let out = tempfile::tempdir().expect("tempdir");
    let shp = extract_member(
        &dir.path().join(&d.path),
        d.member.as_deref().expect("member"),
        out.path(),
    )
    .expect("extract");
    for ext in ["shp", "shx", "dbf", "prj"] {
        assert!(shp.with_extension(ext).is_file(), "{ext} missing");
    }
    let v = ifn_ingest::vector::read_vector(&shp, &["CODE_IRIS"], None).expect("read");
    assert_eq!(v.features.len(), 3);
}

/// The population base re-encoded in Latin-1 (as a producer may publish it), zipped.
fn latin1_zip(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixtures().join("insee/base-ic-evol-struct-pop-2019.CSV"))
        .expect("fixture");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    let p = dir.join("latin1.zip");
    zip(&p, &[("base.CSV".to_string(), bytes.into_owned())]);
    p
}

#[test]
fn a_latin1_file_is_read_when_the_manifest_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = latin1_zip(dir.path());
    let mut d = official()
        .dataset("insee_rp2019_population_iris")
        .expect("dataset")
        .clone();
    d.member = Some("base.CSV".into());
    d.encoding = Some(TextEncoding::Latin1);
    let t = Table::read_dataset(&d, &p).expect("read");
    assert_eq!(
        t.text("LIBCOM").expect("LIBCOM")[1],
        Some("Ambérieu-en-Bugey")
    );
}

#[test]
fn a_latin1_file_read_as_utf8_names_the_member_the_line_and_the_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = latin1_zip(dir.path());
    let mut d = official()
        .dataset("insee_rp2019_population_iris")
        .expect("dataset")
        .clone();
    d.member = Some("base.CSV".into());
    let e = Table::read_dataset(&d, &p).unwrap_err().to_string();
    // Line 2 is the first row with a non-ASCII letter, in LIBCOM (field 6).
    assert!(
        e.contains("latin1.zip/base.CSV")
            && e.contains("line 2")
            && e.contains("field 6")
            && e.contains("latin-1"),
        "{e}"
    );
}

/// The official manifest without the overseas IRIS layers, which the fixtures do not have
/// (the fixture territory is two communes of the Ain).
fn official_metropole() -> Manifest {
    let text = std::fs::read_to_string(manifest_path()).expect("manifest");
    let mut kept = String::new();
    for line in text.lines() {
        if ["glp", "mtq", "guf", "reu", "myt"]
            .iter()
            .any(|t| line.trim() == format!("\"ign_contours_iris_2021_{t}\","))
        {
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    Manifest::parse(&kept, &manifest_path()).expect("parse")
}

/// A cell of a `;` fixture, by code (first column) and column name.
fn fixture_cell(file: &str, code: &str, column: &str) -> f64 {
    let text = std::fs::read_to_string(fixtures().join(file)).expect("fixture");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(';').collect();
    let j = header.iter().position(|h| *h == column).expect("column");
    let row = lines
        .map(|l| l.split(';').collect::<Vec<_>>())
        .find(|r| r[0] == code)
        .expect("row");
    row[j].replace(',', ".").parse().expect("number")
}

#[test]
fn a_build_from_the_official_layout_takes_its_values_from_the_fixtures() {
    let dir = tempfile::tempdir().expect("tempdir");
    official_sources(dir.path());
    let opts = ifn_ingest::build::BuildOptions {
        sources: dir.path().to_path_buf(),
        strict: false,
        progress: false,
    };
    let out = ifn_ingest::build::build(&official_metropole(), &opts).expect("build");
    let ds = &out.territory.dataset;
    let codes: Vec<&str> = ds.units().iter().map(|u| u.code.as_str()).collect();
    assert_eq!(codes, ["010010000", "010040101", "010040102"]);
    let value = |code: &str, key: &str| {
        let i = codes.iter().position(|c| *c == code).expect("unit");
        let j = ds
            .indicator_index(key)
            .unwrap_or_else(|| panic!("no {key}"));
        ds.values()[[i, j]]
    };
    let pop = "insee/base-ic-evol-struct-pop-2019.CSV";
    let expected = 100.0 * fixture_cell(pop, "010040101", "P19_POP65P")
        / fixture_cell(pop, "010040101", "P19_POP");
    approx::assert_relative_eq!(
        value("010040101", "older_65_rate"),
        expected,
        epsilon = 1e-9
    );
    let filo = "insee/BASE_TD_FILO_DISP_IRIS_2019.csv";
    approx::assert_relative_eq!(
        value("010040101", "poverty_rate"),
        fixture_cell(filo, "010040101", "DISP_TP6019"),
        epsilon = 1e-9
    );
    // The IRIS file keeps 010040102 secret: the commune file's rate fills it.
    approx::assert_relative_eq!(
        value("010040102", "poverty_rate"),
        fixture_cell("insee/FILO2019_DISP_Pauvres_COM.csv", "01004", "TP6019"),
        epsilon = 1e-9
    );
    let arcep = "arcep/commune_debit_filaire.csv";
    let thd = 100.0
        * (1.0 - fixture_cell(arcep, "01004", "elig_thd30") / fixture_cell(arcep, "01004", "nbr"));
    approx::assert_relative_eq!(
        value("010040102", "no_thd_coverage_rate"),
        thd,
        epsilon = 1e-9
    );
    let log = "insee/base-ic-logement-2019.CSV";
    let no_car = 100.0
        * (1.0
            - fixture_cell(log, "010010000", "P19_RP_VOIT1P")
                / fixture_cell(log, "010010000", "P19_RP"));
    approx::assert_relative_eq!(
        value("010010000", "obstacle_to_mobility_rate"),
        no_car,
        epsilon = 1e-9
    );
    assert!(value("010010000", "library_distance") > 0.0);
    assert_eq!(out.territory.places.len(), 3);
}

#[test]
fn a_build_with_a_missing_archive_member_names_dataset_archive_and_member() {
    let dir = tempfile::tempdir().expect("tempdir");
    official_sources(dir.path());
    let mut m = official_metropole();
    let d = m
        .datasets
        .iter_mut()
        .find(|d| d.key == "insee_rp2019_logement_iris")
        .expect("dataset");
    d.member = Some("base-ic-logement-2020.CSV".into());
    let opts = ifn_ingest::build::BuildOptions {
        sources: dir.path().to_path_buf(),
        strict: false,
        progress: false,
    };
    let Err(e) = ifn_ingest::build::build(&m, &opts) else {
        panic!("the build must fail");
    };
    let chain = std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ");
    assert!(
        chain.contains("insee_rp2019_logement_iris")
            && chain.contains("base-ic-logement-2019_csv.zip")
            && chain.contains("base-ic-logement-2020.CSV"),
        "{chain}"
    );
}

/// An INSEE-style workbook: title rows above the header on row 5, zipped as INSEE ships it.
fn insee_workbook(dir: &Path) -> std::path::PathBuf {
    let book = layout::xlsx(
        "COM",
        &[
            vec!["Indicateurs de structure et de distribution des revenus en 2019"],
            vec!["Source : Insee-DGFiP-Cnaf-Cnav-CCMSA, Fichier localisé social et fiscal"],
            vec![],
            vec!["Code géographique", "Libellé", "Taux de pauvreté"],
            vec!["CODGEO", "LIBGEO", "TP6019"],
            vec!["01004", "Ambérieu-en-Bugey", "15.2"],
            vec!["01001", "L'Abergement-Clémenciat", "s"],
        ],
    );
    let p = dir.join("base_xlsx.zip");
    zip(&p, &[("FILO2019_DISP_Pauvres_COM.xlsx".to_string(), book)]);
    p
}

fn workbook_spec() -> ifn_ingest::manifest::DatasetSpec {
    let mut d = official()
        .dataset("insee_filosofi2019_communes_pauvres")
        .expect("dataset")
        .clone();
    d.format = Format::Xlsx;
    d.member = Some("*.xlsx".into());
    d.sheet = Some("COM".into());
    d
}

#[test]
fn an_xlsx_member_with_title_rows_is_read_from_its_header_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = insee_workbook(dir.path());
    let mut d = workbook_spec();
    // By the code column's name (row 5) and by the row given in the manifest.
    for header_row in [None, Some(5)] {
        d.header_row = header_row;
        let t = Table::read_dataset(&d, &p).expect("read");
        assert_eq!(
            t.codes("CODGEO", d.code_kind).expect("codes"),
            ["01004", "01001"]
        );
        let v = t.numbers("TP6019").expect("numbers");
        assert!((v[0] - 15.2).abs() < 1e-12 && v[1].is_nan());
        assert_eq!(t.line_of(0), 6);
    }
    // Row 4 holds the labels, not the codes: the column is then missing, with the row named.
    d.header_row = Some(4);
    let t = Table::read_dataset(&d, &p).expect("read");
    let e = t.numbers("TP6019").unwrap_err().to_string();
    assert!(
        e.contains("base_xlsx.zip/FILO2019_DISP_Pauvres_COM.xlsx") && e.contains("line 4"),
        "{e}"
    );
    d.header_row = Some(99);
    let e = Table::read_dataset(&d, &p).unwrap_err().to_string();
    assert!(e.contains("no row 99"), "{e}");
}

/// Damaged archives (bytes flipped, truncated) never panic the readers: each read gives the
/// member or an error naming the archive. Deterministic cases (seed in the message).
#[test]
fn damaged_zip_and_7z_archives_never_panic_and_name_the_archive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let members = vec![
        (
            "a/data.CSV".to_string(),
            b"IRIS;P19_POP\r\n010040101;12.5\r\n".repeat(40),
        ),
        ("meta.CSV".to_string(), b"COD_VAR;LIB_VAR\r\n".to_vec()),
    ];
    let good_zip = dir.path().join("good.zip");
    let good_7z = dir.path().join("good.7z");
    zip(&good_zip, &members);
    layout::sevenz(&good_7z, &members);
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (good, ext) in [(&good_zip, "zip"), (&good_7z, "7z")] {
        let bytes = std::fs::read(good).expect("read");
        for seed in 0..64u64 {
            let mut b = bytes.clone();
            if seed % 4 == 0 {
                b.truncate((next() % b.len() as u64) as usize);
            } else {
                for _ in 0..1 + next() % 4 {
                    let i = (next() % b.len() as u64) as usize;
                    b[i] ^= 1 << (next() % 8);
                }
            }
            let p = dir.path().join(format!("damaged-{seed}.{ext}"));
            std::fs::write(&p, &b).expect("write");
            match read_member(&p, "a/data.CSV") {
                // Both formats check a CRC: what is read is the member, or nothing.
                Ok((_, data)) => assert_eq!(data, members[0].1, "{ext} seed {seed}"),
                Err(e) => {
                    let e = e.to_string();
                    assert!(
                        e.contains(&format!("damaged-{seed}.{ext}")),
                        "seed {seed}: {e}"
                    );
                }
            }
        }
    }
}
