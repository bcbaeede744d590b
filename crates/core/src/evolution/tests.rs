//! Tests of the comparison of two vintages.

use approx::assert_relative_eq;

use super::*;
use crate::{demo, Catalogue, Engine, Level, Selection};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/fixtures/mvtcommune-small.csv"
);

fn engine(t: crate::Territory) -> Engine {
    Engine::new(t.dataset, Catalogue::builtin().clone())
}

fn tout_age(e: &Engine) -> Selection {
    Selection::builder("tout-age").build(e).unwrap()
}

/// Demo vintage 1 against vintage 2 at `level`, with vintage 2's table of changes or not.
fn demo_evolution(level: Level, with_changes: bool) -> Evolution {
    let (t2, changes) = demo::vintage(2).unwrap();
    let (a, b) = (engine(demo::generate()), engine(t2));
    let changes = changes.filter(|_| with_changes);
    compare(
        &a,
        &tout_age(&a),
        &b,
        &tout_age(&b),
        level,
        changes.as_ref(),
    )
    .unwrap()
}

fn row(m: u16, date: &str, av: &str, ap: &str) -> CogChange {
    CogChange {
        mod_code: m,
        date: date.into(),
        before: CogCommune::commune(av, &format!("Commune {av}")),
        after: CogCommune::commune(ap, &format!("Commune {ap}")),
    }
}

#[test]
fn an_empty_table_maps_nothing_and_has_no_event() {
    let t = CogChanges::default();
    assert!(t.successors().is_empty());
    assert!(t.events().is_empty());
}

#[test]
fn insee_table_is_read_with_its_bom_and_its_communes_deleguees_rows() {
    let t = CogChanges::read_csv(std::fs::File::open(FIXTURE).unwrap(), "f.csv").unwrap();
    assert_eq!(t.rows.len(), 6);
    assert_eq!(t.rows[0].before.nccenr, "Bellegarde-sur-Valserine");
    let m = t.successors();
    for old in ["01033", "01091", "01205"] {
        assert_eq!(m[old].iter().collect::<Vec<_>>(), ["01033"], "{old}");
    }
    let events = t.events();
    assert_eq!(events.len(), 1, "the COMD rows are not events of their own");
    assert_eq!(events[0].mod_code, MOD_NEW_COMMUNE);
    assert_eq!(events[0].before.len(), 3);
    assert_eq!(
        events[0].after,
        [("01033".to_string(), "Valserhône".to_string())]
    );
}

#[test]
fn a_table_written_reads_back_the_same() {
    let (_, changes) = demo::vintage(2).unwrap();
    let changes = changes.unwrap();
    let mut bytes = Vec::new();
    changes.write_csv(&mut bytes).unwrap();
    assert!(bytes.starts_with(MVTCOMMUNE_HEADER.join(",").as_bytes()));
    let back = CogChanges::read_csv(bytes.as_slice(), "back.csv").unwrap();
    assert_eq!(back, changes);
}

#[test]
fn a_semicolon_table_is_read_too() {
    let text = std::fs::read_to_string(FIXTURE).unwrap().replace(',', ";");
    let t = CogChanges::read_csv(text.as_bytes(), "f.csv").unwrap();
    assert_eq!(t.rows.len(), 6);
}

#[test]
fn a_missing_column_names_the_file_and_the_column() {
    let text = "MOD,DATE_EFF,TYPECOM_AV,COM_AV\n32,2019-01-01,COM,01033\n";
    let e = CogChanges::read_csv(text.as_bytes(), "mvt.csv")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("mvt.csv") && e.contains("ligne 1") && e.contains("TNCC_AV"),
        "{e}"
    );
}

#[test]
fn a_bad_event_code_and_a_bad_encoding_name_their_line_and_column() {
    let good = std::fs::read(FIXTURE).unwrap();
    let bad_mod = String::from_utf8(good.clone())
        .unwrap()
        .replacen("\n32,", "\nxx,", 2);
    let e = CogChanges::read_csv(bad_mod.as_bytes(), "mvt.csv")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("ligne 2") && e.contains("colonne MOD") && e.contains("xx"),
        "{e}"
    );
    // Latin-1 « ô » (0xF4) where UTF-8 is expected, in NCCENR_AP of line 2.
    let latin1 = String::from_utf8(good)
        .unwrap()
        .replacen("Valserhône", "Valserh\u{1}ne", 1);
    let latin1: Vec<u8> = latin1
        .bytes()
        .map(|b| if b == 1 { 0xF4 } else { b })
        .collect();
    let e = CogChanges::read_csv(latin1.as_slice(), "mvt.csv")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("ligne 2") && e.contains("NCCENR_AP") && e.contains("UTF-8"),
        "{e}"
    );
}

