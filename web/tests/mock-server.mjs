// A stand-in for `ifn serve`, written from docs/api.md, to develop the viewer while the real
// server is not there yet (`scripts/test-web.sh --mock` runs the end-to-end tests against it;
// without the flag they run the real binary). Its numbers are invented and its scoring is a
// simplified stand-in for the IFN method; the mediation-offer figures are computed the way
// docs/api.md describes them (base units = the IRIS here, haversine distances from their
// centres to synthetic places). FlatGeobuf and GeoPackage exports are placeholders (the right
// magic bytes, headers and name, not a readable file).
//
//   node tests/mock-server.mjs [port]      (serves web/dist when it exists)

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import geojsonvt from 'geojson-vt';
import vtpbf from 'vt-pbf';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist');
const catalogue = parseCatalogue(fs.readFileSync(path.join(here, '..', '..', 'data', 'indicators.toml'), 'utf8'));

// ---------------------------------------------------------------- catalogue (tiny TOML subset)
function parseCatalogue(text) {
  const out = { version: '', profiles: [], indicators: [] };
  let cur = null;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    if (t === '[[profiles]]') { cur = {}; out.profiles.push(cur); continue; }
    if (t === '[[indicators]]') { cur = {}; out.indicators.push(cur); continue; }
    const m = t.match(/^(\w+)\s*=\s*(.*)$/);
    if (!m) continue;
    const value = JSON.parse(m[2]);
    if (cur) cur[m[1]] = value; else if (m[1] === 'catalogue_version') out.version = value;
  }
  return out;
}

// ---------------------------------------------------------------- synthetic territory
let seed = 7;
const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const [W, S, E, N] = [-9.3, 44.6, -5.3, 46.7];
const NX = 12, NY = 6;
const dx = (E - W) / NX, dy = (N - S) / NY;
const keys = catalogue.indicators.map((i) => i.key);
const levels = ['departement', 'epci', 'commune', 'iris'];
const depNames = { X1: 'Armor-Fictif', X2: 'Landes-Imaginaires', X3: 'Côte-d\'Argent-Fictive' };
const ROOTS = ['Kerlan', 'Saint-Aubin', 'Montvert', 'Lestrade', 'Beauval', 'Pradelle', 'Roncevaux', 'Mirande', 'Castelnau', 'Aurignac', 'Belcastel', 'Sauveterre'];

const iris = [];
const communes = [];
for (let i = 0; i < NX; i++) {
  for (let j = 0; j < NY; j++) {
    const d = `X${Math.floor(i / 4) + 1}`;
    const epci = `X${String((Math.floor(i / 2)) * 3 + Math.floor(j / 2) + 1).padStart(8, '0')}`;
    const code = `${d}${String(communes.length + 1).padStart(3, '0')}`;
    const name = `${ROOTS[(i * 5 + j) % ROOTS.length]}${j % 3 ? '-sur-Mer' : ''} ${communes.length + 1}`;
    communes.push({ code, name, d, epci, box: [W + i * dx, S + j * dy, W + (i + 1) * dx, S + (j + 1) * dy] });
    for (let k = 0; k < 4; k++) {
      const x0 = W + i * dx + (k % 2) * dx / 2, y0 = S + j * dy + Math.floor(k / 2) * dy / 2;
      iris.push({
        code: `${code}${String(k + 1).padStart(4, '0')}`, name: `${name} Quartier ${k + 1}`,
        commune: code, epci, d, population: Math.round(200 + rnd() * 3000),
        box: [x0, y0, x0 + dx / 2, y0 + dy / 2],
        raw: Object.fromEntries(keys.map((k2) => [k2, Math.round((5 + rnd() * 40 + i * 1.5) * 10) / 10])),
      });
    }
  }
}
const parentOf = { departement: (u) => u.d, epci: (u) => u.epci, commune: (u) => u.commune, iris: (u) => u.code };
const territories = {};
for (const level of levels) {
  const map = new Map();
  for (const u of iris) {
    const c = parentOf[level](u);
    if (!map.has(c)) map.set(c, { level, code: c, members: [] });
    map.get(c).members.push(u);
  }
  for (const t of map.values()) {
    t.population = t.members.reduce((a, u) => a + u.population, 0);
    t.box = t.members.reduce((b, u) => [Math.min(b[0], u.box[0]), Math.min(b[1], u.box[1]), Math.max(b[2], u.box[2]), Math.max(b[3], u.box[3])], [180, 90, -180, -90]);
    t.raw = Object.fromEntries(keys.map((k) => [k, t.members.reduce((a, u) => a + u.raw[k] * u.population, 0) / t.population]));
    t.name = level === 'departement' ? depNames[c0(t)] : level === 'epci' ? `Communauté de communes n° ${t.code.slice(-2)}` : level === 'commune' ? communes.find((m) => m.code === t.code).name : t.members[0].name;
    t.parent = depNames[t.members[0].d];
  }
  territories[level] = [...map.values()];
}
function c0(t) { return t.code; }
// deciles per level and indicator
for (const level of levels) {
  const list = territories[level];
  for (const k of keys) {
    const sorted = list.map((t) => t.raw[k]).sort((a, b) => a - b);
    for (const t of list) {
      t.cls ??= {};
      const rank = sorted.indexOf(t.raw[k]);
      t.cls[k] = Math.min(10, 1 + Math.floor((rank / sorted.length) * 10));
    }
  }
}

