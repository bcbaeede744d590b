// The « Détail du score » card: the score, why (each indicator against its département and
// France, ordered by the points it brings), the rank, the parents as links, the offer.

import { LEVEL_LABELS, OFFER_KINDS, colourOf, textColourOf, fmt, fmtKm, fmtOption, fmtPct, fmtPop, fmtScore } from './config.js';
import { esc } from './esc.js';
import { classCell, profileLabels, rawText } from './panel.js';

const REFERENCE_LABELS = { france: 'France entière', region: 'région', departement: 'département' };

/** Number of zones blanches codes listed in the card before "…". */
const ZB_LISTED = 40;

/** Why an estimated value is there (statistical secrecy), for its tooltip. */
const SECRET_HINT = 'Secret statistique : valeur non publiée pour cette unité, remplacée par celle du plus petit '
  + 'territoire englobant qui en publie une (commune, EPCI puis département), calculée sur les seules valeurs publiées.';

/**
 * Statistical secrecy: « valeur estimée (EPCI …) » under an indicator's value when it is not
 * published (wholly or, above the base units, for part of the population).
 */
function estimateNote(i) {
  const e = i.estimate;
  if (!i.estimated || !e) return '';
  const from = e.from ? ` (${esc(LEVEL_LABELS[e.from.level] || e.from.level)} ${esc(e.from.name)})` : '';
  const text = e.population_share >= 0.9995
    ? `valeur estimée${from}`
    : `valeur estimée pour ${fmt(e.population_share * 100, 0)} % de la population${from}`;
  return `<br><span class="ifn-estimated" data-estimated="${esc(i.key)}" title="${esc(SECRET_HINT)}">${text}<span class="fr-sr-only"> — ${esc(SECRET_HINT)}</span></span>`;
}

/** Population with its unit, or "—". */
const pop = (x) => (x == null ? '—' : `${fmtPop(x)} hab.`);

/**
 * The « Offre de médiation » section of the detail card, from the `offer` object of the API:
 * places by kind (count, per 10,000 inhabitants, mean distance), fragile population, share of
 * it beyond the access distance, zones blanches.
 */
