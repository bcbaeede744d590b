// The MapLibre map: one vector source per level, coloured by score, plus the places layer.

import maplibregl from 'maplibre-gl';
import { AUTO_MIN_ZOOM, PLACE_KINDS, scoreColourExpression } from './config.js';
import { mode, placesTileUrl, tileUrl } from './api.js';
import { addPlaceIcons, iconName } from './icons.js';

/** Zoom from which the mediation places are drawn (France and regions stay unobstructed). */
export const PLACES_MIN_ZOOM = 6;
/** Zoom from which the number of places of a group is written. */
const COUNT_MIN_ZOOM = 9;

const BACKGROUND = '#f6f6f6';

/**
 * Builds the base style: a plain background (works offline), or the basemap given in the
 * configuration — a MapLibre style URL (ending in .json) or a raster tile template with {z}/{x}/{y}.
 */
function baseStyle(basemap) {
  const style = {
    version: 8,
    // Glyphs of the names on the map, served by ifn itself (no outside font service).
    glyphs: `${mode.site ? mode.site.base : `${location.origin}/`}fonts/{fontstack}/{range}.pbf`,
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
/**
 * Buttons on the map to jump between the store's territories: the initial view (metropolitan
 * France, or the whole store) and each overseas département, as the public IFN site's insets.
 * `views`: `[{ label, title, bbox }]`.
 */
class ViewsControl {
  constructor(views) { this.views = views; }

  onAdd(map) {
    this.el = document.createElement('div');
    this.el.className = 'maplibregl-ctrl ifn-views';
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', 'Aller à un territoire');
    for (const v of this.views) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'ifn-view-btn';
      b.textContent = v.label;
      b.title = v.title;
      b.dataset.view = v.key;
      b.addEventListener('click', () => map.fitBounds([[v.bbox[0], v.bbox[1]], [v.bbox[2], v.bbox[3]]],
        { padding: 30, animate: !window.matchMedia('(prefers-reduced-motion: reduce)').matches }));
      this.el.appendChild(b);
    }
    return this.el;
  }

  onRemove() { this.el.remove(); }
}

/** The box the map opens on: metropolitan France when the store spans it and overseas
 * départements (their true positions would shrink it to a stamp), else the whole store. */
export function initialBbox(bbox, metropole) {
  const spansOceans = bbox[2] - bbox[0] > 25 || bbox[3] - bbox[1] > 25;
  const coversMetropole = bbox[0] <= metropole[2] && metropole[0] <= bbox[2] && bbox[1] <= metropole[3] && metropole[1] <= bbox[3];
  return spansOceans && coversMetropole ? metropole : bbox;
}

export function createMap({ container, bbox, basemap, center, zoom, views }) {
  const options = {
    container,
    style: baseStyle(basemap),
    attributionControl: { compact: true, customAttribution: 'ifn — Indice de Fragilité Numérique' },
    // Needed so that tests (and "copy image") can read pixels back from the canvas.
    canvasContextAttributes: { preserveDrawingBuffer: true },
    dragRotate: false,
    // MapLibre's own controls, in French.
    locale: {
      'NavigationControl.ZoomIn': 'Zoomer',
      'NavigationControl.ZoomOut': 'Dézoomer',
      'NavigationControl.ResetBearing': 'Réorienter vers le nord',
      'AttributionControl.ToggleAttribution': 'Afficher ou masquer les crédits',
      'AttributionControl.MapFeedback': 'Signaler une erreur de carte',
      'ScaleControl.Meters': 'm',
      'ScaleControl.Kilometers': 'km',
      'Map.Title': 'Carte',
      'Marker.Title': 'Repère',
      'Popup.Close': 'Fermer',
    },
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
  if (views?.length) map.addControl(new ViewsControl(views), 'top-left');
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
    map.addSource(`src-${level}`, mode.site
      // A static site: one archive per level, whatever the selection (colours are feature states).
      ? { type: 'vector', url: mode.site.tilesUrl(level), promoteId: 'code' }
      : {
        type: 'vector',
        tiles: [tileUrl(level, query)],
        minzoom: tj.minzoom ?? 0,
        maxzoom: tj.maxzoom ?? 14,
        bounds: tj.bounds,
        promoteId: 'code',
      });
    // A static site colours by feature state: the fill has a source of its own (the same
    // archive), so that setting 35,000 colours rebuilds the fill's buffers only, not those of the
    // outline layers, which also read states (hover, selection, comparison).
    if (mode.site) map.addSource(`fillsrc-${level}`, { type: 'vector', url: mode.site.tilesUrl(level), promoteId: 'code' });
    map.addLayer({
      id: `fill-${level}`,
      type: 'fill',
      source: mode.site ? `fillsrc-${level}` : `src-${level}`,
      'source-layer': level,
      layout: { visibility: 'none' },
      paint: {
        'fill-color': scoreColourExpression(),
        'fill-opacity': mode.site ? 0.85 : ['case', ['boolean', ['feature-state', 'hover'], false], 0.95, 0.82],
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
  addZonesBlanchesLayers(map, levels);
  // The territory open in the detail card stays outlined whatever level is drawn (a search for
  // an EPCI may zoom to where communes are drawn): one always-visible layer per level, opaque
  // only for the feature whose state is `selected`.
  for (const level of levels) {
    map.addLayer({
      id: `selected-${level}`,
      type: 'line',
      source: `src-${level}`,
      'source-layer': level,
      // Shown for the open territory's level only (a visible layer makes its tiles load).
      layout: { visibility: 'none' },
      paint: {
        'line-color': '#e1000f',
        'line-width': 3,
        'line-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0],
      },
    });
  }
  // Territories in the comparison: a dashed outline, whatever level is drawn.
  for (const level of levels) {
    map.addLayer({
      id: `compared-${level}`,
      type: 'line',
      source: `src-${level}`,
      'source-layer': level,
      layout: { visibility: 'none' },
      paint: {
        'line-color': '#000091',
        'line-width': 2.5,
        'line-dasharray': [2, 1],
        'line-opacity': ['case', ['boolean', ['feature-state', 'compared'], false], 1, 0],
      },
    });
  }
  // Départements stay outlined under finer levels, to keep one's bearings.
  // Their own source, with no selection in its URL: a new selection does not refetch them.
  if (levels.includes('departement')) {
    const tj = tileJsons.departement || {};
    map.addSource('src-outline', mode.site ? { type: 'vector', url: mode.site.tilesUrl('departement') } : {
      type: 'vector', tiles: [tileUrl('departement', '')], minzoom: tj.minzoom ?? 0, maxzoom: tj.maxzoom ?? 14, bounds: tj.bounds,
    });
    map.addLayer({
      id: 'outline-departement',
      type: 'line',
      source: 'src-outline',
      'source-layer': 'departement',
      layout: { visibility: 'none' },
      paint: { 'line-color': '#161616', 'line-width': 1.4, 'line-opacity': 0.7 },
    });
  }
}

/** Font of the names on the map (one of the fonts `/fonts/` serves). */
export const LABEL_FONT = ['DejaVu Sans Book'];

/**
 * Adds the names of each level's territories: points inside each territory (poles of
 * inaccessibility computed by the server), drawn with collision detection, most populated
 * first, dark text on a white halo so that they read over every class colour. Their tiles do not
 * depend on the selection: a new selection does not fetch them again. Only with ifn's glyphs
 * (not over a configured basemap style, whose fonts are unknown).
 */
export function addLabelLayers(map, levels) {
  if (!map.getStyle().glyphs?.includes('/fonts/')) return false;
  for (const level of levels) {
    if (mode.site && !mode.site.tilesUrl(level, 'labels')) continue;
    map.addSource(`labels-src-${level}`, mode.site
      ? { type: 'vector', url: mode.site.tilesUrl(level, 'labels') }
      : { type: 'vector', tiles: [`${location.origin}/tiles/labels/${level}/{z}/{x}/{y}.mvt`], maxzoom: 14 });
    map.addLayer({
      id: `labels-${level}`,
      type: 'symbol',
      source: `labels-src-${level}`,
      'source-layer': 'labels',
      layout: {
        visibility: 'none',
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 4, 10, 8, 12, 12, 14],
        'text-max-width': 8,
        'text-padding': 3,
        'symbol-sort-key': ['-', 0, ['to-number', ['get', 'population'], 0]],
      },
      paint: { 'text-color': '#161616', 'text-halo-color': 'rgba(255,255,255,0.92)', 'text-halo-width': 1.6 },
    });
  }
  return true;
}

/** Shows the layers of one level and hides the others. */
export function showLevel(map, levels, level) {
  for (const l of levels) {
    const v = l === level ? 'visible' : 'none';
    map.setLayoutProperty(`fill-${l}`, 'visibility', v);
    map.setLayoutProperty(`line-${l}`, 'visibility', v);
    if (map.getLayer(`labels-${l}`)) map.setLayoutProperty(`labels-${l}`, 'visibility', v);
  }
  if (map.getLayer('outline-departement')) {
    map.setLayoutProperty('outline-departement', 'visibility', level === 'departement' || level === 'region' ? 'none' : 'visible');
  }
}

/**
 * Colours every level by a property: `score`, or one selected indicator's class; `spread`
 * (`{ level, expression }`, contrast mode) replaces the fixed classes for that level only.
 */
export function setColourProperty(map, levels, property, spread = null) {
  for (const level of levels) {
    const expression = spread && spread.level === level ? spread.expression : scoreColourExpression(property);
    map.setPaintProperty(`fill-${level}`, 'fill-color', expression);
  }
}

/** Points every level's source at the tiles of a new selection query (colours follow). On a
 * static site the tiles do not depend on the selection: nothing to do (see `setStaticValues`). */
export function setSelectionQuery(map, levels, query) {
  if (mode.site) return;
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

/** Levels at which the zones blanches are drawn (base units are IRIS or undivided communes). */
export const ZB_LEVELS = ['commune', 'iris'];

/**
 * Hatching of the zones blanches: black diagonal stripes edged in white on a transparent
 * ground, so that it reads over every colour of the ramp (luminance contrast only, hence safe
 * for every colour-vision deficiency) and the class colour stays visible between the stripes.
 */
function hatchImage(size = 12) {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = (x + size - y) % size; // diagonal stripes, seamless from one tile of the pattern to the next
      const i = (y * size + x) * 4;
      if (d < 2) data.set([22, 22, 22, 255], i);
      else if (d < 3 || d === size - 1) data.set([255, 255, 255, 230], i);
    }
  }
  return { width: size, height: size, data };
}

/** Features of a level tile that hold at least one zone blanche (`zones_blanches` > 0). */
const ZB_FILTER = ['>', ['to-number', ['get', 'zones_blanches'], 0], 0];

/** Hatched fill and strong outline of the territories holding zones blanches (hidden at first). */
function addZonesBlanchesLayers(map, levels) {
  if (!map.hasImage('ifn-hatch')) map.addImage('ifn-hatch', hatchImage());
  for (const level of ZB_LEVELS.filter((l) => levels.includes(l))) {
    const common = { source: `src-${level}`, 'source-layer': level, filter: ZB_FILTER, layout: { visibility: 'none' } };
    map.addLayer({ id: `zb-fill-${level}`, type: 'fill', ...common, paint: { 'fill-pattern': 'ifn-hatch' } });
    map.addLayer({ id: `zb-casing-${level}`, type: 'line', ...common, layout: { ...common.layout, 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': 4 } });
    map.addLayer({ id: `zb-line-${level}`, type: 'line', ...common, layout: { ...common.layout, 'line-join': 'round' }, paint: { 'line-color': '#161616', 'line-width': 2 } });
  }
}

/** Shows the zones blanches of the drawn level when `on` (only commune and IRIS have them drawn). */
export function showZonesBlanches(map, levels, level, on) {
  for (const l of ZB_LEVELS.filter((x) => levels.includes(x))) {
    const v = on && l === level ? 'visible' : 'none';
    for (const id of [`zb-fill-${l}`, `zb-casing-${l}`, `zb-line-${l}`]) map.setLayoutProperty(id, 'visibility', v);
  }
}

/**
 * The server's clustering of places (`/api/meta` → `places_cluster_max_zoom`, filled by
 * `applyRules`): up to `clusterMaxZoom` nearby places are merged; from the next zoom every place
 * is drawn on its own.
 */
export const PLACES_CLUSTERS = { clusterMaxZoom: null };

/**
 * Adds the mediation places, drawn from the server's vector tiles (`/tiles/places/…`, filtered
 * server-side by the query). Below zoom 12 the server merges the places of one cell of the grid
 * into a cluster feature (`point_count`, `count_<kind>`, `kinds`): a light disc sized by the
 * count, with the count written inside. Single places are coloured by their main kind.
 * Returns `{ refresh }`, to call after a visibility change.
 */
export function addPlacesLayer(map, query) {
  map.addSource('places', mode.site
    ? { type: 'vector', url: mode.site.placesUrl() }
    : { type: 'vector', tiles: [placesTileUrl(query)], minzoom: 0, maxzoom: 14 });
  // Discreet by default: small light discs for groups of places, drawn from zoom 6 only, so
  // that the choropleth of France stays readable; their count is written from zoom 9.
  map.addLayer({
    id: 'places-clusters', type: 'circle', source: 'places', 'source-layer': 'places', filter: ['has', 'point_count'],
    minzoom: PLACES_MIN_ZOOM,
    paint: {
      'circle-color': 'rgba(255,255,255,0.75)', 'circle-stroke-color': '#000091', 'circle-stroke-width': 1,
      'circle-radius': ['interpolate', ['linear'], ['zoom'], PLACES_MIN_ZOOM, ['step', ['to-number', ['get', 'point_count'], 0], 3, 10, 4, 50, 5, 200, 6],
        COUNT_MIN_ZOOM, ['step', ['to-number', ['get', 'point_count'], 0], 10, 10, 12, 50, 14, 200, 17]],
    },
  });
  const icons = addPlaceIcons(map, PLACE_KINDS);
  map.addLayer({
    id: 'places-points', type: 'symbol', source: 'places', 'source-layer': 'places', filter: ['!', ['has', 'point_count']],
    minzoom: PLACES_MIN_ZOOM,
    layout: {
      'icon-image': placeIconExpression(),
      'icon-size': ['interpolate', ['linear'], ['zoom'], PLACES_MIN_ZOOM, 0.5, 9, 0.75, 12, 1],
      'icon-allow-overlap': true,
      'icon-ignore-placement': true,
    },
  });
  // The count: a symbol layer when the style has glyphs (a configured basemap style), else HTML
  // markers, since text needs a font server and the plain map works offline.
  if (map.getStyle().glyphs?.includes('/fonts/')) {
    map.addLayer({
      id: 'places-cluster-count', type: 'symbol', source: 'places', 'source-layer': 'places', filter: ['has', 'point_count'],
      minzoom: COUNT_MIN_ZOOM,
      layout: { 'text-field': ['to-string', ['get', 'point_count']], 'text-font': LABEL_FONT, 'text-size': 12, 'text-allow-overlap': true, 'text-ignore-placement': true },
      paint: { 'text-color': '#000091' },
    });
    return { refresh: () => {}, icons };
  }
  const markers = new Map();
  const update = () => {
    if (map.getLayoutProperty('places-clusters', 'visibility') === 'none' || map.getZoom() < COUNT_MIN_ZOOM) {
      for (const m of markers.values()) m.remove();
      markers.clear();
      return;
    }
    const seen = new Set();
    // A cluster near a tile edge may come from two tiles: one marker per place and count.
    for (const f of map.queryRenderedFeatures({ layers: ['places-clusters'] })) {
      const [lon, lat] = f.geometry.coordinates;
      const n = f.properties.point_count;
      const key = `${lon.toFixed(5)},${lat.toFixed(5)},${n}`;
      seen.add(key);
      if (!markers.has(key)) {
        const el = document.createElement('div');
        el.className = 'ifn-cluster-count';
        el.textContent = String(n);
        el.setAttribute('aria-hidden', 'true');
        markers.set(key, new maplibregl.Marker({ element: el }).setLngLat([lon, lat]).addTo(map));
      }
    }
    for (const [key, m] of markers) if (!seen.has(key)) { m.remove(); markers.delete(key); }
  };
  map.on('render', () => {
    if (map.isSourceLoaded('places')) update();
  });
  return { refresh: update, icons };
}

/** Kinds of a cluster with their number of places (`count_<kind>`), in the legend's order. */
export function clusterKindCounts(p) {
  return Object.keys(PLACE_KINDS).map((k) => [k, Number(p[`count_${k}`] || 0)]).filter(([, n]) => n > 0);
}

/**
 * Icon of a place: its main kind, the first in the legend's order that it carries among the
 * kinds shown (`kinds` is "a|b"), so that a filtered place never wears an unticked kind's icon.
 */
function placeIconExpression(shown = null) {
  const kinds = ['concat', '|', ['to-string', ['get', 'kinds']], '|'];
  const expr = ['case'];
  for (const k of Object.keys(PLACE_KINDS)) {
    if (!shown || shown.includes(k)) expr.push(['in', `|${k}|`, kinds], iconName(k));
  }
  expr.push(iconName(PLACE_KINDS.autre ? 'autre' : Object.keys(PLACE_KINDS)[0]));
  return expr;
}

/** Points the places layer at a new filter query (tiles) and kinds shown (icons). */
export function setPlacesQuery(map, query, shown = null) {
  // The style first: a style change reloads the tiles from the worker's copy, which must not
  // race with (and win over) the reload of the new tile URL.
  map.setLayoutProperty('places-points', 'icon-image', placeIconExpression(shown));
  if (mode.site) {
    // A static site cannot filter its tiles: single places are filtered here, by kind only.
    const kinds = ['concat', '|', ['to-string', ['get', 'kinds']], '|'];
    const byKind = shown ? ['any', ...shown.map((k) => ['in', `|${k}|`, kinds])] : true;
    map.setFilter('places-points', ['all', ['!', ['has', 'point_count']], byKind]);
    return;
  }
  map.getSource('places')?.setTiles([placesTileUrl(query)]);
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


/** Colour of a territory the analysis gives no value to (no score under one selection). */
const ANALYSE_MISSING = 'rgba(200,200,200,0.85)';

/**
 * Adds one hidden fill layer per level coloured by the `analyse` feature state (set by
 * `setAnalyseValues`), above the score colours and under the outlines of the selection.
 */
export function addAnalyseLayers(map, levels) {
  for (const level of levels) {
    map.addLayer({
      id: `analyse-${level}`,
      type: 'fill',
      source: `src-${level}`,
      'source-layer': level,
      layout: { visibility: 'none' },
      paint: { 'fill-color': ANALYSE_MISSING, 'fill-opacity': 0.92 },
    }, map.getLayer(`selected-${levels[0]}`) ? `selected-${levels[0]}` : undefined);
  }
}

/**
 * Shows the analysis layer of `level` coloured by `stops` (`[[value, colour], …]`, increasing),
 * or hides every analysis layer when `stops` is null.
 */
export function showAnalyseLayer(map, levels, level, stops) {
  for (const l of levels) {
    const on = stops && l === level;
    map.setLayoutProperty(`analyse-${l}`, 'visibility', on ? 'visible' : 'none');
    if (on) {
      const value = ['feature-state', 'analyse'];
      map.setPaintProperty(`analyse-${l}`, 'fill-color', ['case',
        ['!=', ['typeof', value], 'number'], ANALYSE_MISSING,
        ['interpolate', ['linear'], value, ...stops.flat()]]);
    }
  }
}

/** Codes given an `analyse` state, per level (cleared one by one: `removeFeatureState` on the
 * whole source would also clear the hover and selection states). */
const analysed = new Map();

/** Sets the `analyse` feature state of each territory of `level` (`values`: code → number). */
export function setAnalyseValues(map, level, values) {
  const source = `src-${level}`;
  if (!map.getSource(source)) return;
  for (const code of analysed.get(level) || []) map.setFeatureState({ source, sourceLayer: level, id: code }, { analyse: null });
  const codes = [];
  for (const [code, v] of values) {
    if (!Number.isFinite(v)) continue;
    map.setFeatureState({ source, sourceLayer: level, id: code }, { analyse: v });
    codes.push(code);
  }
  analysed.set(level, codes);
}

/** Compared territories currently outlined, as feature ids. */
let comparedIds = [];

/**
 * Outlines the compared territories (`[{level, code}]`); the outline layer of a level is shown
 * only when it has one, so that no hidden level's tiles are fetched for nothing.
 */
export function markCompared(map, levels, list) {
  for (const id of comparedIds) map.setFeatureState(id, { compared: false });
  comparedIds = list.filter((t) => map.getSource(`src-${t.level}`))
    .map((t) => ({ source: `src-${t.level}`, sourceLayer: t.level, id: t.code }));
  for (const id of comparedIds) map.setFeatureState(id, { compared: true });
  for (const level of levels) {
    const used = list.some((t) => t.level === level);
    map.setLayoutProperty(`compared-${level}`, 'visibility', used ? 'visible' : 'none');
  }
}

/**
 * Static site: sets the `v` feature state (the value the colours read) of every territory of
 * `level` — `codes[i]` gets `values[i]`, a missing value −1, and its total `scores[i]` (for the
 * hover) — without fetching any tile.
 */
export function setStaticValues(map, level, codes, values, scores) {
  const source = `fillsrc-${level}`;
  if (!map.getSource(source)) return;
  for (let i = 0; i < codes.length; i++) {
    const v = values[i];
    const s = scores[i];
    map.setFeatureState({ source, sourceLayer: level, id: codes[i] }, { v: Number.isFinite(v) ? v : -1, score: Number.isFinite(s) ? s : null });
  }
}