// ---------------------------------------------------------------- mediation places
const KIND_LABELS = { france_services: 'France Services', conseiller_numerique: 'Conseillers numériques', aidants_connect: 'Aidants Connect', bibliotheque: 'Bibliothèque', autre: 'Autre lieu de médiation' };
const KIND_KEYS = Object.keys(KIND_LABELS);
const SERVICES = ['Aide aux démarches administratives', 'Maîtrise des outils numériques du quotidien', 'Accès internet et matériel informatique', 'Insertion professionnelle via le numérique', 'Utilisation sécurisée du numérique', 'Parentalité et éducation avec le numérique'];
const PUBLICS = ['Seniors', 'Jeunes', 'Familles et/ou enfants', 'Étudiants'];
const KIND_SETS = [['france_services', 'aidants_connect'], ['aidants_connect'], ['conseiller_numerique'], ['aidants_connect', 'bibliotheque'], ['bibliotheque'], ['autre'], ['france_services'], ['conseiller_numerique', 'aidants_connect']];
const places = [];
for (let n = 0; n < 110; n++) {
  const kinds = KIND_SETS[n % KIND_SETS.length];
  // places gather in the west (towns), so that the east keeps zones blanches
  const lon = W + Math.pow(rnd(), 1.6) * (E - W);
  const lat = S + rnd() * (N - S);
  const services = SERVICES.filter((_, i) => i === n % SERVICES.length || rnd() < 0.3);
  const publics = PUBLICS.filter(() => rnd() < 0.35);
  places.push({ id: `P${n}`, name: `Lieu de médiation ${n + 1}`, lon, lat, kinds, services, publics, address: `${n + 1} rue de la Mairie`, source: 'maquette (fictif)' });
}
const inBox = (b, lon, lat) => lon >= b[0] && lon < b[2] && lat >= b[1] && lat < b[3];
for (const p of places) {
  const u = iris.find((x) => inBox(x.box, p.lon, p.lat));
  p.unit = u?.code ?? null;
  p.commune = u ? communes.find((c) => c.code === u.commune).name : '';
}

// ---------------------------------------------------------------- offer (docs/api.md)
const OFFER_GROUPS = ['all', 'france_services', 'conseiller_numerique', 'aidants_connect', 'bibliotheque'];
const FLAT_FIELDS = [
  ...OFFER_GROUPS.map((g) => `places_${g}`), ...OFFER_GROUPS.map((g) => `places_per_10k_${g}`),
  'fragile_population', 'places_per_10k_fragile', 'mean_distance_km', 'fragile_mean_distance_km', 'fragile_share_beyond', 'zones_blanches',
];
const inGroup = (p, g) => g === 'all' || p.kinds.includes(g);
function haversineKm(a, b) {
  const r = Math.PI / 180;
  const dLat = (b[1] - a[1]) * r, dLon = (b[0] - a[0]) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}
