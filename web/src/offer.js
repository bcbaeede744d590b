// Sidebar controls of the mediation offer: threshold and distance of the offer figures, the
// zones blanches overlay, and the filters of the places layer (kinds, service, public).

import { PLACE_KINDS, fmtOption } from './config.js';
import { OFFER_BOUNDS, PLACE_KIND_KEYS, allKinds, validDistance, validThreshold } from './state.js';
import { esc } from './esc.js';

const $ = (id) => document.getElementById(id);

/**
 * Threshold (« Seuil de fragilité ») and distance (« Distance d'accès ») inputs, and the zones
 * blanches toggle. `onChange("offer")` after a valid threshold or distance, `onChange("zb")`
 * after the toggle. An invalid entry is flagged the DSFR way and not applied.
 */
export function initOfferControls({ state, onChange }) {
  const fields = [
    { input: $('threshold-input'), group: $('threshold-group'), error: $('threshold-error'), key: 'threshold', valid: validThreshold,
      message: `Entrez un score entre ${OFFER_BOUNDS.threshold[0]} et ${OFFER_BOUNDS.threshold[1]}.` },
    { input: $('distance-input'), group: $('distance-group'), error: $('distance-error'), key: 'distance', valid: validDistance,
      message: `Entrez une distance entre ${OFFER_BOUNDS.distance[0]} et ${OFFER_BOUNDS.distance[1]} km.` },
  ];
  // Bounds and defaults come from the server's rules: the page's inputs carry none of their own.
  for (const [f, [min, max]] of [[fields[0], OFFER_BOUNDS.threshold], [fields[1], OFFER_BOUNDS.distance]]) {
    f.input.min = String(min);
    f.input.max = String(max);
  }
  $('threshold-hint').textContent = `score de ${fmtOption(OFFER_BOUNDS.threshold[0])} à ${fmtOption(OFFER_BOUNDS.threshold[1])}`;
  const render = () => {
    for (const f of fields) {
      f.input.value = String(state[f.key]);
      setError(f, false);
    }
    document.querySelectorAll('.zb-threshold').forEach((e) => { e.textContent = fmtOption(state.threshold); });
    document.querySelectorAll('.zb-distance').forEach((e) => { e.textContent = fmtOption(state.distance); });
    $('zb-toggle').checked = state.zonesBlanches;
  };
  function setError(f, on) {
    f.group.classList.toggle('fr-input-group--error', on);
    f.input.classList.toggle('fr-input--error', on);
    f.input.setAttribute('aria-invalid', String(on));
    f.error.textContent = f.message;
    f.error.hidden = !on;
  }
  for (const f of fields) {
    let timer = null;
    const apply = (now) => {
      clearTimeout(timer);
      const v = f.valid(f.input.value);
      setError(f, v == null);
      if (v == null || v === state[f.key]) return;
      const go = () => {
        state[f.key] = v;
        document.querySelectorAll(f.key === 'threshold' ? '.zb-threshold' : '.zb-distance').forEach((e) => { e.textContent = fmtOption(v); });
        onChange('offer');
      };
      if (now) go(); else timer = setTimeout(go, 400);
    };
    f.input.addEventListener('input', () => apply(false));
    f.input.addEventListener('change', () => apply(true));
    f.input.addEventListener('keydown', (e) => { if (e.key === 'Enter') apply(true); });
  }
  $('zb-toggle').addEventListener('change', (e) => {
    state.zonesBlanches = e.target.checked;
    onChange('zb');
  });
  render();
  return { render };
}

/**
 * Filters of the places layer, built from `/api/places/facets`: one checkbox per kind (with
 * its count), a select for the service and one for the public. `onChange()` after any change.
 */
export function initPlaceFilters({ state, facets, icons = {}, onChange }) {
  const kindFacets = new Map((facets?.kinds || []).map((k) => [k.key, k]));
  // Every kind the server knows, in the legend's order, with the facet's label and count.
  const kinds = PLACE_KIND_KEYS.map((key) => ({
    key,
    label: kindFacets.get(key)?.label || PLACE_KINDS[key]?.label || key,
    count: kindFacets.get(key)?.count,
    colour: PLACE_KINDS[key]?.colour || '#666666',
  }));
  const count = (n) => (n == null ? '' : ` <span class="ifn-count">(${Number(n).toLocaleString('fr-FR')})</span>`);
  $('place-kinds').innerHTML = kinds.map((k) => `
    <div class="fr-checkbox-group fr-checkbox-group--sm ifn-kind-check">
      <input type="checkbox" id="kind-${esc(k.key)}" data-kind="${esc(k.key)}">
      <label class="fr-label" for="kind-${esc(k.key)}">${icons[k.key] ? `<img class="ifn-kind-icon" src="${icons[k.key]}" alt="">` : `<span class="ifn-dot" style="background:${k.colour}"></span>`}${esc(k.label)}${count(k.count)}</label>
    </div>`).join('');

  const fillSelect = (select, values, all) => {
    select.innerHTML = `<option value="">${esc(all)}</option>`
      + values.map((v) => `<option value="${esc(v.value)}">${esc(v.value)} (${Number(v.count).toLocaleString('fr-FR')})</option>`).join('');
  };
  fillSelect($('place-service'), facets?.services || [], 'Tous les services');
  fillSelect($('place-public'), facets?.publics || [], 'Tous les publics');

  /** Shows a list from the state in a single select: one value as is, several as one extra option. */
  const showList = (select, list) => {
    select.querySelector('option[data-several]')?.remove();
    if (!list.length) { select.value = ''; return; }
    const match = [...select.options].find((o) => o.value.toLowerCase() === list[0].toLowerCase());
    if (list.length === 1 && match) { select.value = match.value; return; }
    const o = document.createElement('option');
    o.value = list.join('|');
    o.dataset.several = 'true';
    o.textContent = list.length === 1 ? list[0] : `L'un de : ${list.join(', ')}`;
    select.appendChild(o);
    select.value = o.value;
  };

  const render = () => {
    const shown = allKinds(state) ? PLACE_KIND_KEYS : state.placeKinds;
    document.querySelectorAll('#place-kinds input[data-kind]').forEach((c) => { c.checked = shown.includes(c.dataset.kind); });
    $('place-kinds-none').hidden = !(state.placeKinds && state.placeKinds.length === 0);
    showList($('place-service'), state.placeServices);
    showList($('place-public'), state.placePublics);
    $('place-filters-reset').disabled = allKinds(state) && !state.placeServices.length && !state.placePublics.length;
  };

  document.querySelectorAll('#place-kinds input[data-kind]').forEach((c) => c.addEventListener('change', () => {
    const on = [...document.querySelectorAll('#place-kinds input[data-kind]')].filter((x) => x.checked).map((x) => x.dataset.kind);
    state.placeKinds = on.length === PLACE_KIND_KEYS.length ? null : on;
    render();
    onChange();
  }));
  const fromSelect = (select) => (select.value ? select.value.split('|').filter(Boolean) : []);
  $('place-service').addEventListener('change', (e) => { state.placeServices = fromSelect(e.target); render(); onChange(); });
  $('place-public').addEventListener('change', (e) => { state.placePublics = fromSelect(e.target); render(); onChange(); });
  $('place-filters-reset').addEventListener('click', () => {
    state.placeKinds = null;
    state.placeServices = [];
    state.placePublics = [];
    render();
    onChange();
  });
  render();
  return { render };
}
