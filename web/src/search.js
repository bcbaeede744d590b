// Search box with suggestions (/api/search), as an accessible combobox.

import { api } from './api.js';
import { LEVEL_LABELS, fmtPop } from './config.js';
import { esc } from './esc.js';

/** Wires the search input; `onPick(result)` receives the chosen result of /api/search. */
export function initSearch({ onPick }) {
  const input = document.getElementById('search-input');
  const list = document.getElementById('search-list');
  let results = [];
  let resultsFor = null;
  let active = -1;
  let timer = null;
  let controller = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (n) => {
    active = n;
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === n)));
    if (n >= 0) input.setAttribute('aria-activedescendant', `search-opt-${n}`);
  };
  const pick = (n) => {
    const r = results[n];
    if (!r) return;
    input.value = r.name;
    close();
    onPick(r);
  };
  const render = () => {
    if (!results.length) {
      list.innerHTML = '<li class="ifn-suggestion-empty" role="option" aria-disabled="true">Aucun territoire trouvé</li>';
    } else {
      list.innerHTML = results.map((r, i) => `
        <li id="search-opt-${i}" role="option" aria-selected="false" data-n="${i}">
          <span class="ifn-sugg-name">${esc(r.name)}</span>
          <span class="ifn-sugg-meta">${esc(LEVEL_LABELS[r.level] || r.level)} ${esc(r.code)}${r.parent ? ` · ${esc(r.parent)}` : ''}${r.population != null ? ` · ${fmtPop(r.population)} hab.` : ''}</span>
        </li>`).join('');
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    list.querySelectorAll('li[data-n]').forEach((li) => li.addEventListener('mousedown', (e) => {
      e.preventDefault(); // keep the focus in the input
      pick(Number(li.dataset.n));
    }));
  };
  const query = async () => {
    const q = input.value.trim();
    if (q.length < 2) { close(); return; }
    controller?.abort();
    controller = new AbortController();
    try {
      const body = await api.search(q, controller.signal);
      results = body.results || [];
      resultsFor = q;
      render();
    } catch (e) {
      if (e.name !== 'AbortError') {
        results = [];
        list.innerHTML = `<li class="ifn-suggestion-empty" role="option" aria-disabled="true">Recherche indisponible : ${esc(e.message)}</li>`;
        list.hidden = false;
      }
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(query, 180);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && results.length) { e.preventDefault(); if (list.hidden) render(); highlight(Math.min(results.length - 1, active + 1)); }
    else if (e.key === 'ArrowUp' && results.length) { e.preventDefault(); highlight(Math.max(0, active - 1)); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      if (resultsFor !== input.value.trim()) {
        clearTimeout(timer);
        query().then(() => pick(0));
      } else pick(active >= 0 ? active : 0);
    } else if (e.key === 'Escape') close();
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
}