// Distances from each base unit's centre to the nearest place of every group (once).
for (const u of iris) {
  u.centre = [(u.box[0] + u.box[2]) / 2, (u.box[1] + u.box[3]) / 2];
  u.dist = {};
  for (const g of OFFER_GROUPS) {
    let best = Infinity;
    for (const p of places) if (inGroup(p, g)) best = Math.min(best, haversineKm(u.centre, [p.lon, p.lat]));
    u.dist[g] = Number.isFinite(best) ? best : null;
  }
}
function offerOptions(q) {
  const read = (key, def) => {
    const t = (q.get(key) || '').trim();
    if (!t) return def;
    const v = Number(t);
    if (Number.isNaN(v)) throw new Error(`${key} '${t}': expected a number`);
    return v;
  };
  const o = { threshold: read('threshold', 7), distance_km: read('distance_km', 10) };
  if (!Number.isFinite(o.threshold)) throw new Error(`threshold = ${o.threshold}: expected a finite score, usually between 1 and 10`);
  if (!Number.isFinite(o.distance_km) || o.distance_km < 0) throw new Error(`distance_km = ${o.distance_km}: expected a finite distance in km, ≥ 0`);
  return o;
}
const weightedMean = (units, f) => {
  let s = 0, w = 0;
  for (const u of units) { const v = f(u); if (v != null) { s += v * u.population; w += u.population; } }
  return w > 0 ? s / w : null;
};
const irisByCode = new Map(territories.iris.map((t) => [t.code, t]));
/** Offer figures of a territory for a selection and options (the `offer` object of the API). */
function offerOf(t, sel, opts) {
  const members = t.members;
  const codes = new Set(members.map((u) => u.code));
  const inside = places.filter((p) => codes.has(p.unit));
  const per10k = (n, pop) => (pop > 0 ? (n * 10000) / pop : null);
  const placesBy = Object.fromEntries(OFFER_GROUPS.map((g) => [g, inside.filter((p) => inGroup(p, g)).length]));
  const fragile = members.filter((u) => { const s = total(irisByCode.get(u.code), sel); return s != null && s >= opts.threshold; });
  const fragilePop = fragile.reduce((a, u) => a + u.population, 0);
  const beyond = fragile.filter((u) => u.dist.all != null && u.dist.all > opts.distance_km);
  const beyondPop = beyond.reduce((a, u) => a + u.population, 0);
  const known = fragile.filter((u) => u.dist.all != null).reduce((a, u) => a + u.population, 0);
  return {
    options: { threshold: opts.threshold, distance_km: opts.distance_km },
    code: t.code,
    population: t.population,
    places: placesBy,
    places_per_10k: Object.fromEntries(OFFER_GROUPS.map((g) => [g, per10k(placesBy[g], t.population)])),
    fragile_population: fragilePop,
    places_per_10k_fragile: per10k(placesBy.all, fragilePop),
    mean_distance_km: Object.fromEntries(OFFER_GROUPS.map((g) => [g, weightedMean(members, (u) => u.dist[g])])),
    fragile_mean_distance_km: weightedMean(fragile, (u) => u.dist.all),
    fragile_population_beyond: beyondPop,
    fragile_share_beyond: known > 0 ? beyondPop / known : null,
    zones_blanches: beyond.map((u) => u.code),
    zones_blanches_population: beyondPop,
    units_without_centre: 0,
  };
}
/** The offer as flat columns (tiles, exports); null when unknown. */
function flatOffer(o) {
  const v = [...OFFER_GROUPS.map((g) => o.places[g]), ...OFFER_GROUPS.map((g) => o.places_per_10k[g]),
    o.fragile_population, o.places_per_10k_fragile, o.mean_distance_km.all, o.fragile_mean_distance_km, o.fragile_share_beyond, o.zones_blanches.length];
  return FLAT_FIELDS.map((name, i) => [name, v[i] ?? null]);
}

