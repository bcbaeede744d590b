// Constants of the viewer: level names, colour ramp, zoom thresholds, overseas départements.

/** French labels of the levels (API keys as in docs/api.md). */
export const LEVEL_LABELS = {
  region: 'Région',
  departement: 'Département',
  epci: 'EPCI',
  commune: 'Commune',
  iris: 'IRIS',
};

/**
 * Zoom from which each level is drawn in automatic mode (coarse → fine). Chosen so that on a
 * laptop screen a département fills a fifth of the map before EPCI appear, and IRIS appear
 * only once a commune is large enough to show its districts.
 */
export const AUTO_MIN_ZOOM = { region: 0, departement: 0, epci: 7, commune: 8.5, iris: 10.5 };

/**
 * Highest zoom when the map is fitted to a territory of each level: just below the zoom at which
 * the next finer level appears, so that a commune is shown at commune level among its
 * neighbours rather than cut into IRIS.
 */
export const FIT_MAX_ZOOM = { region: 6.9, departement: 8.4, epci: 8.4, commune: 10.4, iris: 13 };

/*
 * The classes 1..10 of a score: colour, text colour over it and lowest score of each class. They
 * are the server's (`/api/meta` → `rules`, defined once in Rust, shared with the printed
 * diagnostic): these arrays start empty and `applyRules` (rules.js) fills them before anything is
 * drawn.
 */
/** Colour of each class, 1 → 10. */
export const RAMP = [];
/** Text colour readable over each class's colour, 1 → 10. */
export const TEXT_COLOURS = [];
/** Lowest score of classes 2..10 (class 1 takes everything below the first). */
export const CLASS_STARTS = [];
/** Colour of a missing score. */
export let MISSING_COLOUR = null;

/**
 * Sets the classes from the server's rules: `classes` [{class, colour, text_colour}] 1 → 10,
 * `starts` the lowest score of classes 2..10, `missing` the colour of a missing score.
 */
export function setClasses(classes, starts, missing) {
  const sorted = [...classes].sort((a, b) => a.class - b.class);
  RAMP.splice(0, RAMP.length, ...sorted.map((c) => c.colour));
  TEXT_COLOURS.splice(0, TEXT_COLOURS.length, ...sorted.map((c) => c.text_colour));
  CLASS_STARTS.splice(0, CLASS_STARTS.length, ...starts);
  MISSING_COLOUR = missing;
}

/** Class 1..10 of a score or an indicator class, null when missing. */
export function classOf(score) {
  if (score == null || Number.isNaN(Number(score))) return null;
  let k = 1;
  while (k <= CLASS_STARTS.length && Number(score) >= CLASS_STARTS[k - 1]) k++;
  return k;
}

/** Colour of a score 1..10. */
export function colourOf(score) {
  const k = classOf(score);
  return k == null ? MISSING_COLOUR : RAMP[k - 1];
}

/** Text colour over the colour of a score (contrast ≥ 4.5:1, chosen by the server's rules). */
export function textColourOf(score) {
  const k = classOf(score);
  return k == null ? '#161616' : TEXT_COLOURS[k - 1];
}

/**
 * Where the colours read a feature's value: its tile properties (served tiles carry the
 * selection's `score`), or, on a static site, the feature state `v` the browser sets from its own
 * scores (`colourSource.state`).
 */
export const colourSource = { state: false };

/** `[value, present]` expressions of a feature's `property` (or of its state on a static site). */
function valueExpressions(property) {
  if (colourSource.state) {
    const value = ['to-number', ['coalesce', ['feature-state', 'v'], -1]];
    return [value, ['>=', value, 0]];
  }
  // a missing value may be absent, null or NaN (NaN != NaN)
  const value = ['to-number', ['get', property], -1];
  return [value, ['all', ['has', property], ['==', value, value], ['>=', value, 0]]];
}

