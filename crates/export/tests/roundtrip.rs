//! Write-then-read-back tests of every format, on the demo territory.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Cursor};

use approx::assert_relative_eq;
use flatgeobuf::{FallibleStreamingIterator, FgbReader};
use geo::{BoundingRect, Geometry, MultiPolygon};
use geozero::{FeatureProperties, ToGeo};
use ifn_core::{Catalogue, Engine, Level, LevelScores, Selection, Territory};
use ifn_export::{to_bytes, write_file, ExportError, ExportFormat, ExportInput, ExportOptions};

struct Fixture {
    territory: Territory,
    engine: Engine,
    selection: Selection,
}

fn demo() -> Fixture {
    let territory = ifn_core::demo::generate();
    let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
    let selection = Selection::builder("senior")
        .weights(vec![("older_75_rate".into(), 2.0)])
        .build(&engine)
        .expect("selection");
    Fixture {
        territory,
        engine,
        selection,
    }
}

impl Fixture {
    fn scores(&self, level: Level) -> LevelScores {
        self.engine.score(level, &self.selection).expect("score")
    }
    fn input<'a>(&'a self, scores: &'a LevelScores) -> ExportInput<'a> {
        ExportInput::new(
            &self.territory,
            scores,
            &self.selection,
            self.engine.catalogue(),
        )
    }
    fn contour(&self, level: Level, code: &str) -> &MultiPolygon<f64> {
        &self.territory.geometries[&level]
            .iter()
            .find(|f| f.code == code)
            .expect("contour")
            .geometry
    }
}

fn opt(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

#[test]
fn flatgeobuf_round_trips_every_value_and_geometry() {
    let fx = demo();
    for level in [Level::Commune, Level::Iris, Level::Departement] {
        let scores = fx.scores(level);
        let bytes = to_bytes(
            ExportFormat::Fgb,
            &fx.input(&scores),
            &ExportOptions::default(),
        )
        .expect("fgb");
        let mut cursor = Cursor::new(bytes);
        let reader = FgbReader::open(&mut cursor).expect("open");
        let header = reader.header();
        assert_eq!(header.features_count() as usize, scores.len());
        assert_eq!(header.name(), Some(level.as_str()));
        assert_eq!(header.crs().map(|c| c.code()), Some(4326));
        assert!(header.index_node_size() > 0, "spatial index written");
        let title = header.title().expect("title");
        assert!(
            title.contains("Senior") && title.contains("FICTIVES"),
            "{title}"
        );
        let description = header.description().expect("description");
        assert!(
            description.contains("older_75_rate (poids 2)"),
            "{description}"
        );
        assert!(description.contains("Licence"), "{description}");
        let metadata: serde_json::Value =
            serde_json::from_str(header.metadata().expect("metadata")).expect("json");
        assert_eq!(metadata["profile"], "senior");
        let mut features = reader.select_all().expect("select");
        let mut seen = 0;
        while let Some(f) = features.next().expect("feature") {
            seen += 1;
            let code: String = f.property("code").expect("code");
            let t = scores.index_of(&code).expect("known code");
            assert_eq!(f.property::<String>("name").expect("name"), scores.names[t]);
            assert_eq!(
                f.property::<i64>("population").expect("population"),
                scores.population[t].round() as i64
            );
            assert_eq!(
                f.property::<f64>("total").ok(),
                opt(scores.total[t]),
                "{code}"
            );
            assert_eq!(
                f.property::<i32>("indicators_used").expect("used"),
                i32::from(scores.used[t])
            );
            for (j, key) in scores.indicators.iter().enumerate() {
                let class = f.property::<f64>(&format!("{key}_class")).ok();
                let raw = f.property::<f64>(&format!("{key}_raw")).ok();
                assert_eq!(class, opt(scores.classes[(t, j)]), "{code} {key}");
                assert_eq!(raw, opt(scores.raw[(t, j)]), "{code} {key}");
            }
            let geometry = match f.to_geo().expect("geometry") {
                Geometry::MultiPolygon(mp) => mp,
                other => panic!("{code}: {other:?}"),
            };
            assert_eq!(&geometry, fx.contour(level, &code), "{code}");
        }
        assert_eq!(seen, scores.len());
    }
}

#[test]
fn the_flatgeobuf_spatial_filter_returns_the_brute_force_bbox_matches() {
    let fx = demo();
    let scores = fx.scores(Level::Iris);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("iris.fgb");
    write_file(
        ExportFormat::Fgb,
        &fx.input(&scores),
        &ExportOptions::default(),
        &path,
        false,
    )
    .expect("write");
    let b = fx.territory.meta.bbox;
    let (w, h) = (b[2] - b[0], b[3] - b[1]);
    let boxes = [
        [b[0], b[1], b[0] + w * 0.2, b[1] + h * 0.2],
        [
            b[0] + w * 0.4,
            b[1] + h * 0.3,
            b[0] + w * 0.6,
            b[1] + h * 0.5,
        ],
        [b[0] - 1.0, b[1] - 1.0, b[0] - 0.5, b[1] - 0.5],
        [b[0] - 1.0, b[1] - 1.0, b[2] + 1.0, b[3] + 1.0],
    ];
    for q in boxes {
        let mut expected: Vec<String> = fx.territory.geometries[&Level::Iris]
            .iter()
            .filter(|f| {
                let r = f.geometry.bounding_rect().expect("non-empty");
                r.min().x <= q[2] && r.max().x >= q[0] && r.min().y <= q[3] && r.max().y >= q[1]
            })
            .map(|f| f.code.clone())
            .collect();
        expected.sort();
        let mut file = BufReader::new(File::open(&path).expect("open"));
        let mut it = FgbReader::open(&mut file)
            .expect("open")
            .select_bbox(q[0], q[1], q[2], q[3])
            .expect("bbox");
        let mut got = Vec::new();
        while let Some(f) = it.next().expect("feature") {
            got.push(f.property::<String>("code").expect("code"));
        }
        got.sort();
        assert_eq!(got, expected, "{q:?}");
    }
}

#[test]
fn csv_round_trips_every_value() {
    let fx = demo();
    let scores = fx.scores(Level::Epci);
    let bytes = to_bytes(
        ExportFormat::Csv,
        &fx.input(&scores),
        &ExportOptions::default(),
    )
    .expect("csv");
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let names: Vec<String> = ifn_export::columns(&scores)
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(header, names);
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), scores.len());
    let num = |s: &str| {
        if s.is_empty() {
            None
        } else {
            Some(s.parse::<f64>().expect("number"))
        }
    };
    for (t, row) in rows.iter().enumerate() {
        assert_eq!(&row[0], scores.codes[t]);
        assert_eq!(&row[1], scores.names[t]);
        assert_eq!(
            row[2].parse::<i64>().expect("int"),
            scores.population[t].round() as i64
        );
        assert_eq!(num(&row[3]), opt(scores.total[t]));
        for j in 0..scores.indicators.len() {
            assert_eq!(num(&row[5 + 2 * j]), opt(scores.classes[(t, j)]));
            assert_eq!(num(&row[6 + 2 * j]), opt(scores.raw[(t, j)]));
        }
    }
}