function offerSection(t, diagnosticHref) {
  const o = t.offer;
  const link = diagnosticHref
    ? `<p class="ifn-diagnostic"><a class="fr-link fr-link--sm" id="detail-diagnostic" href="${esc(diagnosticHref)}" target="_blank" rel="noopener"
      title="Diagnostic territorial (imprimable) — nouvelle fenêtre">Diagnostic territorial (imprimable)</a></p>`
    : '<p class="ifn-hint" id="detail-diagnostic-static">Diagnostic territorial imprimable : nécessite le serveur ifn (ce site est statique).</p>';
  if (!o) {
    return `<section class="ifn-offer" id="detail-offer" aria-label="Offre de médiation de ce territoire">
      <h3 class="ifn-subh" id="offer-title">Offre de médiation</h3>
      <p class="ifn-hint" id="offer-missing">${diagnosticHref ? 'Offre de médiation non disponible pour ce territoire.' : 'Offre de médiation : calculée pour la sélection et les options par défaut seulement sur ce site statique.'}</p>${link}</section>`;
  }
  const threshold = fmtOption(o.options?.threshold);
  const distance = fmtOption(o.options?.distance_km);
  const share = o.fragile_population != null && o.population ? o.fragile_population / o.population : null;
  const zb = o.zones_blanches || [];
  const rows = OFFER_KINDS.map((k) => `<tr data-kind="${k.key}">
      <th scope="row">${esc(k.label)}</th>
      <td class="ifn-num" data-field="places">${o.places?.[k.key] == null ? '—' : fmtPop(o.places[k.key])}</td>
      <td class="ifn-num" data-field="places_per_10k">${fmt(o.places_per_10k?.[k.key], 1)}</td>
      <td class="ifn-num" data-field="mean_distance_km">${fmtKm(o.mean_distance_km?.[k.key])}</td>
    </tr>`).join('');
  const zbList = zb.length ? `<details class="ifn-zb-list"><summary>Codes des zones blanches</summary>
      <p>${zb.slice(0, ZB_LISTED).map(esc).join(', ')}${zb.length > ZB_LISTED ? `, … (${fmtPop(zb.length)} au total)` : ''}</p></details>` : '';
  return `<section class="ifn-offer" id="detail-offer" aria-label="Offre de médiation de ce territoire">
    <h3 class="ifn-subh" id="offer-title">Offre de médiation</h3>
    <p class="ifn-hint" id="offer-options">Fragile : unité de score ≥ ${threshold} · accès : un lieu à moins de ${distance} km</p>
    <dl class="ifn-offer-facts">
      <div><dt>Population fragile</dt><dd><span id="offer-fragile-population">${pop(o.fragile_population)}</span>${share == null ? '' : ` <span class="ifn-hint-inline">(${fmtPct(share)} des habitants)</span>`}</dd></div>
      <div><dt>Fragiles à plus de ${distance} km d'un lieu</dt><dd><span id="offer-share-beyond">${fmtPct(o.fragile_share_beyond)}</span>${o.fragile_population_beyond == null ? '' : ` <span class="ifn-hint-inline">(${pop(o.fragile_population_beyond)})</span>`}</dd></div>
      <div><dt>Lieux pour 10&nbsp;000 hab. fragiles</dt><dd id="offer-per-10k-fragile">${fmt(o.places_per_10k_fragile, 1)}</dd></div>
      <div><dt>Distance moyenne au lieu le plus proche</dt><dd><span id="offer-mean-distance">${fmtKm(o.mean_distance_km?.all)}</span> <span class="ifn-hint-inline">(fragiles : <span id="offer-fragile-mean-distance">${fmtKm(o.fragile_mean_distance_km)}</span>)</span></dd></div>
      <div><dt>Zones blanches</dt><dd><span id="offer-zones-blanches">${fmtPop(zb.length)}</span>${zb.length ? ` <span class="ifn-hint-inline">(${pop(o.zones_blanches_population)})</span>` : ''}</dd></div>
    </dl>
    <table class="ifn-offer-table" id="offer-places">
      <caption>Lieux de médiation du territoire</caption>
      <thead><tr><th scope="col">Type</th><th scope="col">Lieux</th><th scope="col">Pour 10&nbsp;000 hab.</th><th scope="col">Distance moyenne</th></tr></thead>
      <tbody>${rows}</tbody>
    </table>
    ${zbList}
    ${o.units_without_centre ? `<p class="ifn-hint">${fmtPop(o.units_without_centre)} unité(s) sans contour connu, laissée(s) hors des distances.</p>` : ''}
    <p class="ifn-hint">Zone blanche : unité de base (IRIS, ou commune non découpée) fragile sans aucun lieu de médiation à moins de ${distance} km de son centre. Distances à vol d'oiseau, pondérées par la population.</p>
    ${link}
  </section>`;
}

/** « la France entière », « son département », « sa région »: the set classes are counted in. */
const REFERENCE_SETS = { france: 'de France', departement: 'de son département', region: 'de sa région' };

/** The sentence that says how a class reads, for one indicator's class. */
export function classReading(c, reference, higherIsFragile = true) {
  if (c == null) return 'Donnée manquante pour ce territoire.';
  const set = REFERENCE_SETS[reference] || REFERENCE_SETS.france;
  const cmp = higherIsFragile ? 'inférieure ou égale' : 'supérieure ou égale';
  if (!Number.isInteger(c)) {
    return `Classe ${fmt(c, 1)} : moyenne, pondérée par la population, des classes de ses IRIS (ou communes non découpées).`;
  }
  if (c === 1) return `Classe 1 : au plus 10 % des IRIS ${set} ont une valeur ${cmp}.`;
  return `Classe ${c} : plus de ${(c - 1) * 10} % des IRIS ${set} ont une valeur ${cmp}.`;
}

