// The whole view state, and its round trip through the URL hash (shareable links).
//
// Hash keys (short, so that links stay readable):
//   p  profile              l  level ("auto" or a level key)     i  indicators (comma list)
//   w  weights "k:2,k2:0.5" r  reference                         m  map "lon,lat,zoom"
//   s  compared territories "level:code;level:code"              d  open detail "level:code"
//   lp places layer off ("0")    c  colour property ("score" or an indicator key)

/** Creates the default state. */
export function defaultState() {
  return {
    profile: 'tout-age',
    level: 'auto',
    indicators: null, // null = the profile's IFN indicators that have data
    weights: {}, // only weights different from 1
    reference: 'france',
    center: null,
    zoom: null,
    selection: [], // [{level, code, name}]
    detail: null, // {level, code}
    places: true,
    colour: 'score', // property that colours the map: `score` or an indicator key
  };
}

/** Reads a state from a location hash ("#p=senior&..."), starting from the defaults. */
export function stateFromHash(hash) {
  const s = defaultState();
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  if (q.get('p')) s.profile = q.get('p');
  if (q.get('l')) s.level = q.get('l');
  if (q.has('i')) s.indicators = q.get('i').split(',').filter(Boolean);
  if (q.get('w')) {
    for (const kv of q.get('w').split(',')) {
      const [k, v] = kv.split(':');
      const w = Number(v);
      if (k && Number.isFinite(w) && w >= 0) s.weights[k] = w;
    }
  }
  if (q.get('r')) s.reference = q.get('r');
  if (q.get('m')) {
    const [lon, lat, z] = q.get('m').split(',').map(Number);
    if ([lon, lat, z].every(Number.isFinite)) {
      s.center = [lon, lat];
      s.zoom = z;
    }
  }
  if (q.get('s')) {
    s.selection = q.get('s').split(';').map((lc) => {
      const [level, ...code] = lc.split(':');
      return { level, code: code.join(':') };
    }).filter((t) => t.level && t.code);
  }
  if (q.get('d')) {
    const [level, ...code] = q.get('d').split(':');
    if (level && code.length) s.detail = { level, code: code.join(':') };
  }
  if (q.get('lp') === '0') s.places = false;
  if (q.get('c')) s.colour = q.get('c');
  return s;
}

/** Writes a state as a hash string (without the leading "#"). */
export function stateToHash(s) {
  const q = new URLSearchParams();
  q.set('p', s.profile);
  q.set('l', s.level);
  if (s.indicators) q.set('i', s.indicators.join(','));
  const w = Object.entries(s.weights).filter(([, v]) => v !== 1);
  if (w.length) q.set('w', w.map(([k, v]) => `${k}:${v}`).join(','));
  if (s.reference !== 'france') q.set('r', s.reference);
  if (s.center) q.set('m', `${s.center[0].toFixed(4)},${s.center[1].toFixed(4)},${s.zoom.toFixed(2)}`);
  if (s.selection.length) q.set('s', s.selection.map((t) => `${t.level}:${t.code}`).join(';'));
  if (s.detail) q.set('d', `${s.detail.level}:${s.detail.code}`);
  if (!s.places) q.set('lp', '0');
  if (s.colour !== 'score') q.set('c', s.colour);
  // URLSearchParams escapes ',' and ':' which are legal in a fragment; keep links readable.
  return q.toString().replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%3B/g, ';');
}

/** The indicators in force: the explicit list, or the profile's IFN indicators that have data. */
export function activeIndicators(s, catalogue) {
  const profile = catalogue.profiles.find((p) => p.key === s.profile) || catalogue.profiles[0];
  const available = new Set(catalogue.available || catalogue.indicators.map((i) => i.key));
  const allowed = new Set([...profile.ifn, ...profile.contexte].filter((k) => available.has(k)));
  if (s.indicators) return s.indicators.filter((k) => allowed.has(k));
  return profile.ifn.filter((k) => available.has(k));
}

/** The selection query string of the API (profile, indicators, weights, reference). */
export function selectionQuery(s, catalogue) {
  const q = new URLSearchParams();
  q.set('profile', s.profile);
  const keys = activeIndicators(s, catalogue);
  if (s.indicators) q.set('indicators', keys.join(','));
  const w = keys.filter((k) => k in s.weights && s.weights[k] !== 1).map((k) => `${k}=${s.weights[k]}`);
  if (w.length) q.set('weights', w.join(','));
  if (s.reference !== 'france') q.set('reference', s.reference);
  return q.toString().replace(/%2C/g, ',').replace(/%3D/g, '=');
}