/** MapLibre expression colouring a feature by its `score` (or an indicator class) property, same bins as colourOf. */
export function scoreColourExpression(property = 'score') {
  const [value, present] = valueExpressions(property);
  const step = ['step', value, RAMP[0]];
  CLASS_STARTS.forEach((start, i) => step.push(start, RAMP[i + 1]));
  return ['case', present, step, MISSING_COLOUR];
}

/**
 * Contrast mode: the ten colours spread in equal steps over `[lo, hi]`, the range of the values
 * of the displayed level, instead of the method's fixed classes 1–10. Returns the expression and
 * the lower bound of each colour (for the legend).
 */
export function spreadColourExpression(property, lo, hi) {
  const width = hi > lo ? (hi - lo) / RAMP.length : 1;
  const starts = RAMP.map((_, i) => lo + i * width);
  const [value, present] = valueExpressions(property);
  const step = ['step', value, RAMP[0]];
  starts.slice(1).forEach((start, i) => step.push(start, RAMP[i + 1]));
  return { expression: ['case', present, step, MISSING_COLOUR], starts };
}

/** Overseas départements with their bounding boxes [w, s, e, n] (WGS 84). */
export const DROM = [
  { code: '971', name: 'Guadeloupe', bbox: [-61.81, 15.83, -61.0, 16.52] },
  { code: '972', name: 'Martinique', bbox: [-61.23, 14.39, -60.81, 14.88] },
  { code: '973', name: 'Guyane', bbox: [-54.6, 2.11, -51.6, 5.75] },
  { code: '974', name: 'La Réunion', bbox: [55.21, -21.39, 55.84, -20.87] },
  { code: '976', name: 'Mayotte', bbox: [44.98, -13.0, 45.3, -12.63] },
];

/** Metropolitan France, for the "Métropole" button when the store covers it. */
export const METROPOLE = { code: 'metropole', name: 'Métropole', bbox: [-5.2, 41.3, 9.6, 51.1] };

/** Colour of each kind of mediation place on the map (the viewer's choice; unknown kinds: grey). */
export const PLACE_KIND_COLOURS = {
  france_services: '#000091',
  conseiller_numerique: '#c9191e',
  aidants_connect: '#18753c',
  // Not a second red: its luminance differs from the conseiller numérique's (shapes differ too).
  bibliotheque: '#e0a100',
  autre: '#666666',
};

/**
 * The kinds of mediation places, key → { label, colour }, in the server's order: filled by
 * `applyRules` from `/api/meta` (the labels are the server's).
 */
export const PLACE_KINDS = {};

/** Formats a number the French way with a given number of decimals. */
export function fmt(x, digits = 1) {
  if (x == null || Number.isNaN(Number(x))) return '—';
  return Number(x).toLocaleString('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Formats a population (integer, French thousands separator). */
export function fmtPop(x) {
  if (x == null) return '—';
  return Math.round(Number(x)).toLocaleString('fr-FR');
}

/** Shows a score to one decimal as the server does (`total_display`), e.g. "6,3". */
export function fmtScore(total, display) {
  if (display) return display.replace('.', ',');
  return total == null ? '—' : fmt(total, 1);
}

/**
 * Groups of places of the offer figures (`places`, `places_per_10k`, `mean_distance_km` keys),
 * [{key, label}] in the server's order: filled by `applyRules` from `/api/meta`.
 */
export const OFFER_KINDS = [];

/** A share 0..1 as a French percentage, e.g. 0.234 → "23,4 %" (narrow no-break space). */
export function fmtPct(share, digits = 1) {
  if (share == null || Number.isNaN(Number(share))) return '—';
  return `${fmt(Number(share) * 100, digits)}\u202f%`;
}

/** A distance in km, e.g. "4,2 km". */
export function fmtKm(km, digits = 1) {
  if (km == null || Number.isNaN(Number(km))) return '—';
  return `${fmt(km, digits)}\u00a0km`;
}

/** A user-entered number as the French write it: 7.5 → "7,5", 10 → "10". */
export function fmtOption(x) {
  return Number(x).toLocaleString('fr-FR', { maximumFractionDigits: 2 });
}