/** A compared value: raw value and class, small. */
function compared(v, unit) {
  if (!v || (v.raw == null && v.class == null)) return '<span class="ifn-hint-inline">—</span>';
  return `<span class="ifn-num">${rawText({ raw: v.raw, unit })}</span><br><span class="ifn-hint-inline">classe ${fmt(v.class, 1)}</span>`;
}

/** The breadcrumb région → … → the territory, each parent a button. */
function breadcrumb(t, openable) {
  const items = (t.parents || []).map((p) => {
    const label = `${esc(LEVEL_LABELS[p.level] || p.level)} : ${esc(p.name)}`;
    return openable(p.level)
      ? `<li><button type="button" class="ifn-link ifn-crumb" data-level="${esc(p.level)}" data-code="${esc(p.code)}" title="Ouvrir le détail de ce territoire">${label}</button></li>`
      : `<li><span>${label}</span></li>`;
  });
  items.push(`<li aria-current="page"><span>${esc(LEVEL_LABELS[t.level] || t.level)} : ${esc(t.name)}</span></li>`);
  return `<nav class="ifn-breadcrumb" aria-label="Territoires englobants"><ol>${items.join('')}</ol></nav>`;
}

/**
 * Renders the detail card of one territory (answer of /api/territories/{level}/{code}): the
 * score, then at once why — each selected indicator ordered by the points it brings, next to
 * its département and France —, the rank, the parents as links, then the offer.
 */
