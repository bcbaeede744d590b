// The MapLibre map: one vector source per level, coloured by score, plus the places layer.

import maplibregl from 'maplibre-gl';
import { AUTO_MIN_ZOOM, MISSING_COLOUR, PLACE_KINDS, scoreColourExpression } from './config.js';
import { tileUrl } from './api.js';

const BACKGROUND = '#f6f6f6';

/**
 * Builds the base style: a plain background (works offline), or the basemap given in the
 * configuration — a MapLibre style URL (ending in .json) or a raster tile template with {z}/{x}/{y}.
 */
function baseStyle(basemap) {
  const style = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }],
  };
  if (basemap && /\{z\}/.test(basemap)) {
    style.sources.basemap = { type: 'raster', tiles: [basemap], tileSize: 256, attribution: 'Fond de carte configuré' };
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
    return style;
  }
  if (basemap) return basemap; // a style URL: MapLibre fetches it
  return style;
}

/** Creates the map; resolves once the style is loaded. */
export function createMap({ container, bbox, basemap, center, zoom }) {
  const options = {
    container,
    style: baseStyle(basemap),
    attributionControl: { compact: true, customAttribution: 'ifn — Indice de Fragilité Numérique' },
    // Needed so that tests (and "copy image") can read pixels back from the canvas.
    canvasContextAttributes: { preserveDrawingBuffer: true },
    dragRotate: false,
    pitchWithRotate: false,
    maxZoom: 15,
  };
  if (center && zoom != null) {
    options.center = center;
    options.zoom = zoom;
  } else if (bbox) {
    options.bounds = [[bbox[0], bbox[1]], [bbox[2], bbox[3]]];
    options.fitBoundsOptions = { padding: 30 };
  }
  const map = new maplibregl.Map(options);
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  map.touchZoomRotate.disableRotation();
  return new Promise((resolve, reject) => {
    map.once('load', () => resolve(map));
    map.once('error', (e) => {
      if (!map.loaded()) reject(e.error || e);
    });
  });
}

/** Adds the territory layers of every level (hidden until `showLevel`). */
export function addTerritoryLayers(map, levels, query, tileJsons) {
  for (const level of levels) {
    const tj = tileJsons[level] || {};
    map.addSource(`src-${level}`, {
      type: 'vector',
      tiles: [tileUrl(level, query)],
      minzoom: tj.minzoom ?? 0,
      maxzoom: tj.maxzoom ?? 14,
      bounds: tj.bounds,
      promoteId: 'code',
    });
    map.addLayer({
      id: `fill-${level}`,
      type: 'fill',
      source: `src-${level}`,
      'source-layer': level,
      layout: { visibility: 'none' },
      paint: {
        'fill-color': scoreColourExpression(),
        'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.95, 0.82],
        'fill-outline-color': 'rgba(255,255,255,0.6)',
      },
    });
    map.addLayer({
      id: `line-${level}`,
      type: 'line',
      source: `src-${level}`,
      'source-layer': level,
      layout: { visibility: 'none' },
      paint: {
        'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#e1000f', '#ffffff'],
        'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, ['boolean', ['feature-state', 'hover'], false], 2, 0.6],
      },
    });
  }
  // The territory open in the detail card stays outlined whatever level is drawn (a search for
  // an EPCI may zoom to where communes are drawn): one always-visible layer per level, opaque
  // only for the feature whose state is `selected`.
  for (const level of levels) {
    map.addLayer({
      id: `selected-${level}`,
      type: 'line',
      source: `src-${level}`,
      'source-layer': level,
      paint: {
        'line-color': '#e1000f',
        'line-width': 3,
        'line-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0],
      },
    });
  }
  // Départements stay outlined under finer levels, to keep one's bearings.
  if (levels.includes('departement')) {
    map.addLayer({
      id: 'outline-departement',
      type: 'line',
      source: 'src-departement',
      'source-layer': 'departement',
      layout: { visibility: 'none' },
      paint: { 'line-color': '#161616', 'line-width': 1.4, 'line-opacity': 0.7 },
    });
  }
}

