// The right-hand panel: "Détail du score" card and the comparison of selected territories.

import { LEVEL_LABELS, OFFER_KINDS, colourOf, textColourOf, fmt, fmtKm, fmtOption, fmtPct, fmtPop, fmtScore } from './config.js';
import { esc } from './esc.js';

/** Profile key → French label, set once the catalogue is loaded. */
export const profileLabels = {};

function rawText(ind) {
  if (ind.raw == null) return '—';
  const unit = ind.unit === '%' ? ' %' : ind.unit ? ` ${ind.unit}` : '';
  return `${fmt(ind.raw, 1)}${unit}`;
}

function classCell(c) {
  if (c == null) return '<span class="ifn-class ifn-class--missing" title="Donnée manquante">—</span>';
  return `<span class="ifn-class" style="background:${colourOf(c)};color:${textColourOf(c)}">${fmt(c, Number.isInteger(c) ? 0 : 1)}</span>`;
}

function scoreCell(t) {
  if (t.total == null) return classCell(null);
  return `<span class="ifn-class" style="background:${colourOf(t.total)};color:${textColourOf(t.total)}">${fmtScore(t.total, t.total_display)}</span>`;
}

const REFERENCE_LABELS = { france: 'France entière', region: 'région', departement: 'département' };

/** Number of zones blanches codes listed in the card before "…". */
const ZB_LISTED = 40;

/** Population with its unit, or "—". */
const pop = (x) => (x == null ? '—' : `${fmtPop(x)} hab.`);

/**
 * The « Offre de médiation » section of the detail card, from the `offer` object of the API:
 * places by kind (count, per 10,000 inhabitants, mean distance), fragile population, share of
 * it beyond the access distance, zones blanches.
 */