// ---------------------------------------------------------------- scoring
function selection(q) {
  const profile = catalogue.profiles.find((p) => p.key === (q.get('profile') || 'tout-age'));
  if (!profile) throw new Error(`profil inconnu : ${q.get('profile')}`);
  const indicators = q.get('indicators') ? q.get('indicators').split(',') : profile.ifn;
  const weights = Object.fromEntries(indicators.map((k) => [k, 1]));
  for (const kv of (q.get('weights') || '').split(',').filter(Boolean)) {
    const [k, v] = kv.split('=');
    if (!(k in weights)) throw new Error(`poids pour un indicateur non sélectionné : ${k}`);
    weights[k] = Number(v);
  }
  return { profile: profile.key, indicators, weights, reference: q.get('reference') || 'france', def: profile };
}
function total(t, sel) {
  let s = 0, w = 0;
  for (const k of sel.indicators) { s += t.cls[k] * sel.weights[k]; w += sel.weights[k]; }
  return w > 0 ? s / w : null;
}
function detail(t, sel, opts) {
  const tot = total(t, sel);
  const all = [...sel.def.ifn.map((k) => [k, 'ifn']), ...sel.def.contexte.map((k) => [k, 'contexte'])];
  return {
    level: t.level, code: t.code, name: t.name, population: t.population, bbox: t.box,
    parents: t.level === 'departement' ? [] : [{ level: 'departement', code: t.members[0].d, name: t.parent }],
    total: tot, total_display: tot == null ? '' : tot.toFixed(1), indicators_used: sel.indicators.length,
    selection: { profile: sel.profile, indicators: sel.indicators, weights: sel.weights, reference: sel.reference },
    indicators: all.map(([k, axis]) => {
      const def = catalogue.indicators.find((i) => i.key === k);
      return { key: k, label: def.label, unit: def.unit, axis, selected: sel.indicators.includes(k), weight: sel.weights[k] ?? 0, raw: t.raw[k], class: t.cls[k], definition: def.definition, source: def.source, producer: def.producer, vintage: def.vintage };
    }),
    offer: offerOf(t, sel, opts),
  };
}
const rect = (b) => ({ type: 'Polygon', coordinates: [[[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]], [b[0], b[1]]]] });
const selectionKey = (sel, opts) => JSON.stringify([sel.profile, sel.indicators, sel.weights, sel.reference, opts.threshold, opts.distance_km]);
/** A small LRU of built geojson-vt indexes. */
const tileIndexCache = new Map();
function cached(key, build) {
  if (tileIndexCache.has(key)) {
    const v = tileIndexCache.get(key);
    tileIndexCache.delete(key);
    tileIndexCache.set(key, v);
    return v;
  }
  const v = build();
  tileIndexCache.set(key, v);
  if (tileIndexCache.size > 40) tileIndexCache.delete(tileIndexCache.keys().next().value);
  return v;
}
const geometryOf = (t) => ({ type: 'MultiPolygon', coordinates: (t.level === 'iris' ? [t.box] : t.members.map((u) => u.box)).map((b) => rect(b).coordinates) });
function tileIndex(level, sel, opts) {
  return cached(`${level}|${selectionKey(sel, opts)}`, () => {
    const features = territories[level].map((t, id) => {
      const props = { code: t.code, name: t.name, population: t.population };
      const tot = total(t, sel);
      if (tot != null) props.score = tot;
      for (const k of sel.indicators) props[k] = t.cls[k];
      for (const [name, v] of flatOffer(offerOf(t, sel, opts))) if (v != null && !Number.isNaN(v)) props[name] = v;
      return { type: 'Feature', id, properties: props, geometry: geometryOf(t) };
    });
    return new geojsonvt({ type: 'FeatureCollection', features }, { maxZoom: 14, indexMaxZoom: 5, tolerance: 3, extent: 4096 });
  });
}

