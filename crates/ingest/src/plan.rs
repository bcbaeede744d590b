//! `ifn build --plan`: what a build of a manifest would use, without building — for every
//! catalogue indicator the datasets that feed it and at which level (or why none does), and
//! which files of the manifest are missing from the sources folder, with their sizes when the
//! manifest gives them. The text is in French: it is printed for the user as it is.
//!
//! ```
//! use std::path::Path;
//! use ifn_core::Catalogue;
//! use ifn_ingest::{manifest::Manifest, plan::plan};
//!
//! let m = Manifest::france()?;
//! let p = plan(&m, Catalogue::builtin(), Path::new("/nonexistent"));
//! assert_eq!(p.indicators.len(), Catalogue::builtin().indicators.len());
//! assert!(p.files.iter().all(|f| !f.present));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ifn_core::Catalogue;

use crate::manifest::{Manifest, SourceLevel};

/// The plan of a build.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The manifest (for the title).
    pub manifest: PathBuf,
    /// The sources folder looked into.
    pub sources: PathBuf,
    /// One entry per catalogue indicator, in catalogue order.
    pub indicators: Vec<IndicatorPlan>,
    /// One entry per distinct file of the manifest, in manifest order.
    pub files: Vec<FilePlan>,
}

/// How one indicator would be computed.
#[derive(Debug, Clone)]
pub struct IndicatorPlan {
    /// Indicator key.
    pub key: String,
    /// Its French label.
    pub label: String,
    /// Its sources, first preferred (empty when none).
    pub feeds: Vec<Feed>,
    /// Why no dataset gives it, and the closest substitute, when the manifest says so.
    pub unavailable: Option<(String, Option<String>)>,
}

/// One source of an indicator.
#[derive(Debug, Clone)]
pub struct Feed {
    /// Dataset key.
    pub dataset: String,
    /// Producer.
    pub producer: String,
    /// Vintage.
    pub vintage: String,
    /// Level of the values, in French (`IRIS`, `commune`, `distance au lieu le plus proche`).
    pub level: String,
    /// Whether the dataset's file is in the sources folder.
    pub present: bool,
}

/// One file of the manifest.
#[derive(Debug, Clone)]
pub struct FilePlan {
    /// Datasets read from this file.
    pub datasets: Vec<String>,
    /// Path inside the sources folder.
    pub path: String,
    /// Download URL.
    pub url: Option<String>,
    /// Size announced by the manifest.
    pub size: Option<u64>,
    /// Whether it is in the sources folder.
    pub present: bool,
}

/// The plan of building `manifest` from `sources`.
pub fn plan(manifest: &Manifest, catalogue: &Catalogue, sources: &Path) -> Plan {
    let present = |path: &str| sources.join(path).is_file();
    let mut files: Vec<FilePlan> = Vec::new();
    for d in &manifest.datasets {
        match files.iter_mut().find(|f| f.path == d.path) {
            Some(f) => {
                f.datasets.push(d.key.clone());
                f.size = f.size.or(d.size);
                f.url = f.url.clone().or(d.url.clone());
            }
            None => files.push(FilePlan {
                datasets: vec![d.key.clone()],
                path: d.path.clone(),
                url: d.url.clone(),
                size: d.size,
                present: present(&d.path),
            }),
        }
    }
    let indicators = catalogue
        .indicators
        .iter()
        .map(|def| {
            let feeds = manifest
                .indicators
                .iter()
                .filter(|i| i.key == def.key)
                .flat_map(|i| i.sources.iter())
                .filter_map(|s| {
                    let d = manifest.datasets.iter().find(|d| d.key == s.dataset)?;
                    let level = match (s.level, s.distance_to.is_empty()) {
                        (_, false) => "distance au lieu le plus proche".to_string(),
                        (Some(SourceLevel::Iris), _) => "IRIS".to_string(),
                        (Some(SourceLevel::Commune), _) => "commune".to_string(),
                        (None, _) => "?".to_string(),
                    };
                    Some(Feed {
                        dataset: d.key.clone(),
                        producer: d.producer.clone(),
                        vintage: d.vintage.clone(),
                        level,
                        present: present(&d.path),
                    })
                })
                .collect();
            let unavailable = manifest
                .unavailable
                .iter()
                .find(|u| u.indicator == def.key)
                .map(|u| (u.reason.clone(), u.substitute.clone()));
            IndicatorPlan {
                key: def.key.clone(),
                label: def.label.clone(),
                feeds,
                unavailable,
            }
        })
        .collect();
    Plan {
        manifest: manifest.origin.clone(),
        sources: sources.to_path_buf(),
        indicators,
        files,
    }
}