#[test]
fn excel_csv_has_a_bom_semicolons_and_decimal_commas() {
    let fx = demo();
    let scores = fx.scores(Level::Departement);
    let opts = ExportOptions {
        excel: true,
        ..Default::default()
    };
    let bytes = to_bytes(ExportFormat::Csv, &fx.input(&scores), &opts).expect("csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBFcode;name;population;total;"));
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    for (t, row) in r.records().enumerate() {
        let row = row.expect("row");
        assert!(!row[3].contains('.'), "{:?}", &row[3]);
        // Rounded as the map displays it (the review saw `6,950926747040935`).
        let total: f64 = row[3].replace(',', ".").parse().expect("number");
        assert_eq!(total, ifn_core::rules::display_round(scores.total[t]));
        assert_eq!(
            row[3].split_once(',').map(|(_, d)| d.len()),
            Some(ifn_core::rules().score.decimals as usize)
        );
    }
}

#[test]
fn geojson_is_rfc7946_with_six_decimals_and_counter_clockwise_exteriors() {
    let fx = demo();
    let scores = fx.scores(Level::Commune);
    let bytes = to_bytes(
        ExportFormat::GeoJson,
        &fx.input(&scores),
        &ExportOptions::default(),
    )
    .expect("geojson");
    let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(doc["type"], "FeatureCollection");
    assert!(doc.get("crs").is_none(), "RFC 7946 has no crs member");
    assert_eq!(doc["ifn"]["profile"], "senior");
    let features = doc["features"].as_array().expect("features");
    assert_eq!(features.len(), scores.len());
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    for (t, f) in features.iter().enumerate() {
        let p = &f["properties"];
        assert_eq!(p["code"], scores.codes[t].as_str());
        assert_eq!(
            p["population"].as_i64(),
            Some(scores.population[t].round() as i64)
        );
        // serde_json's default float parser may be off by one ulp (no `float_roundtrip`);
        // the exact digits are checked in `population_is_rounded_and_totals_keep_full_precision`.
        let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-12 * b.abs().max(1.0),
            (a, b) => a == b,
        };
        assert!(close(p["total"].as_f64(), opt(scores.total[t])));
        for (j, key) in scores.indicators.iter().enumerate() {
            assert!(
                close(p[format!("{key}_raw")].as_f64(), opt(scores.raw[(t, j)])),
                "{key}"
            );
        }
        let original = fx.contour(Level::Commune, &scores.codes[t]);
        let polys = f["geometry"]["coordinates"].as_array().expect("polygons");
        assert_eq!(polys.len(), original.0.len());
        for (poly, orig) in polys.iter().zip(&original.0) {
            for (k, ring) in poly.as_array().expect("rings").iter().enumerate() {
                let pts: Vec<(f64, f64)> = ring
                    .as_array()
                    .expect("ring")
                    .iter()
                    .map(|c| (c[0].as_f64().expect("x"), c[1].as_f64().expect("y")))
                    .collect();
                let area2: f64 = pts
                    .windows(2)
                    .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
                    .sum();
                if k == 0 {
                    assert!(area2 > 0.0, "exterior ring counter-clockwise");
                    // Same points as the source, to 6 decimals (whatever the source winding).
                    let src = &orig.exterior().0;
                    assert_eq!(pts.len(), src.len());
                    for p in &pts {
                        assert!(src
                            .iter()
                            .any(|c| (c.x - p.0).abs() <= 5e-7 && (c.y - p.1).abs() <= 5e-7));
                    }
                } else {
                    assert!(area2 < 0.0, "holes clockwise");
                }
            }
        }
    }
    // No coordinate has more than 6 decimals.
    for piece in text.split("\"coordinates\":").skip(1) {
        let coordinates = &piece[..piece.find("]}").expect("end of geometry")];
        for number in coordinates
            .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .filter(|s| s.contains('.'))
        {
            let decimals = number.len() - number.find('.').expect("dot") - 1;
            assert!(decimals <= 6, "{number}");
        }
    }
}

