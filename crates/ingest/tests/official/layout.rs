//! Lays out a sources folder as `data/sources/france-official.toml` says, from the text
//! fixtures of `tests/fixtures/official`: INSEE CSVs zipped with a dictionary member beside
//! them, IGN Shapefiles (made by `ogr2ogr` from the GeoJSON fixtures) in 7z archives under the
//! producers' folder layout, plain files elsewhere.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/official")
}

/// The official manifest of the repository.
pub fn manifest_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sources/france-official.toml")
}

/// Writes a ZIP archive (deflate) holding `members`.
pub fn zip(out: &Path, members: &[(String, Vec<u8>)]) {
    std::fs::create_dir_all(out.parent().expect("parent")).expect("mkdir");
    let f = std::fs::File::create(out).expect("create zip");
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        z.start_file(name.as_str(), opts).expect("start member");
        z.write_all(bytes).expect("write member");
    }
    z.finish().expect("finish zip");
}

/// Writes a 7z archive (LZMA2) holding `members`.
pub fn sevenz(out: &Path, members: &[(String, Vec<u8>)]) {
    std::fs::create_dir_all(out.parent().expect("parent")).expect("mkdir");
    let mut w = sevenz_rust2::ArchiveWriter::create(out).expect("create 7z");
    for (name, bytes) in members {
        w.push_archive_entry(
            sevenz_rust2::ArchiveEntry::new_file(name),
            Some(std::io::Cursor::new(bytes.clone())),
        )
        .expect("push member");
    }
    w.finish().expect("finish 7z");
}

/// The files of a Shapefile made from a GeoJSON fixture, reprojected to `srs`: (file name,
/// bytes) for the `.shp`, `.shx`, `.dbf`, `.prj` and `.cpg` that GDAL writes.
pub fn shapefile(geojson: &Path, stem: &str, srs: &str) -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let shp = dir.path().join(format!("{stem}.shp"));
    let st = Command::new("ogr2ogr")
        .args([
            "-f",
            "ESRI Shapefile",
            "-lco",
            "ENCODING=UTF-8",
            "-t_srs",
            srs,
        ])
        .arg(&shp)
        .arg(geojson)
        .status()
        .expect("ogr2ogr (package gdal-bin, installed by scripts/setup.sh)");
    assert!(st.success(), "ogr2ogr failed on {}", geojson.display());
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir.path()).expect("read dir") {
        let p = e.expect("entry").path();
        let name = p.file_name().expect("name").to_string_lossy().into_owned();
        out.push((name, std::fs::read(&p).expect("read")));
    }
    out.sort();
    out
}

/// A CSV fixture, and its dictionary member as INSEE ships it beside the data.
fn insee_members(name: &str) -> Vec<(String, Vec<u8>)> {
    let data = std::fs::read(fixtures().join("insee").join(name)).expect("fixture");
    let meta = "COD_VAR;LIB_VAR;LIB_VAR_LONG\r\nIRIS;Code IRIS;Code du département suivi du numéro de commune et du numéro d'IRIS\r\n";
    vec![
        (format!("meta_{name}"), meta.as_bytes().to_vec()),
        (name.to_string(), data),
    ]
}

