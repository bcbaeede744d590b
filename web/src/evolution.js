// The « Évolution » tab of the panel (/api/evolution): the store served (vintage B) against an
// earlier vintage A — a map of the change of score (diverging ramp, via feature-state on the
// territory tiles), a table of the biggest changes, the changes of the COG (communes
// nouvelles, renamed and re-established communes) between the two. Without a second vintage,
// the tab says how to start the server with one.

import { LEVEL_LABELS, fmt, fmtPop } from './config.js';
import { esc } from './esc.js';
import { mode } from './api.js';

/** Territories listed in the table of the biggest changes. */
const TOP = 15;
/** Diverging ramp (blue: less fragile in B than in A, red: more fragile). */
const DIVERGING = ['#2166ac', '#92c5de', '#f7f7f7', '#f4a582', '#b2182b'];
const MISSING = 'rgba(200,200,200,0.85)';

/** A difference « +0,4 » / « −1,2 ». */
export function fmtDiff(d, digits = 2) {
  if (d == null) return '—';
  return `${d > 0 ? '+' : d < 0 ? '−' : ''}${fmt(Math.abs(d), digits)}`;
}

async function getJson(url) {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.error || `${res.status} ${res.statusText}`);
  return body;
}

/** Adds one (hidden) fill layer per level, coloured by the `evolution` feature state. */
function addLayers(map, levels) {
  for (const level of levels) {
    map.addLayer({
      id: `evolution-${level}`,
      type: 'fill',
      source: `src-${level}`,
      'source-layer': level,
      layout: { visibility: 'none' },
      paint: { 'fill-color': MISSING, 'fill-opacity': 0.92 },
    }, map.getLayer(`selected-${levels[0]}`) ? `selected-${levels[0]}` : undefined);
  }
}

/**
 * Wires the tab. `ctx`: `{ map, levels, viewer, el, legend, classLegend, onOpen(level, code) }`;
 * `viewer.level` and `viewer.query` are read at each refresh. Returns `{ refresh, info }`.
 */