/// A size in French units (`1,5 Mo`).
///
/// ```
/// assert_eq!(ifn_ingest::plan::human_size(19_925_333), "19,9 Mo");
/// assert_eq!(ifn_ingest::plan::human_size(512), "512 o");
/// ```
pub fn human_size(bytes: u64) -> String {
    let units = [(1e9, "Go"), (1e6, "Mo"), (1e3, "ko")];
    for (scale, unit) in units {
        if bytes as f64 >= scale {
            return format!("{:.1} {unit}", bytes as f64 / scale).replace('.', ",");
        }
    }
    format!("{bytes} o")
}

impl Plan {
    /// Files not in the sources folder.
    pub fn missing(&self) -> impl Iterator<Item = &FilePlan> {
        self.files.iter().filter(|f| !f.present)
    }

    /// Sum of the announced sizes of the missing files, and how many have no size.
    pub fn missing_size(&self) -> (u64, usize) {
        self.missing()
            .fold((0, 0), |(sum, unknown), f| match f.size {
                Some(s) => (sum + s, unknown),
                None => (sum, unknown + 1),
            })
    }

    /// The plan as French text.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Plan de construction (rien n'est construit) — manifeste {}, sources {}",
            self.manifest.display(),
            self.sources.display()
        );
        let fed = self
            .indicators
            .iter()
            .filter(|i| !i.feeds.is_empty())
            .count();
        let _ = writeln!(
            s,
            "\nIndicateurs du catalogue : {} ({fed} alimentés par le manifeste, {} sans source)",
            self.indicators.len(),
            self.indicators.len() - fed
        );
        for i in &self.indicators {
            let _ = writeln!(s, "  {} — {}", i.key, i.label);
            for f in &i.feeds {
                let state = if f.present { "présent" } else { "MANQUANT" };
                let _ = writeln!(
                    s,
                    "      ← {} ({}, {}), niveau {} [{state}]",
                    f.dataset, f.producer, f.vintage, f.level
                );
            }
            match (&i.unavailable, i.feeds.is_empty()) {
                (Some((reason, substitute)), _) => {
                    let _ = writeln!(s, "      ✗ aucune source officielle : {reason}");
                    if let Some(sub) = substitute {
                        let _ = writeln!(s, "        substitut le plus proche : {sub}");
                    }
                }
                (None, true) => {
                    let _ = writeln!(
                        s,
                        "      ✗ aucune source dans ce manifeste (et aucune raison donnée dans [[unavailable]])"
                    );
                }
                (None, false) => {}
            }
        }
        let missing: Vec<&FilePlan> = self.missing().collect();
        let (bytes, unknown) = self.missing_size();
        let _ = writeln!(
            s,
            "\nFichiers du manifeste : {} ({} présents, {} manquants)",
            self.files.len(),
            self.files.len() - missing.len(),
            missing.len()
        );
        let mut seen = BTreeSet::new();
        for f in missing {
            if !seen.insert(&f.path) {
                continue;
            }
            let size = f
                .size
                .map(human_size)
                .unwrap_or_else(|| "taille inconnue".into());
            let _ = writeln!(
                s,
                "  MANQUANT {} ({size}) — {}",
                f.path,
                f.datasets.join(", ")
            );
            match &f.url {
                Some(u) => {
                    let _ = writeln!(s, "           à télécharger : {u}");
                }
                None => {
                    let _ = writeln!(s, "           pas d'adresse directe : à placer à la main");
                }
            }
        }
        if bytes > 0 || unknown > 0 {
            let _ = writeln!(
                s,
                "\nÀ télécharger : {} d'après les tailles du manifeste{}. `ifn fetch --manifest {} --out {}` télécharge ceux qui ont une adresse.",
                human_size(bytes),
                if unknown > 0 {
                    format!(", plus {unknown} fichier(s) de taille inconnue")
                } else {
                    String::new()
                },
                self.manifest.display(),
                self.sources.display()
            );
        } else {
            let _ = writeln!(s, "\nTous les fichiers sont présents.");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_french_units() {
        assert_eq!(human_size(0), "0 o");
        assert_eq!(human_size(1_000), "1,0 ko");
        assert_eq!(human_size(2_500_000_000), "2,5 Go");
    }

    #[test]
    fn the_built_in_manifest_names_a_missing_file_and_every_catalogue_indicator() {
        let m = Manifest::france().expect("manifest");
        let p = plan(&m, Catalogue::builtin(), Path::new("/nonexistent"));
        let text = p.to_text();
        for def in &Catalogue::builtin().indicators {
            assert!(text.contains(&format!("  {} — ", def.key)), "{}", def.key);
        }
        assert!(
            text.contains("MANQUANT insee/filosofi/BASE_TD_FILO_DISP_IRIS_2018.csv"),
            "{text}"
        );
        assert!(text.contains("niveau IRIS"), "{text}");
    }
}