/// Lays out every file of the official manifest under `dir`.
pub fn official_sources(dir: &Path) {
    let f = fixtures();
    let copy = |from: &str, to: &str| {
        let to = dir.join(to);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(f.join(from), &to).expect("copy fixture");
    };
    copy(
        "etalab/communes.json",
        "etalab/decoupage-administratif-2.3.1/communes.json",
    );
    copy(
        "etalab/epci.json",
        "etalab/decoupage-administratif-2.3.1/epci.json",
    );
    copy(
        "etalab/departements.json",
        "etalab/decoupage-administratif-6.0.0/departements.json",
    );
    copy(
        "etalab/regions.json",
        "etalab/decoupage-administratif-6.0.0/regions.json",
    );
    copy(
        "arcep/commune_debit_filaire.csv",
        "arcep/commune_debit_filaire.csv",
    );
    copy(
        "anct/france_services.geojson",
        "anct/france_services.geojson",
    );
    copy(
        "culture/adresses-des-bibliotheques-publiques.csv",
        "culture/adresses-des-bibliotheques-publiques.csv",
    );
    copy(
        "mediation/lieux-de-mediation-numerique-data-inclusion.json",
        "mediation/lieux-de-mediation-numerique-data-inclusion.json",
    );
    for base in [
        "base-ic-evol-struct-pop-2019",
        "base-ic-diplomes-formation-2019",
        "base-ic-couples-familles-menages-2019",
        "base-ic-activite-residents-2019",
        "base-ic-logement-2019",
    ] {
        zip(
            &dir.join(format!("insee/{base}_csv.zip")),
            &insee_members(&format!("{base}.CSV")),
        );
    }
    // Filosofi: the CSV under a folder of the archive, as the member patterns allow.
    let filo = std::fs::read(f.join("insee/BASE_TD_FILO_DISP_IRIS_2019.csv")).expect("fixture");
    zip(
        &dir.join("insee/BASE_TD_FILO_DISP_IRIS_2019.zip"),
        &[(
            "BASE_TD_FILO_DISP_IRIS_2019/BASE_TD_FILO_DISP_IRIS_2019.csv".to_string(),
            filo,
        )],
    );
    let pauvres = std::fs::read(f.join("insee/FILO2019_DISP_Pauvres_COM.csv")).expect("fixture");
    zip(
        &dir.join("insee/indic-struct-distrib-revenu-2019-COMMUNES_csv.zip"),
        &[
            (
                "FILO2019_DISP_COM.csv".to_string(),
                b"CODGEO;NBMENFISC19\r\n01004;6000\r\n".to_vec(),
            ),
            ("FILO2019_DISP_Pauvres_COM.csv".to_string(), pauvres),
        ],
    );
    // IGN: one 7z per product, Shapefiles under the delivery folders.
    let iris_dir = "CONTOURS-IRIS_2-1__SHP__FRA_2021-01-01/CONTOURS-IRIS/1_DONNEES_LIVRAISON_2021-06-00217/CONTOURS-IRIS_2-1_SHP_LAMB93_FXX-2021";
    let iris: Vec<(String, Vec<u8>)> = shapefile(
        &f.join("ign/contours-iris.geojson"),
        "CONTOURS-IRIS",
        "EPSG:2154",
    )
    .into_iter()
    .map(|(n, b)| (format!("{iris_dir}/{n}"), b))
    .collect();
    sevenz(
        &dir.join("ign/CONTOURS-IRIS_2-1__SHP__FRA_2021-01-01.7z"),
        &iris,
    );
    let ade = "ADMIN-EXPRESS-COG_3-0__SHP_WGS84G_FRA_2021-05-19/ADMIN-EXPRESS-COG/1_DONNEES_LIVRAISON_2021-05-19/ADE-COG_3-0_SHP_WGS84G_FRA";
    let mut admin = Vec::new();
    for (geojson, stem) in [
        ("commune", "COMMUNE"),
        ("epci", "EPCI"),
        ("departement", "DEPARTEMENT"),
    ] {
        for (n, b) in shapefile(&f.join(format!("ign/{geojson}.geojson")), stem, "EPSG:4326") {
            admin.push((format!("{ade}/{n}"), b));
        }
    }
    sevenz(
        &dir.join("ign/ADMIN-EXPRESS-COG_3-0__SHP_WGS84G_FRA_2021-05-19.7z"),
        &admin,
    );
}

/// A minimal XLSX workbook (one sheet of inline strings and numbers), as the bytes of its ZIP.
pub fn xlsx(sheet: &str, rows: &[Vec<&str>]) -> Vec<u8> {
    let col = |j: usize| char::from(b'A' + j as u8);
    let mut data = String::new();
    for (i, row) in rows.iter().enumerate() {
        data.push_str(&format!("<row r=\"{}\">", i + 1));
        for (j, v) in row.iter().enumerate() {
            let r = format!("{}{}", col(j), i + 1);
            if v.parse::<f64>().is_ok() {
                data.push_str(&format!("<c r=\"{r}\"><v>{v}</v></c>"));
            } else {
                data.push_str(&format!(
                    "<c r=\"{r}\" t=\"inlineStr\"><is><t>{v}</t></is></c>"
                ));
            }
        }
        data.push_str("</row>");
    }
    let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts = [
        ("[Content_Types].xml", String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>")),
        ("_rels/.rels", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")),
        ("xl/workbook.xml", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{ns}\" xmlns:r=\"{rel}\"><sheets><sheet name=\"{sheet}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>")),
        ("xl/_rels/workbook.xml.rels", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>")),
        ("xl/worksheets/sheet1.xml", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{ns}\"><sheetData>{data}</sheetData></worksheet>")),
    ];
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        for (name, text) in parts {
            z.start_file(name, opts).expect("start part");
            z.write_all(text.as_bytes()).expect("write part");
        }
        z.finish().expect("finish xlsx");
    }
    buf.into_inner()
}
