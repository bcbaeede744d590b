//! Step 1: the hierarchy of territories (COG communes, EPCI, département and région names,
//! older populations) and the IRIS contours that split communes into base units.

use std::collections::HashMap;

use crate::admin::{self, AdminError};
use crate::geography::{Geography, GeographyInputs, IrisFeature};
use crate::report::BuildReport;
use crate::vector::polygons;

use super::sources::{col, Sources};
use super::BuildError;

/// Populations of an older vintage by commune code, to weight merged communes.
pub(super) type OldPopulations = HashMap<String, f64>;

/// Reads the hierarchy and the IRIS contours and builds the [`Geography`].
pub(super) fn read(
    src: &Sources<'_>,
    report: &mut BuildReport,
) -> Result<(Geography, OldPopulations), BuildError> {
    let h = &src.manifest.hierarchy;
    let admin_err = |key: &str| {
        let key = key.to_string();
        move |source: AdminError| BuildError::Admin { key, source }
    };
    let (_, p) = src.file(&h.communes)?;
    let communes = admin::read_communes(&p).map_err(admin_err(&h.communes))?;
    let (_, p) = src.file(&h.epci)?;
    let epci = admin::read_epci(&p).map_err(admin_err(&h.epci))?;
    let (_, p) = src.file(&h.departements)?;
    let departements = admin::read_named(&p).map_err(admin_err(&h.departements))?;
    let (_, p) = src.file(&h.regions)?;
    let regions = admin::read_named(&p).map_err(admin_err(&h.regions))?;
    let old_populations = match &h.old_populations {
        Some(k) => old_populations(src, k)?,
        None => HashMap::new(),
    };
    let iris = iris_features(src, report)?;
    let zones = if h.zones.is_empty() {
        vec!["metro".to_string(), "drom".to_string()]
    } else {
        h.zones.clone()
    };
    let geo = Geography::build(GeographyInputs {
        communes: &communes,
        epci: &epci,
        departements: &departements,
        regions: &regions,
        zones: &zones,
        old_populations: &old_populations,
        iris,
    });
    for k in &src.manifest.geometry.iris {
        let r = report.dataset(k);
        for (code, commune) in &geo.unmatched_iris {
            *r.unmatched
                .entry(format!("{code} (commune {commune})"))
                .or_default() += 1;
        }
        r.matched = geo.iris_geometry.len();
    }
    for c in &geo.missing_population {
        report.warnings.push(format!(
            "commune {c} has no population in '{}': population of '{}' used (0 if absent)",
            h.communes,
            h.old_populations.as_deref().unwrap_or("-")
        ));
    }
    Ok((geo, old_populations))
}

/// The `population` column of table `key` by commune code.
fn old_populations(src: &Sources<'_>, key: &str) -> Result<OldPopulations, BuildError> {
    let (spec, t) = src.table(key)?;
    let terr = |source| BuildError::Table {
        key: key.to_string(),
        source,
    };
    let codes = t
        .codes(
            spec.code_column.as_deref().unwrap_or("CODGEO"),
            spec.code_kind,
        )
        .map_err(terr)?;
    let pops = t.numbers(col(&spec, "population")?).map_err(terr)?;
    Ok(codes.into_iter().zip(pops).collect())
}

/// The IRIS contours of every `[geometry] iris` dataset; features without a polygon are
/// counted in the report.
fn iris_features(
    src: &Sources<'_>,
    report: &mut BuildReport,
) -> Result<Vec<IrisFeature>, BuildError> {
    let mut iris = Vec::new();
    for k in &src.manifest.geometry.iris {
        let (_, data) = src.vector(k, &["code", "name", "commune", "type"], report)?;
        let r = report.dataset(k);
        for f in data.features {
            let text = |i: usize| f.fields[i].clone().unwrap_or_default();
            let Some(geometry) = f.geometry.as_ref().and_then(polygons) else {
                *r.invalid_records
                    .entry("no polygon geometry".into())
                    .or_default() += 1;
                continue;
            };
            iris.push(IrisFeature {
                code: text(0),
                name: text(1),
                commune: text(2),
                kind: text(3),
                geometry,
            });
        }
    }
    Ok(iris)
}
