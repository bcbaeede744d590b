// The right-hand panel's comparison of selected territories, and the cells shared with the
// detail card (detail.js).

import { LEVEL_LABELS, OFFER_KINDS, colourOf, textColourOf, fmt, fmtKm, fmtOption, fmtPct, fmtPop, fmtScore } from './config.js';
import { esc } from './esc.js';

/** Profile key → French label, set once the catalogue is loaded. */
export const profileLabels = {};

export function rawText(ind) {
  if (ind.raw == null) return '—';
  const unit = ind.unit === '%' ? ' %' : ind.unit ? ` ${ind.unit}` : '';
  return `${fmt(ind.raw, 1)}${unit}`;
}

export function classCell(c) {
  if (c == null) return '<span class="ifn-class ifn-class--missing" title="Donnée manquante">—</span>';
  return `<span class="ifn-class" style="background:${colourOf(c)};color:${textColourOf(c)}">${fmt(c, Number.isInteger(c) ? 0 : 1)}</span>`;
}

export function scoreCell(t) {
  if (t.total == null) return classCell(null);
  return `<span class="ifn-class" style="background:${colourOf(t.total)};color:${textColourOf(t.total)}">${fmtScore(t.total, t.total_display)}</span>`;
}

/** Whether a territory's score lacks some selected indicators. */
const incomplete = (t) => t.indicators_selected != null && t.indicators_used < t.indicators_selected;

/** Horizontal bar chart of the totals, plain SVG: the name above each bar, the score after it. */
function barChart(list) {
  const rowH = 34, barW = 260, h = list.length * rowH + 22;
  const bars = list.map((t, i) => {
    const y = 20 + i * rowH;
    const w = t.total == null ? 0 : (t.total / 10) * barW;
    const short = t.name.length > 48 ? `${t.name.slice(0, 47)}…` : t.name;
    const name = incomplete(t) ? `${short} ⚠ ${t.indicators_used}/${t.indicators_selected} indicateurs` : short;
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
export function renderCompare(el, list, { onRemove, onOpen, onClear, onCsv }) {
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
          <tr class="ifn-total-row"><th scope="row">Score IFN</th>${list.map((t) => `<td>${scoreCell(t)}${incomplete(t)
    ? `<br><span class="ifn-incomplete" title="Score calculé sans certains indicateurs retenus : données manquantes">⚠ ${t.indicators_used} indicateurs sur ${t.indicators_selected}</span>` : ''}</td>`).join('')}</tr>
          <tr><th scope="row">Population</th>${list.map((t) => `<td class="ifn-num">${fmtPop(t.population)}</td>`).join('')}</tr>
          ${offerRows(list)}
          ${body}
        </tbody>
      </table>
      </div>
      ${list.some(incomplete) ? '<p class="ifn-hint">⚠ : score calculé sans certains indicateurs retenus (données manquantes) ; à comparer avec prudence.</p>' : ''}
      <div class="ifn-card-actions">
        <button type="button" class="fr-btn fr-btn--secondary fr-btn--sm" id="compare-csv">Exporter la comparaison (CSV)</button>
        <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" id="compare-clear">Vider la sélection</button>
      </div>
    </div>`;
  el.querySelectorAll('[data-remove]').forEach((b) => b.addEventListener('click', () => onRemove(Number(b.dataset.remove))));
  el.querySelectorAll('[data-open]').forEach((b) => b.addEventListener('click', () => onOpen(Number(b.dataset.open))));
  el.querySelector('#compare-clear').addEventListener('click', onClear);
  el.querySelector('#compare-csv').addEventListener('click', onCsv);
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