/** Shows the layers of one level and hides the others. */
export function showLevel(map, levels, level) {
  for (const l of levels) {
    const v = l === level ? 'visible' : 'none';
    map.setLayoutProperty(`fill-${l}`, 'visibility', v);
    map.setLayoutProperty(`line-${l}`, 'visibility', v);
  }
  if (map.getLayer('outline-departement')) {
    map.setLayoutProperty('outline-departement', 'visibility', level === 'departement' || level === 'region' ? 'none' : 'visible');
  }
}

/** Colours every level by a property: `score`, or one selected indicator's class. */
export function setColourProperty(map, levels, property) {
  for (const level of levels) map.setPaintProperty(`fill-${level}`, 'fill-color', scoreColourExpression(property));
}

/** Points every level's source at the tiles of a new selection query (colours follow). */
export function setSelectionQuery(map, levels, query) {
  for (const level of levels) {
    const src = map.getSource(`src-${level}`);
    if (src) src.setTiles([tileUrl(level, query)]);
  }
}

/** The level drawn at a zoom in automatic mode: the finest whose threshold is reached. */
export function autoLevel(levels, zoom) {
  let chosen = levels[0];
  for (const l of levels) if (zoom >= (AUTO_MIN_ZOOM[l] ?? 0)) chosen = l;
  return chosen;
}

/** Adds the mediation places as a clustered GeoJSON source, with count labels as HTML markers. */
export function addPlacesLayer(map, geojson) {
  map.addSource('places', { type: 'geojson', data: geojson, cluster: true, clusterRadius: 70, clusterMaxZoom: 11 });
  const kindColour = ['match', ['get', 'main_kind']];
  for (const [k, v] of Object.entries(PLACE_KINDS)) kindColour.push(k, v.colour);
  kindColour.push('#666666');
  map.addLayer({
    id: 'places-clusters', type: 'circle', source: 'places', filter: ['has', 'point_count'],
    paint: {
      // Light discs, so that the choropleth stays readable under the clusters.
      'circle-color': 'rgba(255,255,255,0.85)', 'circle-stroke-color': '#000091', 'circle-stroke-width': 1.5,
      'circle-radius': ['step', ['get', 'point_count'], 11, 10, 13, 50, 16, 200, 20],
    },
  });
  map.addLayer({
    id: 'places-points', type: 'circle', source: 'places', filter: ['!', ['has', 'point_count']],
    paint: { 'circle-color': kindColour, 'circle-radius': 6, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
  });
  // Text needs glyphs, which would need a font server; HTML markers keep the map offline.
  const markers = new Map();
  const update = () => {
    if (map.getLayoutProperty('places-clusters', 'visibility') === 'none') {
      for (const m of markers.values()) m.remove();
      markers.clear();
      return;
    }
    const seen = new Set();
    for (const f of map.querySourceFeatures('places')) {
      const p = f.properties;
      if (!p.cluster) continue;
      const id = p.cluster_id;
      seen.add(id);
      if (!markers.has(id)) {
        const el = document.createElement('div');
        el.className = 'ifn-cluster-count';
        el.textContent = p.point_count_abbreviated ?? p.point_count;
        el.setAttribute('aria-hidden', 'true');
        markers.set(id, new maplibregl.Marker({ element: el }).setLngLat(f.geometry.coordinates).addTo(map));
      }
    }
    for (const [id, m] of markers) if (!seen.has(id)) { m.remove(); markers.delete(id); }
  };
  map.on('render', () => {
    if (!map.isSourceLoaded('places')) return;
    update();
  });
  return { refresh: update };
}

/** Normalises place properties: `kinds`/`services` may be arrays or "|"-separated strings. */
export function splitList(v) {
  if (v == null || v === '') return [];
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string' && v.startsWith('[')) {
    try { return JSON.parse(v).map(String); } catch { /* fall through */ }
  }
  return String(v).split('|').map((s) => s.trim()).filter(Boolean);
}

export { MISSING_COLOUR };
