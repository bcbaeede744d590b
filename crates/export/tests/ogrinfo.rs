//! Each export opened by GDAL's own `ogrinfo` (Debian `gdal-bin`): layer, CRS, feature count
//! and field types, as QGIS will see them.

use std::path::Path;
use std::process::Command;

use ifn_core::{Catalogue, Engine, Level, Selection};
use ifn_export::{write_file, ExportFormat, ExportInput, ExportOptions};

fn ogrinfo(path: &Path, extra: &[&str]) -> String {
    let out = Command::new("ogrinfo")
        .args(["-so", "-al"])
        .args(extra)
        .arg(path)
        .output()
        .expect("ogrinfo must be installed (Debian package gdal-bin)");
    assert!(
        out.status.success(),
        "ogrinfo {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn field_type<'a>(info: &'a str, field: &str) -> &'a str {
    let prefix = format!("{field}: ");
    info.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no field {field} in\n{info}"))
        .split(' ')
        .next()
        .unwrap_or("")
}

#[test]
fn ogrinfo_sees_the_layer_crs_count_and_typed_fields_of_each_format() {
    let territory = ifn_core::demo::generate();
    let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
    let selection = Selection::builder("tout-age")
        .build(&engine)
        .expect("selection");
    let scores = engine.score(Level::Commune, &selection).expect("score");
    let input = ExportInput::new(&territory, &scores, &selection, engine.catalogue());
    let dir = tempfile::tempdir().expect("tempdir");
    let key = &scores.indicators[0];
    for format in [ExportFormat::Fgb, ExportFormat::Gpkg, ExportFormat::GeoJson] {
        let path = dir.path().join(format!("communes.{}", format.extension()));
        write_file(format, &input, &ExportOptions::default(), &path, false).expect("write");
        let info = ogrinfo(&path, &[]);
        assert!(info.contains("Layer name: commune"), "{format}:\n{info}");
        assert!(
            info.contains(&format!("Feature Count: {}", scores.len())),
            "{format}:\n{info}"
        );
        assert!(info.contains("Multi Polygon"), "{format}:\n{info}");
        assert!(
            info.contains(r#"ID["EPSG",4326]"#),
            "{format}: CRS is not EPSG:4326\n{info}"
        );
        assert_eq!(field_type(&info, "code"), "String", "{format}");
        assert_eq!(field_type(&info, "name"), "String", "{format}");
        // GeoJSON is untyped: GDAL infers Integer when every value fits in 32 bits.
        let population = field_type(&info, "population");
        if format == ExportFormat::GeoJson {
            assert!(population.starts_with("Integer"), "{population}");
        } else {
            assert_eq!(population, "Integer64", "{format}");
        }
        assert_eq!(field_type(&info, "total"), "Real", "{format}");
        assert_eq!(field_type(&info, "indicators_used"), "Integer", "{format}");
        assert_eq!(
            field_type(&info, &format!("{key}_class")),
            "Real",
            "{format}"
        );
        assert_eq!(field_type(&info, &format!("{key}_raw")), "Real", "{format}");
    }
    // CSV: no geometry; GDAL reads codes as text even when asked to guess types.
    let path = dir.path().join("communes.csv");
    write_file(
        ExportFormat::Csv,
        &input,
        &ExportOptions::default(),
        &path,
        false,
    )
    .expect("csv");
    let info = ogrinfo(&path, &["-oo", "AUTODETECT_TYPE=YES"]);
    assert!(info.contains("Layer name: communes"), "{info}");
    assert!(
        info.contains(&format!("Feature Count: {}", scores.len())),
        "{info}"
    );
    assert_eq!(field_type(&info, "code"), "String");
    assert_eq!(field_type(&info, "total"), "Real");
}

#[test]
fn ogrinfo_reads_the_flatgeobuf_spatial_index_with_a_spatial_filter() {
    let territory = ifn_core::demo::generate();
    let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
    let selection = Selection::builder("tout-age")
        .build(&engine)
        .expect("selection");
    let scores = engine.score(Level::Iris, &selection).expect("score");
    let input = ExportInput::new(&territory, &scores, &selection, engine.catalogue());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("iris.fgb");
    write_file(
        ExportFormat::Fgb,
        &input,
        &ExportOptions::default(),
        &path,
        false,
    )
    .expect("write");
    let b = territory.meta.bbox;
    let q = [b[0], b[1], (b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0];
    let expected = territory.geometries[&Level::Iris]
        .iter()
        // OGR filters the index's bbox candidates by exact intersection with the box.
        .filter(|f| {
            use geo::Intersects;
            let rect = geo::Rect::new((q[0], q[1]), (q[2], q[3]));
            f.geometry.intersects(&rect)
        })
        .count();
    let spat: Vec<String> = q.iter().map(|v| v.to_string()).collect();
    let mut args = vec!["-spat"];
    args.extend(spat.iter().map(String::as_str));
    let info = ogrinfo(&path, &args);
    assert!(
        info.contains(&format!("Feature Count: {expected}")),
        "expected {expected} features in the box\n{info}"
    );
    assert!(expected > 0 && expected < scores.len());
}

#[test]
fn gdal_opens_a_geojson_whose_provenance_runs_to_many_kilobytes() {
    // A national store lists many sources: GDAL must still recognise the file as GeoJSON
    // (it sniffs the first bytes), so the provenance must not push "type" out of its sight.
    let mut territory = ifn_core::demo::generate();
    for i in 0..300 {
        territory.meta.sources.push(ifn_core::SourceInfo {
            name: format!("Jeu de données numéro {i}, avec un titre long comme ceux de l'INSEE"),
            producer: "Producteur".into(),
            vintage: "2022".into(),
            licence: "Licence Ouverte 2.0".into(),
        });
    }
    let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
    let selection = Selection::builder("tout-age")
        .build(&engine)
        .expect("selection");
    let scores = engine.score(Level::Departement, &selection).expect("score");
    let input = ExportInput::new(&territory, &scores, &selection, engine.catalogue());
    assert!(input.provenance().description.len() > 20_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("deps.geojson");
    write_file(
        ExportFormat::GeoJson,
        &input,
        &ExportOptions::default(),
        &path,
        false,
    )
    .expect("write");
    let info = ogrinfo(&path, &[]);
    assert!(
        info.contains(&format!("Feature Count: {}", scores.len())),
        "{info}"
    );
}