function offerSection(t, diagnosticHref) {
  const o = t.offer;
  const link = `<p class="ifn-diagnostic"><a class="fr-link fr-link--sm" id="detail-diagnostic" href="${esc(diagnosticHref)}" target="_blank" rel="noopener"
      title="Diagnostic territorial (imprimable) — nouvelle fenêtre">Diagnostic territorial (imprimable)</a></p>`;
  if (!o) {
    return `<section class="ifn-offer" id="detail-offer" aria-labelledby="offer-title">
      <h3 class="ifn-subh" id="offer-title">Offre de médiation</h3>
      <p class="ifn-hint" id="offer-missing">Offre de médiation non disponible pour ce territoire.</p>${link}</section>`;
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
  return `<section class="ifn-offer" id="detail-offer" aria-labelledby="offer-title">
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

/** Renders the detail card of one territory (answer of /api/territories/{level}/{code}). */
export function renderDetail(el, t, { inSelection, onToggleSelection, onZoom, diagnosticHref }) {
  const parents = (t.parents || []).map((p) => `${esc(LEVEL_LABELS[p.level] || p.level)} : ${esc(p.name)}`).join(' · ');
  const rows = (axis) => t.indicators.filter((i) => i.axis === axis).map((i) => `
      <tr class="${i.selected ? 'is-selected' : 'is-unselected'}">
        <th scope="row"><span class="ifn-ind-label">${esc(i.label)}</span>
          ${i.selected ? `<span class="ifn-weight" title="Poids dans le score">×${fmt(i.weight, i.weight % 1 ? 1 : 0)}</span>` : '<span class="ifn-weight" title="Indicateur non retenu dans le score">non retenu</span>'}</th>
        <td>${classCell(i.class)}</td>
        <td class="ifn-num">${rawText(i)}</td>
      </tr>`).join('');
  const table = (axis, title) => {
    const body = rows(axis);
    if (!body) return '';
    return `<table class="ifn-table">
      <caption>${title}</caption>
      <thead><tr><th scope="col">Indicateur</th><th scope="col">Classe</th><th scope="col">Valeur</th></tr></thead>
      <tbody>${body}</tbody></table>`;
  };
  el.innerHTML = `
    <div class="ifn-card" data-level="${esc(t.level)}" data-code="${esc(t.code)}">
      <p class="ifn-card-level">${esc(LEVEL_LABELS[t.level] || t.level)} · ${esc(t.code)}</p>
      <h2 class="ifn-card-title">${esc(t.name)}</h2>
      ${parents ? `<p class="ifn-hint">${parents}</p>` : ''}
      <div class="ifn-score-row">
        <div class="ifn-score" style="background:${colourOf(t.total)};color:${textColourOf(t.total)}">
          <span class="ifn-score-value" id="detail-score">${fmtScore(t.total, t.total_display)}</span><span class="ifn-score-max">/ 10</span>
        </div>
        <dl class="ifn-facts">
          <div><dt>Population</dt><dd id="detail-population">${fmtPop(t.population)} hab.</dd></div>
          <div><dt>Indicateurs utilisés</dt><dd>${esc(t.indicators_used)}</dd></div>
          <div><dt>Profil</dt><dd>${esc(profileLabels[t.selection?.profile] || t.selection?.profile)}</dd></div>
        </dl>
      </div>
      <p class="ifn-rank" id="detail-rank"></p>
      <div class="ifn-card-actions">
        <button type="button" class="fr-btn fr-btn--sm" id="detail-toggle-selection">${inSelection ? 'Retirer de la comparaison' : 'Ajouter à la comparaison'}</button>
        <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" id="detail-zoom">Centrer la carte</button>
      </div>
      ${offerSection(t, diagnosticHref)}
      ${table('ifn', 'Indice (axe IFN)')}
      ${table('contexte', 'Contexte du territoire')}
      <p class="ifn-hint">Classe : de 1 (faible fragilité) à 10 (forte), par rapport à la référence « ${esc(REFERENCE_LABELS[t.selection?.reference] || t.selection?.reference)} ». Valeur brute pondérée par la population.</p>
    </div>`;
  el.querySelector('#detail-toggle-selection').addEventListener('click', onToggleSelection);
  el.querySelector('#detail-zoom').addEventListener('click', onZoom);
}

/** Renders a message in the detail tab (nothing selected, error…). */
export function renderDetailMessage(el, html) {
  el.innerHTML = `<div class="ifn-card"><p class="ifn-hint">${html}</p></div>`;
}

/** Horizontal bar chart of the totals, plain SVG: the name above each bar, the score after it. */
function barChart(list) {
  const rowH = 34, barW = 260, h = list.length * rowH + 22;
  const bars = list.map((t, i) => {
    const y = 20 + i * rowH;
    const w = t.total == null ? 0 : (t.total / 10) * barW;
    const name = t.name.length > 48 ? `${t.name.slice(0, 47)}…` : t.name;
    return `<g>
      <text x="0" y="${y + 9}" class="ifn-chart-label">${esc(name)}</text>
      <rect x="0" y="${y + 13}" width="${w.toFixed(1)}" height="14" fill="${colourOf(t.total)}" stroke="#3a3a3a" stroke-width="0.5"></rect>
      <text x="${(w + 5).toFixed(1)}" y="${y + 25}" class="ifn-chart-value">${fmtScore(t.total, t.total_display)}</text>
    </g>`;
  }).join('');
  const ticks = [1, 5, 10].map((v) => `<line x1="${(v / 10) * barW}" x2="${(v / 10) * barW}" y1="14" y2="${h}" stroke="#ddd"></line><text x="${(v / 10) * barW}" y="10" text-anchor="middle" class="ifn-chart-tick">${v}</text>`).join('');
  return `<svg class="ifn-chart" role="img" aria-label="Score IFN des territoires comparés" viewBox="0 0 ${barW + 40} ${h}" width="100%">${ticks}${bars}</svg>`;
}

/** Rows of the comparison table with the offer figures (places, fragile population, distance). */
function offerRows(list) {
  const opts = list.find((t) => t.offer)?.offer.options || {};
  const distance = opts.distance_km == null ? '…' : fmtOption(opts.distance_km);
  const threshold = opts.threshold == null ? '…' : fmtOption(opts.threshold);
  const row = (key, label, f) => `<tr class="ifn-offer-row" data-row="${key}"><th scope="row">${label}</th>${list.map((t) => `<td class="ifn-num">${t.offer ? f(t.offer) : '—'}</td>`).join('')}</tr>`;
  return row('places_all', 'Lieux de médiation', (o) => (o.places?.all == null ? '—' : fmtPop(o.places.all)))
    + row('places_per_10k_all', 'Lieux pour 10&nbsp;000 hab.', (o) => fmt(o.places_per_10k?.all, 1))
    + row('fragile_population', `Population fragile (score ≥ ${threshold})`, (o) => fmtPop(o.fragile_population))
    + row('fragile_share_beyond', `Fragiles à plus de ${distance} km d'un lieu`, (o) => fmtPct(o.fragile_share_beyond));
}

/** Renders the comparison of several territory details side by side. */
export function renderCompare(el, list, { onRemove, onOpen, onClear }) {
  if (!list.length) {
    el.innerHTML = '<div class="ifn-card"><p class="ifn-hint">Aucun territoire sélectionné. Cliquez sur un territoire puis « Ajouter à la comparaison ».</p></div>';
    return;
  }
  const keys = [];
  const byKey = new Map();
  for (const t of list) for (const i of t.indicators) {
    if (!byKey.has(i.key)) { byKey.set(i.key, i); keys.push(i.key); }
  }
  const head = list.map((t, n) => `<th scope="col"><button type="button" class="ifn-link" data-open="${n}">${esc(t.name)}</button>
      <span class="ifn-hint">${esc(LEVEL_LABELS[t.level] || t.level)} ${esc(t.code)}
      <button type="button" class="ifn-remove" data-remove="${n}" aria-label="Retirer ${esc(t.name)} de la comparaison" title="Retirer">× retirer</button></span></th>`).join('');
  const cell = (t, key) => {
    const i = t.indicators.find((x) => x.key === key);
    if (!i) return '<td>—</td>';
    return `<td>${classCell(i.class)} <span class="ifn-num">${rawText(i)}</span></td>`;
  };
  const body = keys.map((k) => `<tr class="${list.some((t) => t.indicators.find((i) => i.key === k && i.selected)) ? 'is-selected' : 'is-unselected'}"><th scope="row">${esc(byKey.get(k).label)}</th>${list.map((t) => cell(t, k)).join('')}</tr>`).join('');
  el.innerHTML = `
    <div class="ifn-card">
      <h2 class="ifn-card-title">Comparaison</h2>
      ${barChart(list)}
      <div class="ifn-table-scroll">
      <table class="ifn-table ifn-compare-table" id="compare-table">
        <caption class="fr-sr-only">Comparaison des territoires sélectionnés</caption>
        <thead><tr><th scope="col">Territoire</th>${head}</tr></thead>
        <tbody>
          <tr class="ifn-total-row"><th scope="row">Score IFN</th>${list.map((t) => `<td>${scoreCell(t)}</td>`).join('')}</tr>
          <tr><th scope="row">Population</th>${list.map((t) => `<td class="ifn-num">${fmtPop(t.population)}</td>`).join('')}</tr>
          ${offerRows(list)}
          ${body}
        </tbody>
      </table>
      </div>
      <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" id="compare-clear">Vider la sélection</button>
    </div>`;
  el.querySelectorAll('[data-remove]').forEach((b) => b.addEventListener('click', () => onRemove(Number(b.dataset.remove))));
  el.querySelectorAll('[data-open]').forEach((b) => b.addEventListener('click', () => onOpen(Number(b.dataset.open))));
  el.querySelector('#compare-clear').addEventListener('click', onClear);
}

/** CSV of compared territories, built in the browser (semicolon-free, RFC 4180 quoting). */
export function compareCsv(list) {
  const keys = [];
  for (const t of list) for (const i of t.indicators) if (!keys.includes(i.key)) keys.push(i.key);
  const q = (v) => {
    const s = v == null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const offer = ['places_all', 'places_per_10k_all', 'fragile_population', 'fragile_share_beyond', 'mean_distance_km', 'zones_blanches', 'threshold', 'distance_km'];
  const header = ['level', 'code', 'name', 'population', 'total', ...keys.flatMap((k) => [`${k}_class`, `${k}_raw`]), ...offer];
  const rows = list.map((t) => [t.level, t.code, t.name, t.population, t.total == null ? '' : t.total.toFixed(1),
    ...keys.flatMap((k) => {
      const i = t.indicators.find((x) => x.key === k);
      return [i?.class ?? '', i?.raw ?? ''];
    }),
    ...(t.offer ? [t.offer.places?.all, t.offer.places_per_10k?.all, t.offer.fragile_population, t.offer.fragile_share_beyond,
      t.offer.mean_distance_km?.all, t.offer.zones_blanches?.length, t.offer.options?.threshold, t.offer.options?.distance_km].map((v) => v ?? '')
      : offer.map(() => ''))]);
  return [header, ...rows].map((r) => r.map(q).join(',')).join('\n') + '\n';
}
