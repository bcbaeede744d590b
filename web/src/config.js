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
 * Ten-step sequential ramp (viridis, reversed so that the darkest colour is the most fragile).
 * Viridis stays ordered in lightness for the common colour-vision deficiencies and in greyscale.
 */
export const RAMP = ['#fde725', '#b5de2b', '#6ece58', '#35b779', '#1f9e89', '#26828e', '#31688e', '#3e4989', '#482878', '#440154'];
export const MISSING_COLOUR = '#d9d9d9';

/** Colour of a score 1..10 (class k covers [k, k+1), 10 is the top). */
export function colourOf(score) {
  if (score == null || Number.isNaN(score)) return MISSING_COLOUR;
  const k = Math.min(10, Math.max(1, Math.floor(score)));
  return RAMP[k - 1];
}

/** MapLibre expression colouring a feature by its `score` (or an indicator class) property, same bins as colourOf. */
export function scoreColourExpression(property = 'score') {
  const step = ['step', ['to-number', ['get', property]], RAMP[0]];
  for (let k = 2; k <= 10; k++) step.push(k, RAMP[k - 1]);
  // a missing value may be absent, null or NaN (NaN != NaN)
  const value = ['to-number', ['get', property], -1];
  return ['case', ['all', ['has', property], ['==', value, value], ['>=', value, 0]], step, MISSING_COLOUR];
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

/** French names of the kinds of mediation places (keys of the `kinds` property). */
export const PLACE_KINDS = {
  france_services: { label: 'France Services', colour: '#000091' },
  conseiller_numerique: { label: 'Conseiller numérique', colour: '#c9191e' },
  aidants_connect: { label: 'Aidants Connect', colour: '#18753c' },
  bibliotheque: { label: 'Bibliothèque', colour: '#b34000' },
  autre: { label: 'Autre lieu de médiation', colour: '#666666' },
};

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

/** Groups of places of the offer figures (`places`, `places_per_10k`, `mean_distance_km` keys). */
export const OFFER_KINDS = [
  { key: 'all', label: 'Tous les lieux' },
  { key: 'france_services', label: 'France Services' },
  { key: 'conseiller_numerique', label: 'Conseillers numériques' },
  { key: 'aidants_connect', label: 'Aidants Connect' },
  { key: 'bibliotheque', label: 'Bibliothèques' },
];

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