export function initEvolution({ map, levels, viewer, el, legend, classLegend, onOpen }) {
  addLayers(map, levels);
  let drawn = false; // whether the map of the change is on
  let seq = 0;
  let last = null;
  let coded = new Map(); // level → codes given a feature state
  el.innerHTML = `<div class="ifn-card" id="evolution-card">
    <h2 class="ifn-card-title">Évolution entre deux millésimes</h2>
    <p class="ifn-hint" id="evolution-scope">Chargement…</p>
    <div id="evolution-body" aria-live="polite"></div>
  </div>`;
  const $ = (id) => el.querySelector(`#${id}`);
  // A static site has one vintage and no server to compare with.
  const asked = mode.site
    ? Promise.resolve({ available: false, hint: 'La comparaison de deux millésimes nécessite le serveur ifn (ce site est statique).' })
    : getJson('/api/evolution');
  const info = asked.then((i) => {
    if (!i.available) {
      el.dataset.available = 'false';
      $('evolution-scope').textContent = mode.site ? 'Vue Évolution indisponible sur un site statique.' : 'Pas de second millésime sur ce serveur : la vue Évolution est indisponible.';
      $('evolution-body').innerHTML = `<p id="evolution-unavailable">${esc(i.hint || '')}</p>`;
      el.dataset.ready = 'true';
    } else {
      el.dataset.available = 'true';
    }
    return i;
  }, (e) => {
    $('evolution-scope').textContent = `Évolution indisponible : ${e.message}`;
    return { available: false };
  });

  function setValues(level, rows) {
    const source = `src-${level}`;
    if (!map.getSource(source)) return;
    for (const code of coded.get(level) || []) map.setFeatureState({ source, sourceLayer: level, id: code }, { evolution: null });
    const codes = [];
    for (const t of rows) {
      if (t.difference == null || t.status === 'removed') continue;
      map.setFeatureState({ source, sourceLayer: level, id: t.code }, { evolution: t.difference });
      codes.push(t.code);
    }
    coded.set(level, codes);
  }

  function applyLayer() {
    const button = $('evolution-map');
    if (button) button.setAttribute('aria-pressed', String(drawn));
    const level = viewer.level;
    const on = drawn && last?.level === level;
    for (const l of levels) {
      const visible = on && l === level;
      map.setLayoutProperty(`evolution-${l}`, 'visibility', visible ? 'visible' : 'none');
      if (visible) {
        const m = last.extent;
        const value = ['feature-state', 'evolution'];
        map.setPaintProperty(`evolution-${l}`, 'fill-color', ['case',
          ['!=', ['typeof', value], 'number'], MISSING,
          ['interpolate', ['linear'], value, ...DIVERGING.flatMap((c, i) => [(-1 + i / 2) * m, c])]]);
      }
    }
    if (on) setValues(level, last.territories);
    classLegend.hidden = on;
    legend.hidden = !on;
    if (on) {
      const m = last.extent;
      legend.innerHTML = `<p class="ifn-legend-title">Évolution du score : ${esc(last.to)} − ${esc(last.from)}</p>
        <span class="ifn-gradient" style="background:linear-gradient(90deg,${DIVERGING.join(',')})"></span>
        <p class="ifn-legend-ends"><span>${fmtDiff(-m, 1)} moins fragile</span><span>0</span><span>${fmtDiff(m, 1)} plus fragile</span></p>
        <p class="ifn-legend-missing"><span class="ifn-swatch ifn-swatch--missing"></span> Pas de comparaison possible</p>`;
    }
  }

  function render(d) {
    const counts = Object.entries(d.counts).map(([k, n]) => `${esc(k)} : ${fmtPop(n)}`).join(', ');
    const events = d.events.length
      ? `<ul id="evolution-events">${d.events.map((e) => `<li><strong>${esc(e.label)}</strong> (${esc(e.date)}) :
          ${e.before.map((c) => `${esc(c.name)} (${esc(c.code)})`).join(', ')} → ${e.after.map((c) => `${esc(c.name)} (${esc(c.code)})`).join(', ')}</li>`).join('')}</ul>`
      : '<p class="ifn-hint" id="evolution-events">Aucun changement du Code officiel géographique entre les deux millésimes.</p>';
    const rows = d.biggest_changes.map((t) => `<tr data-status="${esc(t.status)}">
        <th scope="row"><button type="button" class="ifn-link" data-code="${esc(t.code)}">${esc(t.name)}</button>${t.status === 'unchanged' ? '' : ` <span class="ifn-hint-inline">${esc(t.status_label)}</span>`}</th>
        <td class="ifn-num">${fmt(t.score_before, 2)}</td><td class="ifn-num">${fmt(t.score_after, 2)}</td>
        <td class="ifn-num">${fmtDiff(t.difference)}</td></tr>`).join('');
    $('evolution-body').innerHTML = `<p id="evolution-summary">${fmtPop(d.territories.length)} territoires : ${counts}.</p>
      <button type="button" class="fr-btn fr-btn--secondary fr-btn--sm" id="evolution-map" aria-pressed="${drawn}">Carte de l'évolution du score</button>
      <table class="ifn-table" id="evolution-table"><caption>Les ${fmtPop(d.biggest_changes.length)} plus fortes évolutions du score (${esc(d.from)} → ${esc(d.to)})</caption>
        <thead><tr><th scope="col">Territoire</th><th scope="col">Score avant</th><th scope="col">Score après</th><th scope="col">Écart</th></tr></thead>
        <tbody>${rows}</tbody></table>
      <h3 class="ifn-subh">Changements du Code officiel géographique</h3>
      ${events}
      <p class="ifn-hint">Une commune nouvelle est comparée à la moyenne, pondérée par la population, de ses anciennes communes ; une commune rétablie, à la commune dont elle est issue.</p>`;
    $('evolution-map').addEventListener('click', () => { drawn = !drawn; applyLayer(); });
  }

  /** Recomputes what is shown (the tab when open, the map of the change when drawn). */
  async function refresh() {
    const i = await info;
    if (!i.available) return;
    const tabOpen = !el.hidden && !el.closest('[hidden]');
    if (!tabOpen && !drawn) { applyLayer(); return; }
    const level = viewer.level;
    const mine = ++seq;
    $('evolution-scope').textContent = `${i.from} → ${i.to}. Échelle : ${LEVEL_LABELS[level] || level}.`;
    try {
      const d = await getJson(`/api/evolution/${encodeURIComponent(level)}?${viewer.query}&top=${TOP}`);
      if (mine !== seq) return;
      const diffs = d.territories.map((t) => Math.abs(t.difference ?? 0)).sort((a, b) => a - b);
      d.extent = Math.max(0.5, Math.ceil(10 * (diffs[Math.floor(0.98 * (diffs.length - 1))] || 0)) / 10);
      last = d;
      render(d);
      applyLayer();
      el.dataset.ready = 'true';
    } catch (e) {
      if (mine === seq) $('evolution-body').innerHTML = `<p class="fr-error-text">Évolution impossible : ${esc(e.message)}</p>`;
    }
  }

  el.addEventListener('click', (e) => {
    const b = e.target.closest('[data-code]');
    if (b) onOpen(viewer.level, b.dataset.code);
  });
  return { refresh, info };
}
