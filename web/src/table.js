// The table view: every territory of the displayed level with its parents, population, score and
// the selected indicators' classes (raw values on demand) — sortable, filterable by name and
// parent, paginated, keyboard-operable, exported as CSV. The map's equivalent without a map.

import { api } from './api.js';
import { LEVEL_LABELS, fmt, fmtPop } from './config.js';
import { esc } from './esc.js';
import { classCell } from './panel.js';

/** Rows per page: enough to scan, few enough to stay fast with 35,000 communes. */
const PAGE = 50;

/** Accent- and case-insensitive text, as the server's search folds it. */
const fold = (s) => String(s ?? '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[-'’]/g, ' ');

/** CSV cell (RFC 4180 quoting). */
const cell = (v) => {
  const s = v == null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Wires the table view. `ctx`: `{ el, viewer, catalogue, visibleCodes(), onOpen(level, code) }`.
 * Returns `{ show(), hide(), refresh(), isShown() }`.
 */
export function initTable({ el, viewer, catalogue, visibleCodes, onOpen }) {
  const view = { sort: 'total', desc: true, page: 0, name: '', departement: '', epci: '', raw: false, visible: false };
  let data = null;
  let dataKey = '';
  let seq = 0;
  const label = (k) => catalogue.indicators.find((i) => i.key === k)?.label || k;

  el.innerHTML = `
    <div class="ifn-table-view-head">
      <h2 class="ifn-card-title" id="table-title" tabindex="-1">Tableau des territoires</h2>
      <p class="ifn-hint" id="table-status" role="status" aria-live="polite"></p>
      <div class="ifn-table-filters">
        <div><label class="fr-label" for="table-name">Nom ou code</label><input class="fr-input" id="table-name" type="search" autocomplete="off"></div>
        <div id="table-dep-wrap"><label class="fr-label" for="table-dep">Département</label><select class="fr-select" id="table-dep"></select></div>
        <div id="table-epci-wrap"><label class="fr-label" for="table-epci">EPCI</label><select class="fr-select" id="table-epci"></select></div>
      </div>
      <div class="ifn-table-options">
        <div class="fr-checkbox-group fr-checkbox-group--sm"><input type="checkbox" id="table-raw"><label class="fr-label" for="table-raw">Afficher les valeurs brutes</label></div>
        <div class="fr-checkbox-group fr-checkbox-group--sm"><input type="checkbox" id="table-visible"><label class="fr-label" for="table-visible">Seulement les territoires visibles sur la carte</label></div>
        <button type="button" class="fr-btn fr-btn--secondary fr-btn--sm" id="table-csv">Exporter cette vue (CSV)</button>
      </div>
    </div>
    <div class="ifn-table-scroll" id="table-scroll"></div>
    <nav class="ifn-table-pages" aria-label="Pages du tableau">
      <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" id="table-prev">Page précédente</button>
      <span id="table-page"></span>
      <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" id="table-next">Page suivante</button>
    </nav>`;
  const $ = (id) => el.querySelector(`#${id}`);

  /** Row indices after filters and sort. */
  function rows() {
    if (!data) return [];
    const q = fold(view.name.trim());
    const visible = view.visible ? new Set(visibleCodes()) : null;
    const idx = [];
    for (let i = 0; i < data.code.length; i++) {
      if (view.departement && data.departement[i] !== view.departement) continue;
      if (view.epci && data.epci[i] !== view.epci) continue;
      if (q && !fold(data.name[i]).includes(q) && !data.code[i].toLowerCase().startsWith(q)) continue;
      if (visible && !visible.has(data.code[i])) continue;
      idx.push(i);
    }
    const col = sortColumn(view.sort);
    const dir = view.desc ? -1 : 1;
    idx.sort((a, b) => {
      const va = col[a], vb = col[b];
      if (va == null && vb == null) return a - b;
      if (va == null) return 1; // missing values last, whatever the direction
      if (vb == null) return -1;
      const c = typeof va === 'string' ? va.localeCompare(vb, 'fr') : va - vb;
      return c * dir || a - b;
    });
    return idx;
  }

  function sortColumn(key) {
    if (key === 'departement') return data.departement.map((c) => (c ? data.departement_names[c] : null));
    if (key === 'epci') return data.epci.map((c) => (c ? data.epci_names[c] : null));
    if (key.startsWith('class:')) return data.classes[key.slice(6)];
    if (key.startsWith('raw:')) return data.raw[key.slice(4)];
    return data[key];
  }

  function columns() {
    // Classes in the selection's order (the answer's maps are sorted by key).
    const keys = (data.selection.indicators || []).filter((k) => k in data.classes);
    const cols = [['code', 'Code'], ['name', 'Nom']];
    if (data.departement.some((c) => c)) cols.push(['departement', 'Département']);
    if (data.epci.some((c) => c)) cols.push(['epci', 'EPCI']);
    cols.push(['population', 'Population'], ['total', 'Score IFN']);
    for (const k of keys) {
      cols.push([`class:${k}`, `Classe : ${label(k)}`]);
      if (view.raw) cols.push([`raw:${k}`, `Valeur : ${label(k)}`]);
    }
    return cols;
  }

  function value(key, i) {
    if (key === 'name') return `<button type="button" class="ifn-link" data-row="${i}" aria-label="Ouvrir le détail de ${esc(data.name[i])}">${esc(data.name[i])}</button>`;
    if (key === 'departement') return esc(data.departement[i] ? data.departement_names[data.departement[i]] : '—');
    if (key === 'epci') return esc(data.epci[i] ? data.epci_names[data.epci[i]] : '—');
    if (key === 'population') return fmtPop(data.population[i]);
    if (key === 'total') return classCell(data.total[i] == null ? null : Math.round(data.total[i] * 10) / 10);
    if (key.startsWith('class:')) return classCell(data.classes[key.slice(6)][i]);
    if (key.startsWith('raw:')) return fmt(data.raw[key.slice(4)][i], 1);
    return esc(data[key][i]);
  }

  function render() {
    if (!data) return;
    const idx = rows();
    const pages = Math.max(1, Math.ceil(idx.length / PAGE));
    view.page = Math.min(view.page, pages - 1);
    const cols = columns();
    const head = cols.map(([key, text]) => {
      const sorted = view.sort === key;
      const aria = sorted ? ` aria-sort="${view.desc ? 'descending' : 'ascending'}"` : '';
      return `<th scope="col"${aria}><button type="button" class="ifn-sort" data-sort="${esc(key)}">${esc(text)}<span aria-hidden="true">${sorted ? (view.desc ? ' ▼' : ' ▲') : ''}</span></button></th>`;
    }).join('');
    const body = idx.slice(view.page * PAGE, (view.page + 1) * PAGE).map((i) => `<tr data-code="${esc(data.code[i])}">${cols.map(([key], c) => (c === 1
      ? `<th scope="row">${value(key, i)}</th>` : `<td class="${key === 'name' || key === 'departement' || key === 'epci' ? '' : 'ifn-num'}">${value(key, i)}</td>`)).join('')}</tr>`).join('');
    const focusedSort = document.activeElement?.dataset?.sort;
    $('table-scroll').innerHTML = `<table class="ifn-table ifn-table-view-table" id="table-grid">
      <caption class="fr-sr-only">Territoires de l'échelle ${esc(LEVEL_LABELS[data.level] || data.level)}, triés par ${esc(cols.find(([k]) => k === view.sort)?.[1] || view.sort)}. Les boutons des en-têtes trient les colonnes.</caption>
      <thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
    if (focusedSort) el.querySelector(`[data-sort="${CSS.escape(focusedSort)}"]`)?.focus();
    $('table-status').textContent = `${fmtPop(idx.length)} territoire${idx.length > 1 ? 's' : ''} sur ${fmtPop(data.code.length)} (échelle ${LEVEL_LABELS[data.level] || data.level}).`;
    $('table-page').textContent = `Page ${view.page + 1} sur ${pages}`;
    $('table-prev').disabled = view.page === 0;
    $('table-next').disabled = view.page >= pages - 1;
  }

  function fillParents() {
    const options = (names, codes, all) => `<option value="">${all}</option>${[...new Set(codes.filter(Boolean))]
      .sort((a, b) => names[a].localeCompare(names[b], 'fr')).map((c) => `<option value="${esc(c)}">${esc(names[c])}</option>`).join('')}`;
    $('table-dep').innerHTML = options(data.departement_names, data.departement, 'Tous les départements');
    $('table-dep-wrap').hidden = !data.departement.some(Boolean);
    const inDep = data.epci.filter((c, i) => c && (!view.departement || data.departement[i] === view.departement));
    $('table-epci').innerHTML = options(data.epci_names, inDep, 'Tous les EPCI');
    $('table-epci-wrap').hidden = !data.epci.some(Boolean);
    $('table-dep').value = view.departement;
    $('table-epci').value = view.epci;
  }

  /** Loads the displayed level for the current selection (once per level and selection). */
  async function refresh() {
    if (el.hidden) return;
    const key = `${viewer.level}?${viewer.query}`;
    if (key === dataKey && data) { render(); return; }
    const mine = ++seq;
    $('table-status').textContent = 'Chargement…';
    try {
      const d = await api.table(viewer.level, viewer.query);
      if (mine !== seq) return;
      if (!data || data.level !== d.level) Object.assign(view, { departement: '', epci: '', page: 0 });
      data = d;
      dataKey = key;
      fillParents();
      render();
      el.dataset.ready = 'true';
    } catch (e) {
      if (mine === seq) $('table-status').textContent = `Tableau indisponible : ${e.message}`;
    }
  }

  function csv() {
    const cols = columns();
    const text = (key, i) => {
      if (key === 'departement') return data.departement[i] ? data.departement_names[data.departement[i]] : '';
      if (key === 'epci') return data.epci[i] ? data.epci_names[data.epci[i]] : '';
      return sortColumn(key)[i];
    };
    const lines = [cols.map(([key]) => key.replace(':', '_')).join(',')];
    for (const i of rows()) lines.push(cols.map(([key]) => cell(text(key, i))).join(','));
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([`${lines.join('\n')}\n`], { type: 'text/csv;charset=utf-8' }));
    a.download = `ifn-tableau-${data.level}-${data.selection.profile}.csv`;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  el.addEventListener('click', (e) => {
    const sort = e.target.closest('[data-sort]');
    if (sort) {
      const key = sort.dataset.sort;
      view.desc = view.sort === key ? !view.desc : key === 'total' || key.startsWith('class:');
      view.sort = key;
      view.page = 0;
      render();
      return;
    }
    const row = e.target.closest('[data-row]');
    if (row) onOpen(data.level, data.code[Number(row.dataset.row)]);
  });
  let typing = null;
  $('table-name').addEventListener('input', (e) => {
    clearTimeout(typing);
    typing = setTimeout(() => { view.name = e.target.value; view.page = 0; render(); }, 150);
  });
  $('table-dep').addEventListener('change', (e) => { view.departement = e.target.value; view.epci = ''; view.page = 0; fillParents(); render(); });
  $('table-epci').addEventListener('change', (e) => { view.epci = e.target.value; view.page = 0; render(); });
  $('table-raw').addEventListener('change', (e) => { view.raw = e.target.checked; render(); });
  $('table-visible').addEventListener('change', (e) => { view.visible = e.target.checked; view.page = 0; render(); });
  $('table-prev').addEventListener('click', () => { view.page -= 1; render(); });
  $('table-next').addEventListener('click', () => { view.page += 1; render(); });
  $('table-csv').addEventListener('click', csv);

  return {
    show: () => { el.hidden = false; refresh(); },
    hide: () => { el.hidden = true; },
    isShown: () => !el.hidden,
    refresh,
  };
}