#[test]
fn geopackage_round_trips_every_value() {
    use gdal::vector::LayerAccess;
    let fx = demo();
    let scores = fx.scores(Level::Commune);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("communes.gpkg");
    write_file(
        ExportFormat::Gpkg,
        &fx.input(&scores),
        &ExportOptions::default(),
        &path,
        false,
    )
    .expect("gpkg");
    let ds = gdal::Dataset::open(&path).expect("open");
    let mut layer = ds.layer_by_name("commune").expect("layer");
    assert_eq!(layer.feature_count() as usize, scores.len());
    assert_eq!(
        layer.spatial_ref().expect("srs").auth_code().expect("code"),
        4326
    );
    let mut seen = HashMap::new();
    for f in layer.features() {
        let code = f.field_as_string(0).expect("code").expect("set");
        let t = scores.index_of(&code).expect("known");
        assert_eq!(
            f.field_as_string(1).expect("name").as_deref(),
            Some(scores.names[t].as_str())
        );
        assert_eq!(
            f.field_as_integer64(2).expect("population"),
            Some(scores.population[t].round() as i64)
        );
        assert_eq!(f.field_as_double(3).expect("total"), opt(scores.total[t]));
        for j in 0..scores.indicators.len() {
            assert_eq!(
                f.field_as_double(5 + 2 * j).expect("class"),
                opt(scores.classes[(t, j)])
            );
            assert_eq!(
                f.field_as_double(6 + 2 * j).expect("raw"),
                opt(scores.raw[(t, j)])
            );
        }
        let g: Geometry<f64> = f.geometry().expect("geometry").to_geo().expect("geo");
        let Geometry::MultiPolygon(mp) = g else {
            panic!("{code}: not a multipolygon")
        };
        assert_eq!(&mp, fx.contour(Level::Commune, &code));
        seen.insert(code, ());
    }
    assert_eq!(seen.len(), scores.len());
    // to_bytes gives a GeoPackage too.
    let bytes = to_bytes(
        ExportFormat::Gpkg,
        &fx.input(&scores),
        &ExportOptions::default(),
    )
    .expect("bytes");
    assert!(bytes.starts_with(b"SQLite format 3\0"));
}

#[test]
fn a_level_without_contours_is_a_clear_error_but_csv_still_works() {
    let mut fx = demo();
    fx.territory.geometries.remove(&Level::Epci);
    let scores = fx.scores(Level::Epci);
    let e = to_bytes(
        ExportFormat::Fgb,
        &fx.input(&scores),
        &ExportOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, ExportError::NoContours { .. }), "{e}");
    assert!(e.to_string().contains("epci"), "{e}");
    assert!(to_bytes(
        ExportFormat::Csv,
        &fx.input(&scores),
        &ExportOptions::default()
    )
    .is_ok());
}

