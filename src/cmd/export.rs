//! `ifn export`: scores with contours for GIS (FlatGeobuf, GeoPackage, GeoJSON, CSV, PMTiles).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use ifn_core::offer::{offer, PlaceIndex};
use ifn_core::{Engine, Level};
use ifn_export::{ExportFormat, ExportInput, ExportOptions};

use super::common::{catalogue, load_territory, OfferArgs, SelectionArgs};

/// Arguments of `ifn export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Territory store; without it, the built-in demo territory.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Level: iris, commune, epci, departement or region.
    #[arg(long)]
    pub level: String,
    /// fgb, gpkg, geojson, csv or pmtiles (default: from the --out extension).
    #[arg(long)]
    pub format: Option<String>,
    /// Output file.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Replace an existing output.
    #[arg(long)]
    pub force: bool,
    /// CSV for Excel in French: byte-order mark, `;` separator, decimal commas.
    #[arg(long)]
    pub excel: bool,
    /// PMTiles: highest zoom of the pyramid.
    #[arg(long, default_value_t = 10)]
    pub max_zoom: u8,
    /// Indicator catalogue (TOML) replacing the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub offer: OfferArgs,
    /// Leave out the mediation-offer columns (places, fragile population, distances,
    /// zones blanches).
    #[arg(long)]
    pub no_offer: bool,
}

/// Runs `ifn export`.
pub fn run(args: ExportArgs) -> Result<()> {
    let level: Level = args.level.parse().context("--level")?;
    let format: ExportFormat = match &args.format {
        Some(f) => f.parse().context("--format")?,
        None => args
            .out
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .parse()
            .with_context(|| {
                format!(
                    "--out {}: cannot tell the format from the extension; give --format",
                    args.out.display()
                )
            })?,
    };
    let territory = load_territory(args.store.as_ref())?;
    let engine = Engine::new(
        territory.dataset.clone(),
        catalogue(args.catalogue.as_deref())?,
    );
    let selection = args.selection.selection(&engine)?;
    let options = args.offer.options()?;
    let scores = engine.score(level, &selection)?;
    let level_offer = if args.no_offer {
        None
    } else {
        let index = PlaceIndex::build(
            territory.dataset.units(),
            &territory.geometries,
            &territory.places,
        );
        let units = engine.unit_scores(&selection)?;
        Some(offer(level, &engine, &units, &index, &options)?)
    };
    let mut input = ExportInput::new(&territory, &scores, &selection, engine.catalogue());
    if let Some(o) = &level_offer {
        input = input.with_offer(o)?;
    }
    if format == ExportFormat::Pmtiles {
        return export_pmtiles(&input, &engine, &args.out, args.force, args.max_zoom);
    }
    let options = ExportOptions {
        excel: args.excel,
        ..Default::default()
    };
    ifn_export::write_file(format, &input, &options, &args.out, args.force)
        .with_context(|| format!("exporting {level} to {}", args.out.display()))?;
    eprintln!(
        "{} territories ({level}) written to {}",
        scores.len(),
        args.out.display()
    );
    Ok(())
}

/// Builds the tile pyramid of a level (z 0..=max_zoom, tiles over the territory's bounding box
/// that hold at least one contour) with the server's tiler, and writes it as a PMTiles archive.
fn export_pmtiles(
    input: &ExportInput<'_>,
    engine: &Engine,
    out: &std::path::Path,
    force: bool,
    max_zoom: u8,
) -> Result<()> {
    use ifn_export::pmtiles::{write_archive, TileType, WriterOptions};
    use ifn_tiles::{tile::tiles_covering, LevelTiler, TileId, TileOptions};

    let level = input.scores.level;
    if max_zoom > ifn_tiles::MAX_ZOOM {
        anyhow::bail!(
            "--max-zoom {max_zoom}: the tiler stops at zoom {}",
            ifn_tiles::MAX_ZOOM
        );
    }
    // Fails with a clear message when the level has no contours.
    input.rows()?;
    let features = &input.territory.geometries[&level];
    let codes = engine.codes(level)?;
    let tiler = LevelTiler::new(features, &codes, TileOptions::default());
    let bbox = input.territory.meta.bbox;
    let layer = level.as_str();
    let mut tiles = Vec::new();
    for z in 0..=max_zoom {
        let (xs, ys) = tiles_covering(bbox, z);
        for x in xs {
            for y in ys.clone() {
                let id = TileId::new(z, x, y)?;
                let geometry = tiler.geometry(id);
                if geometry.features.is_empty() {
                    continue;
                }
                tiles.push((
                    z,
                    x,
                    y,
                    tiler.encode(&geometry, layer, input.scores, input.offer),
                ));
            }
        }
        tracing::debug!(tile.z = z, tiles = tiles.len(), "zoom tiled");
    }
    let prov = input.provenance();
    let mut fields = serde_json::Map::new();
    for (k, v) in [
        ("code", "String"),
        ("name", "String"),
        ("population", "Number"),
        ("score", "Number"),
    ] {
        fields.insert(k.into(), v.into());
    }
    for key in &input.scores.indicators {
        fields.insert(key.clone(), "Number".into());
    }
    if input.offer.is_some() {
        for name in ifn_core::offer::TerritoryOffer::FLAT_FIELD_NAMES {
            fields.insert(name.into(), "Number".into());
        }
    }
    let metadata = serde_json::json!({
        "name": prov.title,
        "description": prov.description,
        "attribution": input.territory.meta.licence,
        "type": "overlay",
        "format": "pbf",
        "minzoom": 0,
        "maxzoom": max_zoom,
        "vector_layers": [{"id": layer, "fields": fields, "minzoom": 0, "maxzoom": max_zoom}],
        "ifn": prov.json,
    });
    let options = WriterOptions {
        tile_type: TileType::Mvt,
        gzip_tiles: true,
        bounds: bbox,
        center_zoom: None,
        metadata,
    };
    let count = tiles.len();
    let mut stats = None;
    ifn_export::write_atomic(out, force, |tmp| {
        let file = std::fs::File::create(tmp).map_err(|source| ifn_export::ExportError::Io {
            path: tmp.to_path_buf(),
            source,
        })?;
        stats = Some(write_archive(
            tiles,
            &options,
            std::io::BufWriter::new(file),
        )?);
        Ok(())
    })
    .with_context(|| format!("writing {}", out.display()))?;
    let bytes = stats.map_or(0, |s| s.bytes);
    eprintln!(
        "{count} tiles ({level}, z0–{max_zoom}) written to {} ({bytes} bytes)",
        out.display()
    );
    Ok(())
}
