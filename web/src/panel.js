// The right-hand panel: "Détail du score" card and the comparison of selected territories.

import { LEVEL_LABELS, colourOf, fmt, fmtPop, fmtScore } from './config.js';

/** Profile key → French label, set once the catalogue is loaded. */
export const profileLabels = {};

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function rawText(ind) {
  if (ind.raw == null) return '—';
  const unit = ind.unit === '%' ? ' %' : ind.unit ? ` ${ind.unit}` : '';
  return `${fmt(ind.raw, 1)}${unit}`;
}

function classCell(c) {
  if (c == null) return '<span class="ifn-class ifn-class--missing" title="Donnée manquante">—</span>';
  const dark = c >= 5;
  return `<span class="ifn-class" style="background:${colourOf(c)};color:${dark ? '#fff' : '#161616'}">${fmt(c, Number.isInteger(c) ? 0 : 1)}</span>`;
}

function scoreCell(t) {
  if (t.total == null) return classCell(null);
  return `<span class="ifn-class" style="background:${colourOf(t.total)};color:${t.total >= 5 ? '#fff' : '#161616'}">${fmtScore(t.total, t.total_display)}</span>`;
}

const REFERENCE_LABELS = { france: 'France entière', region: 'région', departement: 'département' };

/** Renders the detail card of one territory (answer of /api/territories/{level}/{code}). */
export function renderDetail(el, t, { inSelection, onToggleSelection, onZoom }) {
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
        <div class="ifn-score" style="background:${colourOf(t.total)};color:${t.total != null && t.total >= 5 ? '#fff' : '#161616'}">
          <span class="ifn-score-value" id="detail-score">${fmtScore(t.total, t.total_display)}</span><span class="ifn-score-max">/ 10</span>
        </div>
        <dl class="ifn-facts">
          <div><dt>Population</dt><dd id="detail-population">${fmtPop(t.population)} hab.</dd></div>
          <div><dt>Indicateurs utilisés</dt><dd>${esc(t.indicators_used)}</dd></div>
          <div><dt>Profil</dt><dd>${esc(profileLabels[t.selection?.profile] || t.selection?.profile)}</dd></div>
        </dl>
      </div>
      <div class="ifn-card-actions">
        <button type="button" class="fr-btn fr-btn--sm" id="detail-toggle-selection">${inSelection ? 'Retirer de la comparaison' : 'Ajouter à la comparaison'}</button>
        <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" id="detail-zoom">Centrer la carte</button>
      </div>
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
  const header = ['level', 'code', 'name', 'population', 'total', ...keys.flatMap((k) => [`${k}_class`, `${k}_raw`])];
  const rows = list.map((t) => [t.level, t.code, t.name, t.population, t.total == null ? '' : t.total.toFixed(1),
    ...keys.flatMap((k) => {
      const i = t.indicators.find((x) => x.key === k);
      return [i?.class ?? '', i?.raw ?? ''];
    })]);
  return [header, ...rows].map((r) => r.map(q).join(',')).join('\n') + '\n';
}
