// A stand-in for `ifn serve`, written from docs/api.md, to develop the viewer while the real
// server is not there yet. It is NOT used by the end-to-end tests (they run the real binary);
// its numbers are invented and its scoring is a simplified stand-in for the IFN method.
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

const places = [];
for (let n = 0; n < 60; n++) {
  const kinds = [['france_services'], ['conseiller_numerique'], ['aidants_connect', 'bibliotheque'], ['bibliotheque'], ['autre']][n % 5];
  places.push({ id: `P${n}`, name: `Lieu de médiation ${n + 1}`, lon: W + rnd() * (E - W), lat: S + rnd() * (N - S), kinds, services: ['Accès libre', 'Ateliers numériques', 'Aide aux démarches'].slice(0, 1 + (n % 3)), publics: 'Tous publics', address: `${n + 1} rue de la Mairie`, commune: communes[n % communes.length].name });
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
function detail(t, sel) {
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
  };
}
const rect = (b) => ({ type: 'Polygon', coordinates: [[[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]], [b[0], b[1]]]] });
const tileIndexCache = new Map();
function tileIndex(level, sel) {
  const key = level + JSON.stringify(sel.weights) + sel.profile;
  if (!tileIndexCache.has(key)) {
    const features = territories[level].map((t, id) => {
      const props = { code: t.code, name: t.name, population: t.population };
      const tot = total(t, sel);
      if (tot != null) props.score = tot;
      for (const k of sel.indicators) props[k] = t.cls[k];
      const boxes = level === 'iris' ? [t.box] : t.members.map((u) => u.box);
      return { type: 'Feature', id, properties: props, geometry: { type: 'MultiPolygon', coordinates: boxes.map((b) => rect(b).coordinates) } };
    });
    tileIndexCache.set(key, new geojsonvt({ type: 'FeatureCollection', features }, { maxZoom: 14, indexMaxZoom: 5, tolerance: 3, extent: 4096 }));
  }
  return tileIndexCache.get(key);
}
const placesGeojson = () => ({ type: 'FeatureCollection', features: places.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat] }, properties: { id: p.id, name: p.name, kinds: p.kinds.join('|'), services: p.services.join('|'), publics: p.publics, address: p.address, commune: p.commune } })) });
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
      return send(res, 200, detail(t, selection(q)));
    }
    if (p === '/api/compare') {
      const sel = selection(q);
      const list = (q.get('codes') || '').split(',').map((c) => territories[q.get('level')].find((t) => t.code === c)).filter(Boolean);
      return send(res, 200, { territories: list.map((t) => detail(t, sel)) });
    }
    if ((m = p.match(/^\/api\/scores\/(\w+)$/))) {
      const sel = selection(q);
      const rows = territories[m[1]].map((t) => [t.code, t.name, t.population, total(t, sel)?.toFixed(1) ?? '', ...sel.indicators.map((k) => t.cls[k])]);
      const csv = [['code', 'name', 'population', 'total', ...sel.indicators], ...rows].map((r) => r.join(',')).join('\n') + '\n';
      return send(res, 200, csv, 'text/csv; charset=utf-8');
    }
    if (p === '/api/places') return send(res, 200, placesGeojson(), 'application/geo+json');
    if ((m = p.match(/^\/tiles\/(\w+)\.json$/))) {
      return send(res, 200, { tilejson: '3.0.0', tiles: [`http://${req.headers.host}/tiles/${m[1]}/{z}/{x}/{y}.mvt?${q}`], minzoom: 0, maxzoom: 14, bounds: [W, S, E, N], vector_layers: [{ id: m[1], fields: {} }] });
    }
    if ((m = p.match(/^\/tiles\/(\w+)\/(\d+)\/(\d+)\/(\d+)\.mvt$/))) {
      const [, level, z, x, y] = m;
      const layer = level === 'places' ? 'places' : level;
      const index = level === 'places' ? new geojsonvt(placesGeojson(), { maxZoom: 14 }) : tileIndex(level, selection(q));
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
