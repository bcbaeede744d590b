// Entry point of the ifn map viewer.

import 'maplibre-gl/dist/maplibre-gl.css';
import '@gouvfr/dsfr/dist/dsfr.min.css';
import './style.css';
import maplibregl from 'maplibre-gl';

import { Protocol } from 'pmtiles';
import { api, diagnosticUrl, exportUrl, mode, useStatic } from './api.js';
import { StaticApi, NEEDS_SERVER } from './static-api.js';
import { colourSource, DROM, FIT_MAX_ZOOM, LEVEL_LABELS, METROPOLE, spreadColourExpression, PLACE_KINDS, RAMP, fmtOption, fmtPop, fmt } from './config.js';
import { activeIndicators, placesQuery, sanitiseState, selectionQuery, stateFromHash, stateToHash } from './state.js';
import {
  PLACES_CLUSTERS, PLACES_MIN_ZOOM, ZB_LEVELS, addAnalyseLayers, addLabelLayers, initialBbox, addPlacesLayer, markCompared, clusterKindCounts, addTerritoryLayers, autoLevel, createMap, setColourProperty, setPlacesQuery, setSelectionQuery,
  setStaticValues, showLevel, showZonesBlanches, splitList,
} from './map.js';
import { compareCsv, profileLabels, renderCompare } from './panel.js';
import { renderDetail, renderDetailMessage } from './detail.js';
import { initAnalyse } from './analyse.js';
import { initEvolution } from './evolution.js';
import { PLACE_SHAPES, SHAPE_NAMES } from './icons.js';
import { initControls } from './controls.js';
import { initTable } from './table.js';
import { initOfferControls, initPlaceFilters } from './offer.js';
import { initSearch } from './search.js';
import { esc } from './esc.js';
import { applyRules } from './rules.js';

const $ = (id) => document.getElementById(id);

/** Whether the user asked the system for less motion: the map then jumps instead of flying. */
const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/** Exposed for the end-to-end tests and for curious analysts in the console. */
const viewer = { ready: false, map: null, state: null, query: '', placesQuery: '', level: null, detail: null, compared: [] };
window.ifnViewer = viewer;

function showError(message) {
  $('error-text').textContent = message;
  $('error-banner').hidden = false;
}
function clearError() {
  $('error-banner').hidden = true;
}
function toast(message) {
  const t = $('toast');
  t.textContent = message;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 3000);
}

/** Optional configuration: `?basemap=` in the page URL wins over `config.json` beside the page. */
async function loadConfig() {
  const config = {};
  try {
    const res = await fetch('config.json', { headers: { accept: 'application/json' } });
    if (res.ok && (res.headers.get('content-type') || '').includes('json')) Object.assign(config, await res.json());
  } catch {
    // no config.json: defaults
  }
  const params = new URLSearchParams(location.search);
  if (params.get('basemap')) config.basemap = params.get('basemap');
  return config;
}

/** The colour legend: the method's classes 1–10, or in contrast mode each colour's lower bound. */
function renderLegend(spread = null) {
  const label = (i) => (spread ? fmt(spread.starts[i], 1) : String(i + 1));
  $('legend-list').innerHTML = RAMP.map((c, i) => `<li><span class="ifn-swatch" style="background:${c}"></span><span>${label(i)}</span></li>`).join('');
  $('legend').querySelector('.ifn-legend-ends').innerHTML = spread
    ? '<span>moins fragile de l\'échelle</span><span>plus fragile</span>' : '<span>1 faible</span><span>10 forte</span>';
}

function renderMeta(meta) {
  $('store-name').textContent = meta.name;
  document.title = `IFN — ${meta.name}`;
  const sources = (meta.sources || []).map((s) => `${esc(s.name)} (${esc(s.producer)}, ${esc(s.vintage)})`).join(' ; ');
  $('meta-text').innerHTML = `${esc(meta.description)}<br>Licence : ${esc(meta.licence)}${sources ? `<br>Sources : ${sources}` : ''}`;
  if (meta.fictional) $('fictional-banner').hidden = false;
}