#[test]
fn successive_events_are_chained_in_date_order() {
    // 2020: A and B merge into A; 2021: A is renamed; C splits into C and D.
    let t = CogChanges {
        rows: vec![
            row(MOD_RENAME, "2021-01-01", "A", "A"),
            row(MOD_NEW_COMMUNE, "2020-01-01", "A", "A"),
            row(MOD_NEW_COMMUNE, "2020-01-01", "B", "A"),
            row(MOD_RESTORE, "2021-01-01", "C", "C"),
            row(MOD_RESTORE, "2021-01-01", "C", "D"),
        ],
    };
    let m = t.successors();
    assert_eq!(m["B"].iter().collect::<Vec<_>>(), ["A"]);
    assert_eq!(m["C"].iter().collect::<Vec<_>>(), ["C", "D"]);
    let kinds: Vec<u16> = t.events().iter().map(|e| e.mod_code).collect();
    assert_eq!(kinds, [MOD_NEW_COMMUNE, MOD_RENAME, MOD_RESTORE]);
}

#[test]
fn the_same_vintage_twice_changes_nothing() {
    let a = engine(demo::generate());
    let s = tout_age(&a);
    let e = compare(&a, &s, &a, &s, Level::Epci, None).unwrap();
    assert_eq!(e.counts().keys().collect::<Vec<_>>(), [&Status::Unchanged]);
    assert!(e.territories.iter().all(|t| t.difference == Some(0.0)));
    assert!(e
        .biggest_changes(3)
        .iter()
        .all(|t| t.difference == Some(0.0)));
}

#[test]
fn without_the_table_merged_communes_are_removed_and_split_ones_new() {
    let e = demo_evolution(Level::Commune, false);
    let c = e.counts();
    assert_eq!(
        c[&Status::Removed],
        4,
        "the 7 merged communes make 3: 4 codes gone"
    );
    assert_eq!(c[&Status::New], 1, "the re-established commune");
    assert_eq!(e.get("X2021").unwrap().status, Status::Removed);
}

#[test]
fn with_the_table_every_commune_is_followed() {
    let e = demo_evolution(Level::Commune, true);
    let c = e.counts();
    assert_eq!(c.get(&Status::Removed), None);
    assert_eq!(c.get(&Status::New), None);
    assert_eq!(c[&Status::Merged], 3);
    assert_eq!(c[&Status::Renamed], 1);
    assert_eq!(
        c[&Status::Split],
        2,
        "the parent and the re-established commune"
    );
    assert_eq!(e.events.len(), 5);
    let split = e.get("X3101").unwrap();
    assert_eq!(split.sources, ["X3003"]);
    assert!(split.note.contains("X3003"), "{}", split.note);
}