#[test]
fn a_territory_without_its_contour_is_left_out_and_named_in_the_description() {
    let mut fx = demo();
    let removed = fx
        .territory
        .geometries
        .get_mut(&Level::Commune)
        .expect("communes")
        .remove(7);
    let scores = fx.scores(Level::Commune);
    let input = fx.input(&scores);
    assert_eq!(input.without_contour(), vec![removed.code.clone()]);
    assert!(input.provenance().description.contains(&removed.code));
    // GeoJSON: one feature fewer, the others all there.
    let gj = to_bytes(ExportFormat::GeoJson, &input, &ExportOptions::default()).expect("geojson");
    let v: serde_json::Value = serde_json::from_slice(&gj).expect("json");
    let features = v["features"].as_array().expect("features");
    assert_eq!(features.len(), scores.len() - 1);
    assert!(features
        .iter()
        .all(|f| f["properties"]["code"] != removed.code.as_str()));
    // The other formats write too; the CSV keeps every territory.
    for format in [ExportFormat::Fgb, ExportFormat::Gpkg] {
        assert!(
            to_bytes(format, &input, &ExportOptions::default()).is_ok(),
            "{format}"
        );
    }
    let csv = to_bytes(ExportFormat::Csv, &input, &ExportOptions::default()).expect("csv");
    assert_eq!(
        String::from_utf8_lossy(&csv).lines().count(),
        scores.len() + 1
    );
}

#[test]
fn an_unwritable_path_is_a_clear_error_and_leaves_nothing() {
    let fx = demo();
    let scores = fx.scores(Level::Region);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    // A path "inside" a regular file cannot be created, even by root.
    let path = file.join("out.fgb");
    let e = write_file(
        ExportFormat::Fgb,
        &fx.input(&scores),
        &ExportOptions::default(),
        &path,
        true,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("a-file"), "{e}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
}

#[test]
fn population_is_rounded_and_totals_keep_full_precision() {
    let fx = demo();
    let scores = fx.scores(Level::Departement);
    let bytes = to_bytes(
        ExportFormat::GeoJson,
        &fx.input(&scores),
        &ExportOptions::default(),
    )
    .expect("gj");
    // Rust's own parser is exact: the written digits give back the very same f64.
    let text = String::from_utf8(bytes).expect("utf-8");
    let features = &text[text.find("\"features\"").expect("features")..];
    let totals: Vec<f64> = features
        .split("\"total\":")
        .skip(1)
        .map(|rest| {
            let end = rest.find(',').expect("next property");
            match &rest[..end] {
                "null" => f64::NAN,
                n => n.parse::<f64>().expect("number"),
            }
        })
        .collect();
    assert_eq!(totals.len(), scores.len());
    for (t, total) in totals.iter().enumerate() {
        if scores.total[t].is_nan() {
            assert!(total.is_nan());
        } else {
            assert_relative_eq!(*total, scores.total[t], max_relative = 0.0);
        }
    }
}

/// The demo with `older_75_rate` of one commune's base units marked as estimated (secret).
fn demo_with_an_estimated_commune() -> (Fixture, String) {
    let mut fx = demo();
    let d = &fx.territory.dataset;
    let j = d.indicator_index("older_75_rate").expect("indicator");
    let commune = d.units()[0].commune.clone();
    let marks: Vec<_> = d
        .units()
        .iter()
        .enumerate()
        .filter(|(_, u)| u.commune == commune)
        .map(|(i, _)| (i, j, Level::Departement))
        .collect();
    fx.territory.dataset = d.clone().with_estimates(marks).expect("marks");
    (fx, commune)
}

#[test]
fn estimated_values_get_an_estimee_column_in_csv_and_geojson() {
    let (fx, commune) = demo_with_an_estimated_commune();
    let scores = fx.scores(Level::Commune);
    let input = fx.input(&scores);
    let csv_bytes = to_bytes(ExportFormat::Csv, &input, &ExportOptions::default()).expect("csv");
    let mut r = csv::Reader::from_reader(csv_bytes.as_slice());
    let header = r.headers().expect("header").clone();
    let col = header
        .iter()
        .position(|h| h == "older_75_rate_estimee")
        .expect("estimee column");
    // Only the indicator with estimates gets a column.
    assert_eq!(header.iter().filter(|h| h.ends_with("_estimee")).count(), 1);
    for row in r.records() {
        let row = row.expect("row");
        let want = if row[0] == *commune { 1.0 } else { 0.0 };
        assert_eq!(row[col].parse::<f64>().ok(), Some(want), "{}", &row[0]);
    }
    let gj = to_bytes(ExportFormat::GeoJson, &input, &ExportOptions::default()).expect("geojson");
    let v: serde_json::Value = serde_json::from_slice(&gj).expect("json");
    let f = v["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["code"] == commune.as_str())
        .expect("commune feature");
    assert_eq!(f["properties"]["older_75_rate_estimee"], 1.0);
    // An EPCI holding that commune is partly estimated.
    let epci = fx.scores(Level::Epci);
    let e = fx.input(&epci).estimated.expect("shares");
    let partly = e.shares.iter().filter(|s| s[0] > 0.0 && s[0] < 1.0).count();
    assert_eq!(partly, 1);
}