function intersects(a, b) {
  return a && b && a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/**
 * A static site (`ifn site`: `config.json` names its data): the API is answered in the browser
 * from the site's files, the tiles are read from its PMTiles archives, and the colours are
 * feature states the browser computes, so that a new selection fetches no tile.
 */
async function startStatic(config) {
  const staticApi = await StaticApi.open(config.static.site);
  useStatic(staticApi);
  colourSource.state = true;
  maplibregl.addProtocol('pmtiles', new Protocol().tile);
  document.body.classList.add('is-static');
  viewer.static = staticApi;
}

async function main() {
  const config = await loadConfig();
  if (config.static?.site) await startStatic(config);
  const [meta, catalogue] = await Promise.all([api.meta(), api.catalogue()]);
  // The rules first: the legend, the state's defaults and the offer inputs are made of them.
  applyRules(meta);
  renderLegend();
  renderMeta(meta);
  for (const p of catalogue.profiles) profileLabels[p.key] = p.label;
  const levels = meta.levels.filter((l) => l in LEVEL_LABELS);
  const state = stateFromHash(location.hash);
  if (!catalogue.profiles.some((p) => p.key === state.profile)) state.profile = catalogue.profiles[0].key;
  if (state.level !== 'auto' && !levels.includes(state.level)) state.level = 'auto';
  const fixes = sanitiseState(state, catalogue);
  viewer.state = state;
  viewer.query = selectionQuery(state, catalogue);

  const tileJsons = {};
  await Promise.all(levels.map(async (l) => {
    try { tileJsons[l] = await api.tileJson(l, viewer.query); } catch { /* defaults */ }
  }));

  // The first view: metropolitan France (or the store's own box), with buttons on the map for
  // the initial view and each overseas département the store covers.
  const home = initialBbox(meta.bbox, METROPOLE.bbox);
  const views = [{ key: 'home', label: 'Vue initiale', title: 'Revenir à la vue de départ', bbox: home },
    ...DROM.filter((d) => intersects(meta.bbox, d.bbox)).map((d) => ({ key: d.code, label: d.short || d.name, title: d.name, bbox: d.bbox }))];
  const map = await createMap({ container: 'map', bbox: home, basemap: config.basemap, center: state.center, zoom: state.zoom, views });
  viewer.map = map;
  addTerritoryLayers(map, levels, viewer.query, tileJsons);
  addAnalyseLayers(map, levels);
  viewer.labels = addLabelLayers(map, levels);
  // Assigned once the panel is wired (below); level changes before that have nothing to redo.
  let analyse = null;
  let evolution = null;

  // ---------------------------------------------------------------- level
  const currentLevel = () => (state.level === 'auto' ? autoLevel(levels, map.getZoom()) : state.level);
  function applyLevel() {
    const level = currentLevel();
    if (level === viewer.level) return;
    viewer.level = level;
    showLevel(map, levels, level);
    $('level-current').textContent = `${LEVEL_LABELS[level]}${state.level === 'auto' ? ' (auto)' : ''}`;
    updateExportLinks();
    markSelected();
    applyColour();
    applyZonesBlanches();
    if (analyse) analyse.refresh();
    if (evolution) evolution.refresh();
    if (viewer.table) viewer.table.refresh();
  }
  map.on('zoom', applyLevel);

  // ---------------------------------------------------------------- zones blanches
  function applyZonesBlanches() {
    const level = viewer.level;
    const drawn = ZB_LEVELS.includes(level);
    showZonesBlanches(map, levels, level, state.zonesBlanches);
    $('legend-zb').hidden = !state.zonesBlanches;
    $('legend-zb').classList.toggle('is-inactive', !drawn);
    $('legend-zb-text').textContent = drawn
      ? `Zone blanche : score ≥ ${fmtOption(state.threshold)} et aucun lieu à moins de ${fmtOption(state.distance)} km`
      : `Zones blanches (score ≥ ${fmtOption(state.threshold)}, aucun lieu à moins de ${fmtOption(state.distance)} km) : visibles à partir de l'échelle commune`;
  }

  // ---------------------------------------------------------------- URL
  let hashTimer = null;
  function saveHash() {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => {
      const c = map.getCenter();
      state.center = [c.lng, c.lat];
      state.zoom = map.getZoom();
      history.replaceState(null, '', `#${stateToHash(state)}`);
    }, 150);
  }
  map.on('moveend', saveHash);

  // ---------------------------------------------------------------- export
  function updateExportLinks() {
    const q = viewer.query;
    const level = viewer.level;
    if (!level) return;
    $('export-level-name').textContent = LEVEL_LABELS[level] || level;
    // File names say level, profile and format (the server's Content-Disposition says the same).
    const name = `ifn-${level}-${state.profile}`;
    $('export-level-csv').href = `/api/scores/${level}?${q}&format=csv`;
    $('export-level-csv').setAttribute('download', `${name}.csv`);
    $('export-level-csv-excel').href = exportUrl(level, 'csv', q, { excel: true });
    $('export-level-csv-excel').setAttribute('download', `${name}-excel.csv`);
    for (const ext of ['fgb', 'gpkg', 'geojson']) {
      $(`export-level-${ext}`).href = exportUrl(level, ext, q);
      $(`export-level-${ext}`).setAttribute('download', `${name}.${ext}`);
    }
    for (const ext of ['qml', 'sld']) {
      $(`export-style-${ext}`).href = `/api/style/${encodeURIComponent(level)}.${ext}`;
      $(`export-style-${ext}`).setAttribute('download', `ifn-${level}.${ext}`);
    }
    for (const ext of ['fgb', 'geojson', 'csv']) {
      $(`export-places-${ext}`).href = `/api/export/places.${ext}${viewer.placesQuery ? `?${viewer.placesQuery}` : ''}`;
      $(`export-places-${ext}`).setAttribute('download', `ifn-lieux-mediation.${ext}`);
    }
    if (mode.site) staticExportLinks(level);
  }
  /** A static site: the files it holds, a CSV made here, and what needs the server said so. */
  function staticExportLinks(level) {
    for (const ext of ['qml', 'sld']) $(`export-style-${ext}`).href = mode.site.url(`api/style/${level}.${ext}`);
    $('export-places-geojson').href = mode.site.url('api/places.json');
    for (const id of ['export-level-csv-excel', 'export-level-fgb', 'export-level-gpkg', 'export-level-geojson', 'export-places-fgb', 'export-places-csv']) {
      $(id).closest('li').hidden = true;
    }
    if (!$('export-static-note')) {
      const li = document.createElement('li');
      li.id = 'export-static-note';
      li.className = 'ifn-menu-head';
      li.textContent = `FlatGeobuf, GeoPackage, CSV pour Excel : ${NEEDS_SERVER}.`;
      $('export-menu').appendChild(li);
    }
  }
  if (mode.site) {
    // The level's scores as CSV, written here from the scores computed in the browser.
    $('export-level-csv').addEventListener('click', async (e) => {
      e.preventDefault();
      const s = await api.scores(viewer.level, viewer.query);
      const keys = s.indicators;
      const cell = (v) => (v == null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
      const lines = [['code', 'name', 'population', 'total', 'indicators_used', ...keys.map((k) => `${k}_class`), ...keys.map((k) => `${k}_raw`)].join(',')];
      for (const t of s.territories) {
        lines.push([t.code, t.name, t.population, t.total, t.indicators_used, ...keys.map((k) => t.classes[k]), ...keys.map((k) => t.raw[k])].map(cell).join(','));
      }
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([`${lines.join('\n')}\n`], { type: 'text/csv;charset=utf-8' }));
      a.download = `ifn-${viewer.level}-${state.profile}.csv`;
      document.body.appendChild(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    });
  }
  $('export-btn').addEventListener('click', () => {
    const menu = $('export-menu');
    menu.hidden = !menu.hidden;
    $('export-btn').setAttribute('aria-expanded', String(!menu.hidden));
  });
  document.addEventListener('click', (e) => {
    if (!e.target.closest('.ifn-menu')) { $('export-menu').hidden = true; $('export-btn').setAttribute('aria-expanded', 'false'); }
  });
  function downloadCompareCsv() {
    if (!viewer.compared.length) { toast('Ajoutez d\'abord des territoires à la comparaison.'); return; }
    const blob = new Blob([compareCsv(viewer.compared)], { type: 'text/csv;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `ifn-comparaison-${state.profile}.csv`;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  $('export-selection').addEventListener('click', downloadCompareCsv);
  $('copy-tilejson').addEventListener('click', async () => {
    const url = mode.site ? mode.site.url(`tiles/${viewer.level}.pmtiles`) : `${location.origin}/tiles/${viewer.level}.json?${viewer.query}`;
    try {
      await navigator.clipboard.writeText(url);
      toast('URL TileJSON copiée : dans QGIS, Tuiles vectorielles → Nouvelle connexion générique, puis collez-la (style : fichier .qml du même menu).');
    } catch {
      window.prompt('URL TileJSON à coller dans QGIS :', url);
    }
  });
  $('share').addEventListener('click', async () => {
    saveHash();
    await new Promise((r) => setTimeout(r, 200));
    try {
      await navigator.clipboard.writeText(location.href);
      toast('Lien copié : il restitue cette vue (profil, indicateurs, poids, sélection, position).');
    } catch {
      window.prompt('Copiez ce lien :', location.href);
    }
  });

  /** Padding for fitBounds that keeps the territory clear of the side panel (when it is, or will be, open). */
  function fitPadding(p, panelWillOpen = false) {
    const panel = $('panel');
    const open = panelWillOpen || !panel.hidden;
    const wide = window.matchMedia('(min-width: 801px)').matches;
    const canvas = map.getCanvas().getBoundingClientRect();
    if (!open) return p;
    if (wide) return { top: p, bottom: p, left: p, right: Math.min(400, canvas.width / 2) + p };
    return { top: p, left: p, right: p, bottom: Math.min(canvas.height * 0.55, canvas.height / 2) + p };
  }

  // ---------------------------------------------------------------- panel: detail and comparison
  const TABS = ['detail', 'compare', 'analyse', 'evolution'];
  // Where focus goes back when the panel closes: what had it when the panel opened.
  let panelOpener = null;
  function openPanel(tab) {
    if ($('panel').hidden) panelOpener = document.activeElement;
    $('panel').hidden = false;
    document.body.classList.add('panel-open');
    for (const t of TABS) {
      // WAI-ARIA tabs: only the selected tab is in the Tab order, arrows move between them.
      $(`tab-${t}`).setAttribute('aria-selected', String(t === tab));
      $(`tab-${t}`).tabIndex = t === tab ? 0 : -1;
      $(t).hidden = t !== tab;
    }
    // The comparison needs room for its columns: the panel widens while it is shown.
    document.body.classList.toggle('panel-wide', tab === 'compare' && state.selection.length > 2);
    document.body.style.setProperty('--compared-n', String(Math.min(6, state.selection.length)));
    if (tab === 'analyse' && analyse) analyse.refresh();
    if (tab === 'evolution' && evolution) evolution.refresh();
  }
  for (const t of TABS) $(`tab-${t}`).addEventListener('click', () => openPanel(t));
  document.querySelector('.ifn-tabs').addEventListener('keydown', (e) => {
    const i = TABS.findIndex((t) => $(`tab-${t}`) === document.activeElement);
    if (i < 0) return;
    const next = { ArrowRight: (i + 1) % TABS.length, ArrowLeft: (i + TABS.length - 1) % TABS.length, Home: 0, End: TABS.length - 1 }[e.key];
    if (next == null) return;
    e.preventDefault();
    openPanel(TABS[next]);
    $(`tab-${TABS[next]}`).focus();
  });
  function closePanel() {
    $('panel').hidden = true;
    document.body.classList.remove('panel-open', 'panel-wide');
    state.detail = null;
    markSelected();
    saveHash();
    const back = panelOpener && document.body.contains(panelOpener) && panelOpener !== document.body ? panelOpener : $('map');
    back.focus();
  }
  // Escape closes what is open, innermost first: a menu, a popup, then the panel.
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    if (!$('export-menu').hidden) {
      $('export-menu').hidden = true;
      $('export-btn').setAttribute('aria-expanded', 'false');
      $('export-btn').focus();
    } else if (document.querySelector('.maplibregl-popup')) {
      document.querySelectorAll('.maplibregl-popup').forEach((p) => p.remove());
      $('map').focus();
    } else if (!$('panel').hidden) {
      closePanel();
    }
  });
  $('open-analyse').addEventListener('click', () => openPanel('analyse'));
  $('open-evolution').addEventListener('click', () => openPanel('evolution'));
  $('panel-close').addEventListener('click', closePanel);

  const inSelection = (level, code) => state.selection.some((t) => t.level === level && t.code === code);
  let selectedFeature = null;
  function markSelected() {
    if (selectedFeature) {
      map.setFeatureState(selectedFeature, { selected: false });
      selectedFeature = null;
    }
    if (state.detail && map.getSource(`src-${state.detail.level}`)) {
      selectedFeature = { source: `src-${state.detail.level}`, sourceLayer: state.detail.level, id: state.detail.code };
      map.setFeatureState(selectedFeature, { selected: true });
    }
    // Only the open territory's level keeps its outline layer: a visible layer makes MapLibre
    // fetch its source's tiles, and the other levels are not drawn.
    for (const l of levels) map.setLayoutProperty(`selected-${l}`, 'visibility', state.detail?.level === l ? 'visible' : 'none');
  }

  /** Fits the map to a territory's box, at most at the zoom where its own level is drawn. */
  function fitTerritory(level, bbox, panelWillOpen = false, duration = undefined) {
    const maxZoom = state.level === 'auto' ? FIT_MAX_ZOOM[level] ?? 13 : 13;
    // An explicit `duration: undefined` would replace MapLibre's default and break the easing.
    const options = { padding: fitPadding(60, panelWillOpen), maxZoom, animate: !reducedMotion(), ...(duration == null ? {} : { duration }) };
    map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], options);
  }

  /** Adds territories to the comparison (those not there yet) and shows it. */
  function compareWith(list) {
    for (const t of list) if (!inSelection(t.level, t.code)) state.selection.push({ level: t.level, code: t.code });
    saveHash();
    refreshCompare().then(() => openPanel('compare'));
  }

  let detailSeq = 0;
  async function showDetail(level, code, { tab = true, fit = false, focus = null } = {}) {
    state.detail = { level, code };
    markSelected();
    saveHash();
    if (tab) openPanel('detail');
    const seq = ++detailSeq;
    renderDetailMessage($('detail'), 'Chargement…');
    try {
      const t = await api.territory(level, code, viewer.query);
      if (seq !== detailSeq) return;
      viewer.detail = t;
      renderDetail($('detail'), t, {
        inSelection: inSelection(level, code),
        onToggleSelection: () => toggleSelection(t),
        onZoom: () => t.bbox && fitTerritory(t.level, t.bbox),
        onOpen: (l, c) => showDetail(l, c, { fit: true }),
        onCompareWith: (l, c) => compareWith([{ level: t.level, code: t.code }, { level: l, code: c }]),
        openable: () => true,
        diagnosticHref: mode.site ? null : diagnosticUrl(level, code, viewer.query),
      });
      if (t.total != null && mode.site) staticRankLine(level, code, $('detail-rank'));
      else if (t.total != null && analyse) analyse.rankLine(level, code, $('detail-rank'));
      if (focus && $(focus)) $(focus).focus();
      if (fit && t.bbox) {
        if (state.level !== 'auto' && levels.includes(level)) { state.level = level; $('level-select').value = level; viewer.level = null; applyLevel(); }
        fitTerritory(level, t.bbox);
      }
    } catch (e) {
      if (seq !== detailSeq) return;
      renderDetailMessage($('detail'), `Impossible d'afficher ce territoire : ${esc(e.message)}`);
    }
  }

  /** A static site: the rank among the level's scores computed here (no robustness draws). */
  async function staticRankLine(level, code, target) {
    if (!target) return;
    const s = await viewer.static.levelScores(level, viewer.query);
    const row = s.row.get(code);
    const mine = s.total[row];
    let rank = 1;
    let ranked = 0;
    for (const v of s.total) {
      if (Number.isNaN(v)) continue;
      ranked += 1;
      if (v > mine) rank += 1;
    }
    target.innerHTML = `Rang <strong id="detail-rank-value">${fmtPop(rank)}<sup>e</sup></strong> sur ${fmtPop(ranked)} (1 = le plus fragile) <span class="ifn-hint-inline">— l'intervalle selon les poids ${NEEDS_SERVER}</span>`;
  }

  function toggleSelection(t) {
    if (inSelection(t.level, t.code)) {
      state.selection = state.selection.filter((x) => !(x.level === t.level && x.code === t.code));
    } else {
      state.selection.push({ level: t.level, code: t.code });
    }
    saveHash();
    // The card is drawn again: focus goes back to the same button, not to the page.
    refreshCompare().then(() => {
      if (viewer.detail) showDetail(viewer.detail.level, viewer.detail.code, { tab: false, focus: 'detail-toggle-selection' });
    });
    toast(inSelection(t.level, t.code) ? `${t.name} ajouté à la comparaison.` : `${t.name} retiré de la comparaison.`);
  }

  let compareSeq = 0;
  async function refreshCompare() {
    $('compare-count').textContent = String(state.selection.length);
    const seq = ++compareSeq;
    const results = await Promise.all(state.selection.map((t) => api.territory(t.level, t.code, viewer.query).catch(() => null)));
    if (seq !== compareSeq) return;
    viewer.compared = results.filter(Boolean);
    renderCompare($('compare'), viewer.compared, {
      onRemove: (n) => toggleSelection(viewer.compared[n]),
      onOpen: (n) => showDetail(viewer.compared[n].level, viewer.compared[n].code),
      onClear: () => { state.selection = []; saveHash(); refreshCompare(); },
      onCsv: downloadCompareCsv,
    });
    markCompared(map, levels, viewer.compared);
  }

  // ---------------------------------------------------------------- map interactions
  const tip = $('hover-tip');
  let hovered = null;
  const clearHover = () => {
    if (hovered) map.setFeatureState(hovered, { hover: false });
    hovered = null;
    tip.hidden = true;
  };
  map.on('mousemove', (e) => {
    // A cluster of places: its number of places by kind (a click zooms in on it).
    const cluster = map.getLayer('places-clusters') && map.queryRenderedFeatures(e.point, { layers: ['places-clusters'] })[0];
    if (cluster) {
      clearHover();
      map.getCanvas().style.cursor = 'pointer';
      const p = cluster.properties;
      const byKind = clusterKindCounts(p).map(([k, n]) => `<br>${esc(PLACE_KINDS[k].label)} : ${fmtPop(n)}`).join('');
      tip.innerHTML = `<strong>${fmtPop(p.point_count)} lieux de médiation</strong>${byKind}<br><em>Cliquez pour zoomer</em>`;
      tip.style.left = `${e.point.x + 14}px`;
      tip.style.top = `${e.point.y + 14}px`;
      tip.hidden = false;
      return;
    }
    const f = map.queryRenderedFeatures(e.point, { layers: [`fill-${viewer.level}`] })[0];
    if (!f) { clearHover(); map.getCanvas().style.cursor = ''; return; }
    map.getCanvas().style.cursor = 'pointer';
    const id = { source: `src-${viewer.level}`, sourceLayer: viewer.level, id: f.properties.code };
    if (!hovered || hovered.id !== id.id) {
      clearHover();
      hovered = id;
      map.setFeatureState(hovered, { hover: true });
    }
    const p = f.properties;
    // At IRIS level a feature is one base unit; a commune may hold several.
    const zb = state.zonesBlanches && Number(p.zones_blanches) > 0
      ? `<br>${viewer.level === 'iris' ? 'Zone blanche' : `Zones blanches : ${fmtPop(p.zones_blanches)}`}` : '';
    const score = mode.site ? map.getFeatureState({ ...id, source: `fillsrc-${viewer.level}` }).score : p.score;
    tip.innerHTML = `<strong>${esc(p.name)}</strong><br>IFN ${score == null ? '— (donnée manquante)' : fmt(score, 1)} · ${fmtPop(p.population)} hab.${zb}`;
    tip.style.left = `${e.point.x + 14}px`;
    tip.style.top = `${e.point.y + 14}px`;
    tip.hidden = false;
  });
  map.on('mouseout', clearHover);
  map.on('click', (e) => {
    const placeLayers = ['places-points', 'places-clusters'].filter((l) => map.getLayer(l));
    if (placeLayers.length && map.queryRenderedFeatures(e.point, { layers: placeLayers }).length) return;
    const f = map.queryRenderedFeatures(e.point, { layers: [`fill-${viewer.level}`] })[0];
    if (f) showDetail(viewer.level, f.properties.code);
  });

  // ---------------------------------------------------------------- selection changes
  // Contrast mode: the colours spread over the range of the displayed level's values, from the
  // level's scores (one request per level and selection, kept).
  const ranges = new Map();
  async function levelRange(level, query, property) {
    const key = `${level}?${query}`;
    if (!ranges.has(key)) ranges.set(key, api.scores(level, query));
    const scores = await ranges.get(key);
    const values = scores.territories.map((t) => (property === 'score' ? t.total : t.classes?.[property]))
      .filter((v) => v != null && Number.isFinite(v));
    return values.length ? [Math.min(...values), Math.max(...values)] : null;
  }
  let colourSeq = 0;
  /** Static site: sets the displayed level's values (score or class) from the browser's scores. */
  async function recolourStatic(level, seq) {
    const s = await viewer.static.levelScores(level, viewer.query);
    if (seq !== colourSeq) return;
    let values = s.total;
    if (state.colour !== 'score') {
      values = s.classes[state.colour] || (await viewer.static.levelColumns(level, s.sel.reference, [state.colour], 'class'))[state.colour];
    }
    setStaticValues(map, level, s.codes, values, s.total);
    viewer.recolouredAt = performance.now();
  }
  async function applyColour() {
    const seq = ++colourSeq;
    const def = catalogue.indicators.find((i) => i.key === state.colour);
    const level = viewer.level;
    $('legend-title').textContent = `${def ? `Classe : ${def.label}` : 'Indice de fragilité'} — ${LEVEL_LABELS[level] || ''}`;
    $('contrast-toggle').checked = state.contrast;
    let spread = null;
    if (state.contrast && level) {
      try {
        const range = await levelRange(level, viewer.query, state.colour);
        if (seq !== colourSeq) return;
        if (range) spread = { level, ...spreadColourExpression(state.colour, range[0], range[1]), range };
      } catch (e) {
        toast(`Contraste renforcé indisponible : ${e.message}`);
      }
    }
    if (mode.site && level) {
      // A static site: the values the colours read are computed here and set as feature states.
      try {
        await recolourStatic(level, seq);
      } catch (e) {
        if (seq === colourSeq) showError(`Sélection refusée : ${e.message}`);
        return;
      }
      if (seq !== colourSeq) return;
    }
    setColourProperty(map, levels, state.colour, spread);
    renderLegend(spread);
    $('contrast-hint').hidden = !spread;
    if (spread) {
      $('contrast-hint').textContent = `Couleurs étalées de ${fmt(spread.range[0], 1)} à ${fmt(spread.range[1], 1)}, les valeurs extrêmes de l'échelle ${LEVEL_LABELS[level]} : ce ne sont plus les classes 1 à 10 de la méthode.`;
    }
    $('legend').classList.toggle('is-contrast', !!spread);
  }
  $('contrast-toggle').addEventListener('change', (e) => { state.contrast = e.target.checked; applyColour(); saveHash(); });

  async function onSelectionChange() {
    // When the new selection reached the map: the repaint benchmark measures from here.
    viewer.selectionChangedAt = performance.now();
    viewer.query = selectionQuery(state, catalogue);
    applyColour();
    setSelectionQuery(map, levels, viewer.query);
    updateExportLinks();
    saveHash();
    clearError();
    if (state.detail) showDetail(state.detail.level, state.detail.code, { tab: false });
    if (state.selection.length) refreshCompare();
    analyse.refresh();
    evolution.refresh();
    table.refresh();
  }
  const onControlChange = (kind) => {
    if (kind === 'level') { viewer.level = null; applyLevel(); saveHash(); return; }
    if (kind === 'colour') { applyColour(); saveHash(); return; }
    if (kind === 'zb') { applyZonesBlanches(); saveHash(); return; }
    if (kind === 'offer') applyZonesBlanches();
    onSelectionChange();
  };
  analyse = initAnalyse({
    map, levels, viewer, catalogue, el: $('analyse'), legend: $('legend-analyse'), classLegend: $('legend'),
    onOpen: (level, code) => showDetail(level, code),
  });
  evolution = initEvolution({
    map, levels, viewer, el: $('evolution'), legend: $('legend-evolution'), classLegend: $('legend'),
    onOpen: (level, code) => showDetail(level, code),
  });
  viewer.evolution = evolution;
  // The header button appears only when the server compares two vintages.
  evolution.info.then((i) => { $('open-evolution').hidden = !i.available; });
  // The table view: the displayed level as a sortable, filterable table (the map without a map).
  const table = initTable({
    el: $('table-view'), viewer, catalogue,
    visibleCodes: () => [...new Set(map.queryRenderedFeatures({ layers: [`fill-${viewer.level}`] }).map((f) => f.properties.code))],
    onOpen: (level, code) => showDetail(level, code, { fit: true, focus: 'detail-title' }),
  });
  viewer.table = table;
  $('toggle-table').addEventListener('click', () => {
    const on = !table.isShown();
    if (on) table.show(); else table.hide();
    $('toggle-table').setAttribute('aria-pressed', String(on));
    $('toggle-table').textContent = on ? 'Carte' : 'Tableau';
    $('toggle-table').title = on ? 'Revenir à la carte' : 'Les territoires de l\'échelle affichée en tableau : tri, filtres, export';
    if (on) $('table-title').focus();
  });
  initControls({ state, catalogue, meta, onChange: onControlChange });
  initOfferControls({ state, onChange: onControlChange });
  // A tile refused by the server (e.g. every weight at zero) says why in the banner: MapLibre
  // only gives the status, so the message is read from the server once.
  let lastRefused = '';
  map.on('error', async (e) => {
    const url = e.error?.url || '';
    if (!/\/tiles\//.test(url) || !(e.error?.status >= 400 && e.error?.status < 500) || url === lastRefused) return;
    lastRefused = url;
    let message = e.error.message;
    try {
      const body = await (await fetch(url)).json();
      if (body.error) message = body.error;
    } catch {
      // keep MapLibre's message
    }
    showError(`Le serveur a refusé cette sélection : ${message}`);
  });

  // ---------------------------------------------------------------- places
  // Drawn from the server's vector tiles; the kind, service and public filters go into the
  // tile URL (filtered server-side) and into the link.
  viewer.placesQuery = placesQuery(state);
  const placesLayer = addPlacesLayer(map, viewer.placesQuery);
  if (state.placeKinds) setPlacesQuery(map, viewer.placesQuery, state.placeKinds);
  const setPlaces = () => {
    // No kind ticked: nothing to show (an empty `kinds` would mean "every kind" to the server).
    const none = state.placeKinds != null && state.placeKinds.length === 0;
    for (const l of ['places-clusters', 'places-points', 'places-cluster-count']) {
      if (map.getLayer(l)) map.setLayoutProperty(l, 'visibility', state.places && !none ? 'visible' : 'none');
    }
    placesLayer.refresh();
    $('place-filters').disabled = !state.places;
    placesLegend();
  };
  // The places' legend on the map: each kind's shape and colour, shown with the places.
  $('legend-places').innerHTML = `<p class="ifn-legend-title">Lieux de médiation</p><ul class="ifn-legend-places">${Object.entries(PLACE_KINDS)
    .map(([k, v]) => `<li><img src="${placesLayer.icons[k]}" alt="${esc(SHAPE_NAMES[PLACE_SHAPES[k] || 'dot'])}" width="14" height="14"> ${esc(v.label)}</li>`).join('')}</ul>
    <p class="ifn-hint-inline" id="legend-places-zoom">Lieux visibles en zoomant (à partir du zoom ${PLACES_MIN_ZOOM}).</p>`;
  // Below the zoom where places are drawn, the legend keeps one line, not the whole list.
  const placesLegend = () => {
    const drawn = map.getZoom() >= PLACES_MIN_ZOOM;
    $('legend-places').hidden = !state.places;
    $('legend-places').classList.toggle('is-folded', !drawn);
    $('legend-places-zoom').hidden = drawn;
  };
  map.on('zoomend', placesLegend);
  $('places-toggle').checked = state.places;
  $('places-toggle').addEventListener('change', (e) => { state.places = e.target.checked; setPlaces(); saveHash(); });
  setPlaces();
  try {
    const facets = await api.placeFacets();
    initPlaceFilters({
      state, facets, icons: placesLayer.icons,
      onChange: () => {
        viewer.placesQuery = placesQuery(state);
        setPlacesQuery(map, viewer.placesQuery, state.placeKinds);
        updateExportLinks();
        setPlaces();
        saveHash();
      },
    });
    if (facets.total === 0) $('places-toggle').nextElementSibling.textContent = 'Lieux de médiation (aucun dans ce jeu de données)';
  } catch (e) {
    // Without facets the layer still shows every place; only the filters are missing.
    $('place-kinds').innerHTML = `<p class="ifn-hint">Filtres indisponibles : ${esc(e.message)}</p>`;
    for (const id of ['place-service', 'place-public', 'place-filters-reset']) $(id).disabled = true;
  }
  map.on('click', 'places-points', (e) => {
    const f = e.features[0];
    const p = f.properties;
    const kinds = splitList(p.kinds).map((k) => PLACE_KINDS[k]?.label || k);
    const services = splitList(p.services);
    new maplibregl.Popup({ maxWidth: '300px' })
      .setLngLat(f.geometry.coordinates)
      .setHTML(`<div class="ifn-popup"><h3>${esc(p.name)}</h3>
        ${kinds.length ? `<p>${kinds.map((k) => `<span class="fr-badge fr-badge--sm fr-badge--blue-ecume">${esc(k)}</span>`).join(' ')}</p>` : ''}
        ${services.length ? `<p><strong>Services :</strong> ${services.map(esc).join(', ')}</p>` : ''}
        ${p.publics ? `<p><strong>Publics :</strong> ${splitList(p.publics).map(esc).join(', ')}</p>` : ''}
        ${p.address === undefined
    ? '<p class="ifn-hint">Zoomez pour voir l’adresse et les services de ce lieu.</p>'
    : `<p>${esc(p.address)}${p.commune ? `, ${esc(p.commune)}` : ''}</p>`}</div>`)
      .addTo(map);
  });
  map.on('mouseenter', 'places-points', () => { map.getCanvas().style.cursor = 'pointer'; });
  // A cluster: zoom in by two levels on it, at most to the zoom where every place is drawn.
  map.on('click', 'places-clusters', (e) => {
    const f = e.features[0];
    const zoom = Math.max(map.getZoom() + 0.5, Math.min(map.getZoom() + 2, PLACES_CLUSTERS.clusterMaxZoom + 1));
    map.easeTo({ center: f.geometry.coordinates, zoom, animate: !reducedMotion() });
  });

  // ---------------------------------------------------------------- go to
  const flyTo = (bbox) => map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: fitPadding(30), animate: !reducedMotion() });
  document.querySelector('[data-goto="all"]').addEventListener('click', () => flyTo(meta.bbox));
  for (const d of [METROPOLE, ...DROM]) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'fr-btn fr-btn--tertiary fr-btn--sm';
    b.textContent = d.name;
    b.dataset.goto = d.code;
    const covered = intersects(meta.bbox, d.bbox);
    if (!covered) {
      b.disabled = true;
      b.title = `${d.name} n'est pas couvert par ce jeu de données`;
    }
    b.addEventListener('click', () => flyTo(d.bbox));
    (d === METROPOLE ? $('goto-buttons') : $('drom-buttons')).appendChild(b);
  }

  // ---------------------------------------------------------------- search
  initSearch({
    onPick: (r) => {
      if (r.bbox) fitTerritory(r.level, r.bbox, true, 600);
      const level = levels.includes(r.level) ? r.level : null;
      if (level) {
        if (state.level !== 'auto') { state.level = level; $('level-select').value = level; viewer.level = null; applyLevel(); }
        // Focus goes to the card's title, so that a screen reader reads what was opened.
        showDetail(level, r.code, { focus: 'detail-title' });
      }
    },
  });

  // ---------------------------------------------------------------- narrow screens
  $('toggle-sidebar').addEventListener('click', () => {
    const open = !document.body.classList.toggle('sidebar-closed');
    $('toggle-sidebar').setAttribute('aria-expanded', String(open));
  });
  if (window.matchMedia('(max-width: 800px)').matches) document.body.classList.add('sidebar-closed');

  applyLevel();
  if (state.detail) showDetail(state.detail.level, state.detail.code);
  if (state.selection.length) {
    await refreshCompare();
    if (!state.detail) openPanel('compare');
  }
  updateExportLinks();
  if (fixes.length) toast(`Lien corrigé : ${fixes.join(' ; ')}.`);
  viewer.ready = true;
  viewer.activeIndicators = () => activeIndicators(state, catalogue);
  viewer.initialBbox = initialBbox;
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  console.error(e);
  showError(`La carte n'a pas pu démarrer : ${e.message}. ${mode.site ? 'Vérifiez que le site est publié en entier (data/, tiles/, api/).' : 'Vérifiez que le serveur ifn répond (/api/meta).'}`);
});