/// Hand-checked figures (tout-age, classes over France), from `ifn score --level iris
/// --format json` on `ifn demo` (A) and `ifn demo --vintage 2` (B):
///
/// **X2019 Dorerne-Saint-Lanange-sur-Mer**, commune nouvelle of X2019 Dorerne and X2021
/// Saint-Lanange-sur-Mer (one IRIS each):
/// - A: IRIS X20190000 pop 557 total 8.0, older_65_rate 17.34, poverty_rate 24.68;
///   IRIS X20210000 pop 243 total 7.75 (4 indicators: poverty secret), older_65_rate 18.14.
///   score = (557×8.0 + 243×7.75)/800 = 6339.25/800 = 7.9240625;
///   older_65_rate = (557×17.34 + 243×18.14)/800 = 14066.4/800 = 17.583;
///   poverty_rate = 24.68 (the secret cell is left out, not zero).
/// - B: IRIS X20190001 pop 566 total 8.0, older_65_rate 18.19; X20190002 pop 249 total 7.5,
///   older_65_rate 19.19. score = (566×8.0 + 249×7.5)/815 = 6395.5/815 = 7.8472393;
///   older_65_rate = (566×18.19 + 249×19.19)/815 = 15073.85/815 = 18.4955215.
///
/// **X1005 Lanay-la-Rivière**, unchanged, 7 IRIS X10050001…7:
/// - A: pop 1274, 2019, 1254, 1536, 2063, 1932, 1850 (= 11928), totals 7.8, 7.8, 3.6, 7.8,
///   6.4, 5.6, 6.2 → Σ pop×total = 77673 → score 77673/11928 = 6.5118209;
/// - B: pop 1300, 2054, 1249, 1521, 2106, 1999, 1815 (= 12044), totals 8.2, 7.6, 3.6, 8.0,
///   6.8, 5.4, 6.4 → Σ = 79666.2 → score 79666.2/12044 = 6.6145965.
#[test]
fn hand_checked_figures_of_a_merged_and_an_unchanged_commune() {
    let e = demo_evolution(Level::Commune, true);
    let older = |t: &TerritoryEvolution| {
        t.indicators
            .iter()
            .find(|i| i.key == "older_65_rate")
            .unwrap()
            .clone()
    };
    let m = e.get("X2019").unwrap();
    assert_eq!(m.status, Status::Merged);
    assert_eq!(m.sources, ["X2019", "X2021"]);
    assert_eq!(m.population_before, Some(800.0));
    assert_eq!(m.population_after, Some(815.0));
    assert_relative_eq!(m.score_before.unwrap(), 7.9240625, epsilon = 1e-9);
    assert_relative_eq!(m.score_after.unwrap(), 6395.5 / 815.0, epsilon = 1e-9);
    assert_relative_eq!(
        m.difference.unwrap(),
        6395.5 / 815.0 - 7.9240625,
        epsilon = 1e-9
    );
    let o = older(m);
    assert_relative_eq!(o.raw_before.unwrap(), 17.583, epsilon = 1e-9);
    assert_relative_eq!(o.raw_after.unwrap(), 15073.85 / 815.0, epsilon = 1e-9);
    let poverty = m
        .indicators
        .iter()
        .find(|i| i.key == "poverty_rate")
        .unwrap();
    assert_relative_eq!(poverty.raw_before.unwrap(), 24.68, epsilon = 1e-9);

    let u = e.get("X1005").unwrap();
    assert_eq!(u.status, Status::Unchanged);
    assert_eq!(u.population_before, Some(11928.0));
    assert_eq!(u.population_after, Some(12044.0));
    assert_relative_eq!(u.score_before.unwrap(), 77673.0 / 11928.0, epsilon = 1e-9);
    assert_relative_eq!(u.score_after.unwrap(), 79666.2 / 12044.0, epsilon = 1e-9);
}

#[test]
fn a_csv_has_one_line_per_territory_and_six_columns_per_indicator() {
    let e = demo_evolution(Level::Departement, true);
    let mut out = Vec::new();
    e.write_csv(&mut out, Some(2)).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 3);
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(header.len(), 9 + 6 * e.indicators.len() + 1);
    assert!(lines[1].starts_with("X1,"), "{}", lines[1]);
    assert!(e.summary_fr()[0].starts_with("5 changement(s)"));
}

proptest::proptest! {
    // The fuzz target of the table reader: any bytes after INSEE's header are read or refused,
    // never a panic; a table that is read maps, groups and writes back to itself.
    #[test]
    fn any_table_is_read_or_refused_without_panicking(
        body in proptest::collection::vec(proptest::sample::select(
            b"0123,;\n\"XCOMD-abc\xC3\xA9\xFF ".to_vec()), 0..200)
    ) {
        let mut bytes = MVTCOMMUNE_HEADER.join(",").into_bytes();
        bytes.push(b'\n');
        bytes.extend(body);
        if let Ok(t) = CogChanges::read_csv(bytes.as_slice(), "fuzz.csv") {
            let _ = t.successors();
            let _ = t.events();
            let mut out = Vec::new();
            t.write_csv(&mut out).unwrap();
            proptest::prop_assert_eq!(CogChanges::read_csv(out.as_slice(), "back.csv").unwrap(), t);
        }
    }
}

#[test]
fn renumbered_iris_say_to_compare_at_commune_level() {
    let e = demo_evolution(Level::Iris, true);
    let gone = e.get("X20210000").unwrap();
    assert_eq!(gone.status, Status::Removed);
    assert!(
        gone.note.contains("X2019") && gone.note.contains("niveau commune"),
        "{}",
        gone.note
    );
    let new = e.get("X20190002").unwrap();
    assert_eq!(new.status, Status::New);
    assert!(new.note.contains("niveau commune"), "{}", new.note);
    // An IRIS of an unchanged commune is matched by its code.
    assert_eq!(e.get("X10050001").unwrap().status, Status::Unchanged);
}