export function renderDetail(el, t, { inSelection, onToggleSelection, onZoom, onOpen, onCompareWith, openable, diagnosticHref }) {
  const reference = t.selection?.reference;
  const selected = t.indicators.filter((i) => i.selected)
    .sort((a, b) => (b.contribution ?? -1) - (a.contribution ?? -1));
  const others = t.indicators.filter((i) => !i.selected);
  const missing = selected.filter((i) => i.class == null);
  const hasDep = t.indicators.some((i) => i.departement);
  const row = (i) => `
      <tr class="${i.selected ? 'is-selected' : 'is-unselected'}" data-key="${esc(i.key)}">
        <th scope="row"><span class="ifn-ind-label">${esc(i.label)}</span>
          ${i.selected ? `<span class="ifn-weight" title="Poids dans le score">×${fmt(i.weight, i.weight % 1 ? 1 : 0)}</span>` : ''}
          ${i.contribution != null ? `<span class="ifn-contrib" title="Points du score apportés par cet indicateur">+${fmt(i.contribution, 1)} pt</span>` : ''}</th>
        <td title="${esc(classReading(i.class, reference, i.higher_is_fragile))}">${classCell(i.class)}<br><span class="ifn-num">${rawText(i)}</span>${estimateNote(i)}</td>
        ${hasDep ? `<td>${compared(i.departement, i.unit)}</td>` : ''}
        <td>${compared(i.france, i.unit)}</td>
      </tr>`;
  const head = `<thead><tr><th scope="col">Indicateur</th><th scope="col">Ici</th>${hasDep ? '<th scope="col">Départ.</th>' : ''}<th scope="col">France</th></tr></thead>`;
  const top = selected.find((i) => i.class != null);
  const used = `Score calculé sur ${t.indicators_used} indicateur${t.indicators_used > 1 ? 's' : ''} sur ${t.indicators_selected}${missing.length
    ? ` — manque${missing.length > 1 ? 'nt' : ''} : ${missing.map((i) => esc(i.label)).join(', ')}` : ''}.`;
  const parents = t.parents || [];
  const compareWith = ['epci', 'departement'].map((l) => parents.find((p) => p.level === l)).filter(Boolean)
    .map((p) => `<button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" data-compare-level="${esc(p.level)}" data-compare-code="${esc(p.code)}">Comparer avec ${p.level === 'epci' ? 'son EPCI' : 'son département'}</button>`).join('');
  el.innerHTML = `
    <div class="ifn-card" data-level="${esc(t.level)}" data-code="${esc(t.code)}">
      ${breadcrumb(t, openable)}
      <p class="ifn-card-level">${esc(LEVEL_LABELS[t.level] || t.level)} · ${esc(t.code)}</p>
      <h2 class="ifn-card-title" id="detail-title" tabindex="-1">${esc(t.name)}</h2>
      <div class="ifn-score-row">
        <div class="ifn-score" style="background:${colourOf(t.total)};color:${textColourOf(t.total)}">
          <span class="ifn-score-value" id="detail-score">${fmtScore(t.total, t.total_display)}</span><span class="ifn-score-max">/ 10</span>
        </div>
        <dl class="ifn-facts">
          <div><dt>Population</dt><dd id="detail-population">${fmtPop(t.population)} hab.</dd></div>
          <div><dt>Profil</dt><dd>${esc(profileLabels[t.selection?.profile] || t.selection?.profile)}</dd></div>
        </dl>
      </div>
      <p class="ifn-used${missing.length ? ' is-incomplete' : ''}" id="detail-used">${used}</p>
      <p class="ifn-rank" id="detail-rank"></p>
      <section aria-labelledby="why-title">
        <h3 class="ifn-subh" id="why-title">Pourquoi ce score</h3>
        <p class="ifn-hint">Indicateurs retenus, du plus au moins contributif${top ? ` : « ${esc(top.label)} » apporte le plus` : ''}. « Départ. » et « France » : le même indicateur pour son département et pour la France entière.</p>
        <table class="ifn-table ifn-why" id="detail-why">
          <caption class="fr-sr-only">Indicateurs du score, avec les valeurs du département et de la France</caption>
          ${head}<tbody>${selected.map(row).join('')}</tbody></table>
        <p class="ifn-hint" id="detail-class-reading">Comment lire une classe : ${top ? esc(classReading(top.class, reference, top.higher_is_fragile)) : esc(classReading(9, reference))}
          Des valeurs égales ont la même classe : quand beaucoup d'IRIS ont la même valeur (0 %, par exemple), elle peut tomber dans une classe élevée.
          Pour une commune, un EPCI ou un département, la classe est la moyenne des classes de ses IRIS pondérée par la population.</p>
        ${others.length ? `<details class="ifn-others"><summary>Autres indicateurs du profil, non retenus (${others.length})</summary>
          <table class="ifn-table" id="detail-others"><caption class="fr-sr-only">Indicateurs non retenus</caption>${head}<tbody>${others.map(row).join('')}</tbody></table></details>` : ''}
      </section>
      <div class="ifn-card-actions">
        <button type="button" class="fr-btn fr-btn--sm" id="detail-toggle-selection">${inSelection ? 'Retirer de la comparaison' : 'Ajouter à la comparaison'}</button>
        <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" id="detail-zoom">Centrer la carte</button>
        ${compareWith}
      </div>
      ${offerSection(t, diagnosticHref)}
    </div>`;
  el.querySelector('#detail-toggle-selection').addEventListener('click', onToggleSelection);
  el.querySelector('#detail-zoom').addEventListener('click', onZoom);
  el.querySelectorAll('.ifn-crumb').forEach((b) => b.addEventListener('click', () => onOpen(b.dataset.level, b.dataset.code)));
  el.querySelectorAll('[data-compare-level]').forEach((b) => b.addEventListener('click', () => onCompareWith(b.dataset.compareLevel, b.dataset.compareCode)));
}

/** Renders a message in the detail tab (nothing selected, error…). */
export function renderDetailMessage(el, html) {
  el.innerHTML = `<div class="ifn-card"><p class="ifn-hint">${html}</p></div>`;
}