/** Places filter (docs/api.md): `|`-separated lists; lists AND, values OR; services/publics case-insensitive. */
function placeFilter(q) {
  const list = (key) => (q.get(key) || '').split('|').map((x) => x.trim().toLowerCase()).filter(Boolean);
  const kinds = list('kinds');
  for (const k of kinds) if (!KIND_KEYS.includes(k)) throw new Error(`unknown place kind '${k}': expected one of ${KIND_KEYS.join(', ')}`);
  const services = list('services'), publics = list('publics');
  const any = (wanted, have) => !wanted.length || have.some((h) => wanted.includes(h.trim().toLowerCase()));
  return {
    key: JSON.stringify([kinds, services, publics]),
    matches: (p) => (!kinds.length || p.kinds.some((k) => kinds.includes(k))) && any(services, p.services) && any(publics, p.publics),
  };
}
const placeFeature = (p, joined) => ({
  type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
  properties: joined
    ? { id: p.id, name: p.name, kinds: p.kinds.join('|'), services: p.services.join('|'), publics: p.publics.join('|'), address: p.address, commune: p.commune }
    : { id: p.id, name: p.name, kinds: p.kinds, services: p.services, publics: p.publics, address: p.address, commune: p.commune, source: p.source },
});
/** Below this zoom, the places of one grid cell of CLUSTER_CELL screen pixels make one cluster feature. */
const CLUSTER_MAX_ZOOM = 12;
const CLUSTER_CELL = 48;
/** Screen pixel of a point at a zoom (512-pixel tiles, as MapLibre draws vector tiles). */
function worldPixel(lon, lat, z) {
  const size = 512 * 2 ** z;
  const s = Math.sin((lat * Math.PI) / 180);
  return [((lon + 180) / 360) * size, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * size];
}
/** The places (filtered) at zoom z: a single place as is, several in one cell as a cluster. */
function clusteredPlaces(list, z) {
  const cells = new Map();
  for (const p of list) {
    const [x, y] = worldPixel(p.lon, p.lat, z);
    const key = `${Math.floor(x / CLUSTER_CELL)},${Math.floor(y / CLUSTER_CELL)}`;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(p);
  }
  return [...cells.values()].map((members) => {
    if (members.length === 1) return placeFeature(members[0], true);
    const properties = { point_count: members.length };
    // Counted by main kind (the first in KIND_KEYS order), so that the counts add up to point_count.
    for (const k of KIND_KEYS) {
      const n = members.filter((m) => KIND_KEYS.find((x) => m.kinds.includes(x)) === k).length;
      if (n > 0) properties[`count_${k}`] = n;
    }
    properties.kinds = KIND_KEYS.filter((k) => members.some((m) => m.kinds.includes(k))).join('|');
    const lon = members.reduce((a, m) => a + m.lon, 0) / members.length;
    const lat = members.reduce((a, m) => a + m.lat, 0) / members.length;
    return { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties };
  });
}
function placesTileIndex(filter, z) {
  const list = () => places.filter(filter.matches);
  if (z < CLUSTER_MAX_ZOOM) {
    return cached(`places|${filter.key}|${z}`, () => new geojsonvt({ type: 'FeatureCollection', features: clusteredPlaces(list(), z) }, { maxZoom: z }));
  }
  return cached(`places|${filter.key}`, () => new geojsonvt({ type: 'FeatureCollection', features: list().map((p) => placeFeature(p, true)) }, { maxZoom: 14 }));
}
function facets() {
  const count = (values) => {
    const m = new Map();
    for (const v of values) m.set(v, (m.get(v) || 0) + 1);
    return [...m].map(([value, n]) => ({ value, count: n })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  };
  const kinds = KIND_KEYS.map((key) => ({ key, label: KIND_LABELS[key], count: places.filter((p) => p.kinds.includes(key)).length }))
    .sort((a, b) => b.count - a.count);
  return { total: places.length, kinds, services: count(places.flatMap((p) => p.services)), publics: count(places.flatMap((p) => p.publics)) };
}

// ---------------------------------------------------------------- exports and diagnostic
const EXPORT_TYPES = { fgb: 'application/vnd.flatgeobuf', gpkg: 'application/geopackage+sqlite3', geojson: 'application/geo+json', csv: 'text/csv; charset=utf-8' };
function exportRows(level, sel, opts) {
  const columns = ['code', 'name', 'population', 'total', 'indicators_used', ...sel.indicators.flatMap((k) => [`${k}_class`, `${k}_raw`]), ...FLAT_FIELDS];
  const rows = territories[level].map((t) => {
    const tot = total(t, sel);
    return [t.code, t.name, t.population, tot, sel.indicators.length, ...sel.indicators.flatMap((k) => [t.cls[k], t.raw[k]]), ...flatOffer(offerOf(t, sel, opts)).map(([, v]) => v)];
  });
  return { columns, rows };
}
function exportFile(level, ext, sel, opts, excel) {
  const { columns, rows } = exportRows(level, sel, opts);
  if (ext === 'csv') {
    const sep = excel ? ';' : ',';
    const cell = (v) => {
      if (v == null || (typeof v === 'number' && Number.isNaN(v))) return '';
      const s = typeof v === 'number' && excel ? String(v).replace('.', ',') : String(v);
      return s.includes(sep) || /["\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const text = [columns, ...rows].map((r) => r.map(cell).join(sep)).join('\r\n') + '\r\n';
    return Buffer.from((excel ? '\ufeff' : '') + text, 'utf8');
  }
  if (ext === 'geojson') {
    const features = rows.map((r, i) => ({ type: 'Feature', geometry: geometryOf(territories[level][i]), properties: Object.fromEntries(columns.map((c, j) => [c, r[j] ?? null])) }));
    return Buffer.from(JSON.stringify({ type: 'FeatureCollection', name: level, features }));
  }
  // Placeholders: the magic bytes of the format, then a note (the mock writes no real file).
  const magic = ext === 'fgb' ? Buffer.from([0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, 0x00]) : Buffer.from('SQLite format 3\0', 'latin1');
  return Buffer.concat([magic, Buffer.from(`\nmock ifn server: placeholder ${ext} export of ${rows.length} ${level} rows (${columns.join(',')})\n`)]);
}
function diagnosticHtml(t, sel, opts) {
  const d = detail(t, sel, opts);
  const o = d.offer;
  const nf = (x, digits = 1) => (x == null ? '—' : Number(x).toLocaleString('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  const e = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const ind = d.indicators.filter((i) => i.selected).map((i) => `<tr><td>${e(i.label)}</td><td>${nf(i.class, 0)}</td><td>${nf(i.raw)}</td></tr>`).join('');
  // Machine-readable figures (data-figure / data-value), as the real diagnostic page has them.
  const fig = (name, value, text) => `<span data-figure="${name}" data-value="${value ?? ''}">${text}</span>`;
  const kinds = OFFER_GROUPS.map((g) => `<tr><td>${g === 'all' ? 'Tous les lieux' : e(KIND_LABELS[g])}</td><td>${o.places[g]}</td><td>${nf(o.places_per_10k[g])}</td><td>${nf(o.mean_distance_km[g])} km</td></tr>`).join('');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Diagnostic territorial — ${e(t.name)}</title>
<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .4rem}@media print{@page{size:A4}}</style></head>
<body><p><strong>Territoire fictif de démonstration (maquette)</strong></p>
<h1>Diagnostic territorial — ${e(t.name)}</h1><p>${e(t.level)} ${e(t.code)} · ${nf(t.population, 0)} habitants · profil ${e(sel.profile)}</p>
<h2>Besoins : Indice de Fragilité Numérique</h2><p>Score : <strong>${fig('score', d.total, e(d.total_display.replace('.', ',')))}</strong> / 10</p>
<table><tr><th>Indicateur</th><th>Classe</th><th>Valeur</th></tr>${ind}</table>
<h2>Offre de médiation</h2><p>Seuil de fragilité ${fig('threshold', opts.threshold, nf(opts.threshold, 0))}, distance d'accès ${fig('distance-km', opts.distance_km, nf(opts.distance_km, 0))} km, ${fig('places-total', o.places.all, o.places.all)} lieux en tout.</p>
<table><tr><th>Type</th><th>Lieux</th><th>Pour 10 000 hab.</th><th>Distance moyenne</th></tr>${kinds}</table>
<p>Population fragile : ${fig('fragile-population', o.fragile_population, nf(o.fragile_population, 0))} habitants, dont ${nf(o.fragile_share_beyond == null ? null : o.fragile_share_beyond * 100)} % à plus de ${nf(opts.distance_km, 0)} km d'un lieu.</p>
<p>Zones blanches : ${fig('zones-blanches-count', o.zones_blanches.length, o.zones_blanches.length)}${o.zones_blanches.length ? ` (${o.zones_blanches.map(e).join(', ')})` : ''}.</p></body></html>`;
}
function norm(s) { return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(); }

// ---------------------------------------------------------------- HTTP
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.woff': 'font/woff', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };
function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type, 'access-control-allow-origin': '*' });
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const q = url.searchParams;
  const p = url.pathname;
  try {
    let m;
    if (p === '/health') return send(res, 200, { status: 'ok', store: 'mock', fictional: true, units: iris.length });
    if (p === '/api/meta') return send(res, 200, { name: 'Territoire de démonstration (maquette)', description: 'Maquette du serveur', fictional: true, licence: 'CC0', sources: [{ name: 'mock', producer: 'ifn', vintage: 'demo', licence: 'CC0' }], bbox: [W, S, E, N], levels });
    if (p === '/api/catalogue') return send(res, 200, { version: catalogue.version, profiles: catalogue.profiles, indicators: catalogue.indicators, available: keys });
    if (p === '/api/search') {
      const needle = norm(q.get('q') || '');
      const results = [];
      for (const level of levels) for (const t of territories[level]) {
        const n = norm(t.name);
        const rank = t.code.toLowerCase() === needle ? 0 : n.startsWith(needle) ? 1 : n.includes(needle) ? 2 : 9;
        if (rank < 9) results.push({ rank, level, code: t.code, name: t.name, parent: t.parent, population: t.population, bbox: t.box });
      }
      results.sort((a, b) => a.rank - b.rank || b.population - a.population);
      return send(res, 200, { results: results.slice(0, Number(q.get('limit') || 10)).map(({ rank, ...r }) => r) });
    }
    if ((m = p.match(/^\/api\/territories\/(\w+)\/([^/]+)$/))) {
      const t = territories[m[1]]?.find((x) => x.code === decodeURIComponent(m[2]));
      if (!t) return send(res, 404, { error: `territoire inconnu : ${m[1]} ${m[2]}`, status: 404 });
      return send(res, 200, detail(t, selection(q), offerOptions(q)));
    }
    if (p === '/api/compare') {
      const sel = selection(q);
      const opts = offerOptions(q);
      const list = (q.get('codes') || '').split(',').map((c) => territories[q.get('level')].find((t) => t.code === c)).filter(Boolean);
      return send(res, 200, { territories: list.map((t) => detail(t, sel, opts)) });
    }
    if ((m = p.match(/^\/api\/scores\/(\w+)$/))) {
      const sel = selection(q);
      offerOptions(q);
      const rows = territories[m[1]].map((t) => [t.code, t.name, t.population, total(t, sel)?.toFixed(1) ?? '', ...sel.indicators.map((k) => t.cls[k])]);
      const csv = [['code', 'name', 'population', 'total', ...sel.indicators], ...rows].map((r) => r.join(',')).join('\n') + '\n';
      return send(res, 200, csv, 'text/csv; charset=utf-8');
    }
    if (p === '/api/places/facets') return send(res, 200, facets());
    if (p === '/api/places') {
      const filter = placeFilter(q);
      let bbox = null;
      if (q.get('bbox')) {
        bbox = q.get('bbox').split(',').map(Number);
        if (bbox.length !== 4 || !bbox.every(Number.isFinite) || bbox[0] > bbox[2] || bbox[1] > bbox[3]) throw new Error(`bbox '${q.get('bbox')}': expected four finite numbers west,south,east,north`);
      }
      const list = places.filter((pl) => filter.matches(pl) && (!bbox || (pl.lon >= bbox[0] && pl.lon <= bbox[2] && pl.lat >= bbox[1] && pl.lat <= bbox[3])));
      return send(res, 200, { type: 'FeatureCollection', features: list.map((pl) => placeFeature(pl, false)) }, 'application/geo+json');
    }
    if ((m = p.match(/^\/api\/export\/(\w+)\.(\w+)$/))) {
      const [, level, ext] = m;
      if (!territories[level]) return send(res, 404, { error: `unknown level '${level}'`, status: 404 });
      if (!EXPORT_TYPES[ext]) return send(res, 404, { error: `unknown export format '${ext}': expected fgb, gpkg, geojson or csv`, status: 404 });
      const excel = q.get('excel');
      if (excel && !['0', '1', 'true', 'false'].includes(excel)) throw new Error(`excel '${excel}': expected 1 or 0`);
      const body = exportFile(level, ext, selection(q), offerOptions(q), ext === 'csv' && (excel === '1' || excel === 'true'));
      res.writeHead(200, { 'content-type': EXPORT_TYPES[ext], 'content-disposition': `attachment; filename="ifn-${level}.${ext}"`, 'accept-ranges': 'bytes', 'content-length': body.length });
      return res.end(body);
    }
    if ((m = p.match(/^\/diagnostic\/(\w+)\/([^/]+)$/))) {
      const t = territories[m[1]]?.find((x) => x.code === decodeURIComponent(m[2]));
      if (!t) return send(res, 404, { error: `territoire inconnu : ${m[1]} ${m[2]}`, status: 404 });
      return send(res, 200, diagnosticHtml(t, selection(q), offerOptions(q)), 'text/html; charset=utf-8');
    }
    if ((m = p.match(/^\/tiles\/(\w+)\.json$/))) {
      return send(res, 200, { tilejson: '3.0.0', tiles: [`http://${req.headers.host}/tiles/${m[1]}/{z}/{x}/{y}.mvt?${q}`], minzoom: 0, maxzoom: 14, bounds: [W, S, E, N], vector_layers: [{ id: m[1], fields: {} }] });
    }
    if ((m = p.match(/^\/tiles\/(\w+)\/(\d+)\/(\d+)\/(\d+)\.mvt$/))) {
      const [, level, z, x, y] = m;
      const layer = level === 'places' ? 'places' : level;
      if (level !== 'places' && !territories[level]) return send(res, 404, { error: `unknown tile layer '${level}'`, status: 404 });
      const index = level === 'places' ? placesTileIndex(placeFilter(q), +z) : tileIndex(level, selection(q), offerOptions(q));
      const tile = index.getTile(+z, +x, +y);
      if (!tile) { res.writeHead(204); return res.end(); }
      return send(res, 200, Buffer.from(vtpbf.fromGeojsonVt({ [layer]: tile }, { version: 2 })), 'application/vnd.mapbox-vector-tile');
    }
    // static files from dist
    const file = path.join(dist, p === '/' ? 'index.html' : p);
    if (file.startsWith(dist) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      return send(res, 200, fs.readFileSync(file), MIME[path.extname(file)] || 'application/octet-stream');
    }
    return send(res, 404, { error: `introuvable : ${p}`, status: 404 });
  } catch (e) {
    return send(res, 400, { error: String(e.message || e), status: 400 });
  }
});
const port = Number(process.argv[2] || process.env.PORT || 8099);
server.listen(port, '127.0.0.1', () => console.log(`mock ifn server on http://127.0.0.1:${port}`));
