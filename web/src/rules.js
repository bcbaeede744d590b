// The domain rules, served in `/api/meta` from their one definition in Rust: `rules` is
// `ifn_core::rules()` (colour and text colour of each class, offer defaults and bounds, place
// kinds and offer groups with their French labels), `class_starts` the lowest score of each class
// as the server computes it, `places_cluster_max_zoom` the clustering of `ifn-tiles`. The viewer
// keeps no copy: the containers it reads start empty and `applyRules` fills them once, before
// anything is drawn or read from the URL.

import { OFFER_KINDS, PLACE_KINDS, PLACE_KIND_COLOURS, setClasses } from './config.js';
import { PLACES_CLUSTERS } from './map.js';
import { OFFER_BOUNDS, OFFER_DEFAULTS, PLACE_KIND_KEYS } from './state.js';

const replace = (array, values) => array.splice(0, array.length, ...values);

/** Fills the viewer's rules from the answer of `/api/meta`; throws when the server sent none. */
export function applyRules(meta) {
  const r = meta?.rules;
  if (!r?.score?.classes?.length || !r.offer || !Array.isArray(r.place_kinds) || !Array.isArray(meta.class_starts)) {
    throw new Error('/api/meta ne donne pas les règles du calcul (serveur trop ancien ?)');
  }
  setClasses(r.score.classes, meta.class_starts, r.score.missing.colour);
  OFFER_DEFAULTS.threshold = r.offer.default_threshold;
  OFFER_DEFAULTS.distance = r.offer.default_distance_km;
  OFFER_BOUNDS.threshold = [r.offer.threshold_min, r.offer.threshold_max];
  OFFER_BOUNDS.distance = [r.offer.distance_km_min, r.offer.distance_km_max];
  replace(PLACE_KIND_KEYS, r.place_kinds.map((k) => k.key));
  for (const k of Object.keys(PLACE_KINDS)) delete PLACE_KINDS[k];
  for (const k of r.place_kinds) {
    PLACE_KINDS[k.key] = { label: k.label_fr, colour: PLACE_KIND_COLOURS[k.key] || PLACE_KIND_COLOURS.autre };
  }
  replace(OFFER_KINDS, (r.offer_kinds || []).map((k) => ({ key: k.key, label: k.label_fr })));
  PLACES_CLUSTERS.clusterMaxZoom = meta.places_cluster_max_zoom;
}
