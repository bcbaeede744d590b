//! `ifn build --plan`: what a build would use, printed without building.

use std::path::Path;
use std::process::Command;

fn plan(manifest: &Path, sources: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ifn"))
        .args(["build", "--plan", "--manifest"])
        .arg(manifest)
        .arg("--sources")
        .arg(sources)
        .output()
        .expect("run")
}

fn official() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sources/france-official.toml")
}

#[test]
fn the_plan_lists_every_catalogue_indicator_with_its_dataset_or_why_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = plan(&official(), dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    for def in &ifn_core::Catalogue::builtin().indicators {
        assert!(
            text.contains(&format!("  {} — {}", def.key, def.label)),
            "{}\n{text}",
            def.key
        );
    }
    assert!(
        text.contains("← insee_rp2019_population_iris (INSEE (recensement de la population)"),
        "{text}"
    );
    assert!(text.contains("niveau IRIS [MANQUANT]"), "{text}");
    assert!(
        text.contains("✗ aucune source officielle : L'ARCEP publie la couverture 4G"),
        "{text}"
    );
    // Nothing is built.
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn the_plan_names_the_missing_files_with_their_sizes_and_counts_an_archive_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let present = dir.path().join("arcep/commune_debit_filaire.csv");
    std::fs::create_dir_all(present.parent().expect("parent")).expect("mkdir");
    std::fs::write(&present, "code_insee;nbr\n").expect("write");
    let o = plan(&official(), dir.path());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        !text.contains("MANQUANT arcep/commune_debit_filaire.csv"),
        "{text}"
    );
    assert!(text.contains("(1 présents, 16 manquants)"), "{text}");
    assert_eq!(
        text.matches("MANQUANT ign/CONTOURS-IRIS_2-1__SHP__FRA_2021-01-01.7z (200,0 Mo)")
            .count(),
        1,
        "{text}"
    );
    // The announced total is the sum of the manifest's sizes of the missing files.
    let m = ifn_ingest::manifest::Manifest::read(&official()).expect("manifest");
    let mut seen = std::collections::BTreeSet::new();
    let total: u64 = m
        .datasets
        .iter()
        .filter(|d| d.path != "arcep/commune_debit_filaire.csv" && seen.insert(d.path.clone()))
        .filter_map(|d| d.size)
        .sum();
    let expected = format!("À télécharger : {}", ifn_ingest::plan::human_size(total));
    assert!(text.contains(&expected), "{expected}\n{text}");
}

#[test]
fn build_without_plan_still_needs_out() {
    let o = Command::new(env!("CARGO_BIN_EXE_ifn"))
        .args(["build", "--sources", "."])
        .output()
        .expect("run");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out"));
}
