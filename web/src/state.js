// The whole view state, and its round trip through the URL hash (shareable links).
//
// Hash keys (short, so that links stay readable):
//   p  profile              l  level ("auto" or a level key)     i  indicators (comma list)
//   w  weights "k:2,k2:0.5" r  reference                         m  map "lon,lat,zoom"
//   s  compared territories "level:code;level:code"              d  open detail "level:code"
//   lp places layer off ("0")    c  colour property ("score" or an indicator key)
//   t  offer threshold (score)   dk offer distance in km              zb zones blanches shown ("1")
//   pk place kinds shown ("a,b"; "aucun" for none)                    ps / pp services / publics ("|" list)
//   k  contrast mode ("1": colours spread over the displayed level instead of classes 1–10)

/*
 * The offer options' defaults and bounds and the place kinds are the server's (`/api/meta` →
 * `rules`): these containers start empty and `applyRules` (rules.js) fills them before the state
 * is read from the URL.
 */
/** Defaults of the mediation-offer options (`threshold`, `distance_km`). */
export const OFFER_DEFAULTS = { threshold: null, distance: null };
/** Bounds the server accepts for the offer options, [min, max]. */
export const OFFER_BOUNDS = { threshold: [], distance: [] };
/** Keys of the place kinds the server knows (`kinds` filter). */
export const PLACE_KIND_KEYS = [];

/** A threshold within bounds, or null. */
export function validThreshold(x) {
  const v = typeof x === 'string' ? Number(x.replace(',', '.')) : Number(x);
  if (x === '' || x == null || !Number.isFinite(v)) return null;
  return v >= OFFER_BOUNDS.threshold[0] && v <= OFFER_BOUNDS.threshold[1] ? v : null;
}
/** A distance (km) within bounds, or null. */
export function validDistance(x) {
  const v = typeof x === 'string' ? Number(x.replace(',', '.')) : Number(x);
  if (x === '' || x == null || !Number.isFinite(v)) return null;
  return v >= OFFER_BOUNDS.distance[0] && v <= OFFER_BOUNDS.distance[1] ? v : null;
}

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
    contrast: false, // colours spread over the displayed level's range instead of classes 1–10
    threshold: OFFER_DEFAULTS.threshold, // a base unit is fragile when its score is ≥ this
    distance: OFFER_DEFAULTS.distance, // km: a fragile unit with no place this close is a zone blanche
    zonesBlanches: false, // overlay of the zones blanches
    placeKinds: null, // null = every kind (no filter); [] = none; else the kinds shown
    placeServices: [], // services a place must offer (any of them); [] = no filter
    placePublics: [], // publics a place must welcome (any of them); [] = no filter
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
  if (q.get('k') === '1') s.contrast = true;
  if (q.has('t')) s.threshold = validThreshold(q.get('t')) ?? s.threshold;
  if (q.has('dk')) s.distance = validDistance(q.get('dk')) ?? s.distance;
  if (q.get('zb') === '1') s.zonesBlanches = true;
  if (q.has('pk')) {
    const v = q.get('pk');
    s.placeKinds = v === 'aucun' ? [] : v.split(',').filter((k) => PLACE_KIND_KEYS.includes(k));
    if (v !== 'aucun' && !s.placeKinds.length) s.placeKinds = null;
  }
  if (q.get('ps')) s.placeServices = q.get('ps').split('|').map((x) => x.trim()).filter(Boolean);
  if (q.get('pp')) s.placePublics = q.get('pp').split('|').map((x) => x.trim()).filter(Boolean);
  return s;
}

/**
 * Brings a state read from a link back within what the store accepts (a link may be old or
 * hand-edited): a known reference, indicators of the profile that have data, at least one
 * weight above 0. Returns the corrections made, in French, to tell the user.
 */
export function sanitiseState(s, catalogue) {
  const fixes = [];
  if (!['france', 'region', 'departement'].includes(s.reference)) {
    fixes.push(`référence « ${s.reference} » inconnue, remplacée par la France entière`);
    s.reference = 'france';
  }
  const profile = catalogue.profiles.find((p) => p.key === s.profile);
  const available = new Set(catalogue.available || catalogue.indicators.map((i) => i.key));
  if (profile && s.indicators) {
    const keep = s.indicators.filter((k) => available.has(k) && (profile.ifn.includes(k) || profile.contexte.includes(k)));
    if (keep.length !== s.indicators.length) fixes.push('indicateurs inconnus ou sans données retirés');
    s.indicators = keep.length ? keep : null;
  }
  const active = activeIndicators(s, catalogue);
  for (const k of Object.keys(s.weights)) if (!active.includes(k)) delete s.weights[k];
  if (active.length && active.every((k) => (s.weights[k] ?? 1) === 0)) {
    fixes.push('tous les poids étaient à 0 : poids égaux rétablis');
    s.weights = {};
  }
  return fixes;
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
  if (s.contrast) q.set('k', '1');
  if (s.threshold !== OFFER_DEFAULTS.threshold) q.set('t', String(s.threshold));
  if (s.distance !== OFFER_DEFAULTS.distance) q.set('dk', String(s.distance));
  if (s.zonesBlanches) q.set('zb', '1');
  if (s.placeKinds) q.set('pk', s.placeKinds.length ? s.placeKinds.join(',') : 'aucun');
  if (s.placeServices.length) q.set('ps', s.placeServices.join('|'));
  if (s.placePublics.length) q.set('pp', s.placePublics.join('|'));
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

/**
 * The selection query string of the API: profile, indicators, weights, reference, and the
 * mediation-offer options `threshold` and `distance_km` (always given, so that the figures
 * shown never depend on the server's defaults).
 */
export function selectionQuery(s, catalogue) {
  const q = new URLSearchParams();
  q.set('profile', s.profile);
  const keys = activeIndicators(s, catalogue);
  if (s.indicators) q.set('indicators', keys.join(','));
  const w = keys.filter((k) => k in s.weights && s.weights[k] !== 1).map((k) => `${k}=${s.weights[k]}`);
  if (w.length) q.set('weights', w.join(','));
  if (s.reference !== 'france') q.set('reference', s.reference);
  q.set('threshold', String(s.threshold));
  q.set('distance_km', String(s.distance));
  return q.toString().replace(/%2C/g, ',').replace(/%3D/g, '=');
}

/** Whether every place kind is shown (then the places need no `kinds` filter). */
export function allKinds(s) {
  return s.placeKinds == null || PLACE_KIND_KEYS.every((k) => s.placeKinds.includes(k));
}

/**
 * The filter query of the places layer (`kinds`, `services`, `publics`, `|`-separated;
 * docs/api.md), empty without a filter. An empty kind list is not expressible (the server reads
 * it as "no filter"): the viewer hides the layer instead.
 */
export function placesQuery(s) {
  const q = new URLSearchParams();
  if (!allKinds(s) && s.placeKinds.length) q.set('kinds', PLACE_KIND_KEYS.filter((k) => s.placeKinds.includes(k)).join('|'));
  if (s.placeServices.length) q.set('services', s.placeServices.join('|'));
  if (s.placePublics.length) q.set('publics', s.placePublics.join('|'));
  return q.toString().replace(/%7C/g, '|');
}
