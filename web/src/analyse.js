// The « Analyse » tab of the panel (the analyst's bench of /api/analyse): what the selection
// changes against the public method, how robust each rank is, which indicators overlap; the
// map of score differences and the map of rank instability; the rank interval of the detail card.

import { api } from './api.js';
import { LEVEL_LABELS, fmt, fmtPct, fmtPop } from './config.js';
import { esc } from './esc.js';
import { setAnalyseValues, showAnalyseLayer } from './map.js';

/** Movers listed each way. */
const TOP = 10;
/** Diverging ramp of score differences (blue: less fragile under your selection, red: more). */
const DIVERGING = ['#2166ac', '#92c5de', '#f7f7f7', '#f4a582', '#b2182b'];
/** Sequential ramp of instability (width of the 5–95 % rank interval / ranked territories). */
const INSTABILITY = [[0, '#fff5eb'], [0.05, '#fdbe85'], [0.1, '#fd8d3c'], [0.2, '#d94701'], [0.4, '#7f2704']];

/** « 1er », « 412e ». */
export function fmtRank(r) {
  if (r == null || !Number.isFinite(r)) return '—';
  const n = Math.round(r);
  return n === 1 ? '1er' : `${fmtPop(n)}e`;
}

/** The rank change as « +12 » (climbs towards the most fragile) or « −5 ». */
function fmtChange(c) {
  if (c == null) return '—';
  return c > 0 ? `+${fmtPop(c)}` : c < 0 ? `−${fmtPop(-c)}` : '0';
}

/** A score difference « +0,4 » / « −1,2 ». */
function fmtDiff(d) {
  if (d == null) return '—';
  return `${d > 0 ? '+' : d < 0 ? '−' : ''}${fmt(Math.abs(d), 2)}`;
}

const labelOf = (catalogue, key) => catalogue.indicators.find((i) => i.key === key)?.label || key;

/**
 * Wires the tab. `ctx`: `{ map, levels, viewer, catalogue, el, legend, classLegend, onOpen(level, code) }`;
 * `viewer.level` and `viewer.query` are read at each refresh. Returns `{ refresh, rankLine }`.
 */
export function initAnalyse({ map, levels, viewer, catalogue, el, legend, classLegend, onOpen }) {
  const options = { draws: 1000, spread: 0.5 };
  let layer = null; // null, 'delta' or 'instability'
  let seq = 0;
  const last = { delta: null, robustness: null };
  const robustnessExtra = () => `&draws=${options.draws}&spread=${options.spread}`;

  el.innerHTML = `<div class="ifn-card" id="analyse-card">
    <h2 class="ifn-card-title">Analyse des poids et des rangs</h2>
    <p class="ifn-hint" id="analyse-scope"></p>
    <section aria-labelledby="analyse-delta-h">
      <h3 class="ifn-subh" id="analyse-delta-h">Ce que votre sélection change</h3>
      <p class="ifn-hint">Par rapport à la méthode publique : indicateurs IFN du profil, poids 1, classes calculées sur la France entière. Rang 1 = le territoire le plus fragile.</p>
      <div id="analyse-delta" aria-live="polite"></div>
      <button type="button" class="fr-btn fr-btn--secondary fr-btn--sm" id="analyse-map-delta" aria-pressed="false">Carte des écarts de score</button>
    </section>
    <section aria-labelledby="analyse-rob-h">
      <h3 class="ifn-subh" id="analyse-rob-h">Robustesse des rangs</h3>
      <p class="ifn-hint">Chaque poids varie au hasard autour du vôtre, et chaque indicateur est retiré à tour de rôle : un rang qui bouge beaucoup dépend des poids choisis.</p>
      <div class="ifn-analyse-options">
        <label class="fr-label" for="analyse-spread">Variation des poids (±&nbsp;%)</label>
        <input class="fr-input" type="number" id="analyse-spread" min="0" max="100" step="10" value="50">
        <label class="fr-label" for="analyse-draws">Tirages</label>
        <select class="fr-select" id="analyse-draws"><option>200</option><option selected>1000</option><option>5000</option></select>
        <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" id="analyse-rob-run">Recalculer</button>
      </div>
      <div id="analyse-robustness" aria-live="polite"></div>
      <button type="button" class="fr-btn fr-btn--secondary fr-btn--sm" id="analyse-map-instability" aria-pressed="false">Carte d'instabilité des rangs</button>
    </section>
    <section aria-labelledby="analyse-cor-h">
      <h3 class="ifn-subh" id="analyse-cor-h">Indicateurs qui se recoupent</h3>
      <div id="analyse-correlations" aria-live="polite"></div>
    </section>
  </div>`;
  const $ = (id) => el.querySelector(`#${id}`);

  function moverList(list, id, empty) {
    if (!list.length) return `<p class="ifn-hint" id="${id}">${empty}</p>`;
    return `<ol class="ifn-movers" id="${id}">${list.map((t) => `<li><button type="button" class="ifn-link" data-code="${esc(t.code)}">${esc(t.name)}</button>
      <span class="ifn-hint-inline">rang ${fmtRank(t.rank_base)} → ${fmtRank(t.rank)} (${fmtChange(t.rank_change)}), score ${fmtDiff(t.difference)}</span></li>`).join('')}</ol>`;
  }

  function renderDelta(d) {
    const moved = d.territories.filter((t) => t.rank_change).length;
    $('analyse-delta').innerHTML = `<p id="analyse-delta-summary">${moved
      ? `${fmtPop(moved)} territoires sur ${fmtPop(d.territories.length)} changent de rang.`
      : 'Votre sélection classe les territoires comme la méthode publique : aucun rang ne change.'}</p>
      <h4 class="ifn-minih">Deviennent plus fragiles (montent vers le rang 1)</h4>
      ${moverList(d.movers_up, 'analyse-movers-up', 'Aucun territoire ne monte.')}
      <h4 class="ifn-minih">Deviennent moins fragiles</h4>
      ${moverList(d.movers_down, 'analyse-movers-down', 'Aucun territoire ne recule.')}`;
  }

  function renderRobustness(r) {
    const widest = r.territories.filter((t) => t.rank != null)
      .sort((a, b) => (b.rank_p95 - b.rank_p05) - (a.rank_p95 - a.rank_p05)).slice(0, 5);
    $('analyse-robustness').innerHTML = `<p id="analyse-rob-summary"><strong>${fmtPop(r.wide)}</strong> territoire${r.wide > 1 ? 's' : ''} sur ${fmtPop(r.ranked)} ${r.wide > 1 ? 'ont' : 'a'} un rang instable
      (intervalle de 5 à 95 % plus large que ${fmtPct(r.options.wide_share, 0)} des rangs), pour des poids ±${fmt(r.options.spread * 100, 0)} % sur ${fmtPop(r.options.draws)} tirages.</p>
      <h4 class="ifn-minih">Rangs les moins sûrs</h4>
      <ol class="ifn-movers" id="analyse-widest">${widest.map((t) => `<li><button type="button" class="ifn-link" data-code="${esc(t.code)}">${esc(t.name)}</button>
        <span class="ifn-hint-inline">rang ${fmtRank(t.rank)}, entre ${fmtRank(t.rank_p05)} et ${fmtRank(t.rank_p95)}</span></li>`).join('')}</ol>`;
  }

  function renderCorrelations(c) {
    const rows = c.indicators.map((i) => `<tr><th scope="row">${esc(labelOf(catalogue, i.key))}</th>
      <td class="ifn-num">${fmtPct(i.nominal_weight, 0)}</td><td class="ifn-num">${fmt(i.with_total, 2)}</td></tr>`).join('');
    const pairs = c.flagged.length
      ? `<ul id="analyse-flagged">${c.flagged.map((p) => `<li><strong>${esc(labelOf(catalogue, p.a))}</strong> et <strong>${esc(labelOf(catalogue, p.b))}</strong> :
          ρ = ${fmt(p.classes, 2)} sur les classes, ${fmt(p.raw, 2)} sur les valeurs — ils disent presque la même chose, les garder tous deux revient à doubler leur poids.</li>`).join('')}</ul>`
      : `<p class="ifn-hint" id="analyse-flagged">Aucune paire d'indicateurs corrélée au-delà de ${fmt(c.threshold, 1)} (convention du manuel JRC/OCDE).</p>`;
    $('analyse-correlations').innerHTML = `${pairs}
      <table class="ifn-table" id="analyse-weights"><caption>Poids nominal et poids effectif (corrélation de Spearman avec le score)</caption>
      <thead><tr><th scope="col">Indicateur</th><th scope="col">Poids</th><th scope="col">ρ avec le score</th></tr></thead>
      <tbody>${rows}</tbody></table>`;
  }

  function renderLegend(drawn) {
    // The classes' legend would describe colours that the analysis layer covers.
    classLegend.hidden = drawn;
    if (!drawn) { legend.hidden = true; return; }
    if (layer === 'delta') {
      const m = last.delta?.extent ?? 1;
      legend.innerHTML = `<p class="ifn-legend-title">Écart de score : votre sélection − méthode publique</p>
        <span class="ifn-gradient" style="background:linear-gradient(90deg,${DIVERGING.join(',')})"></span>
        <p class="ifn-legend-ends"><span>${fmtDiff(-m)} moins fragile</span><span>0</span><span>${fmtDiff(m)} plus fragile</span></p>`;
    } else {
      legend.innerHTML = `<p class="ifn-legend-title">Instabilité du rang (largeur de l'intervalle 5–95 %)</p>
        <span class="ifn-gradient" style="background:linear-gradient(90deg,${INSTABILITY.map((s) => s[1]).join(',')})"></span>
        <p class="ifn-legend-ends"><span>stable</span><span>${fmtPct(0.1, 0)} des rangs</span><span>${fmtPct(0.4, 0)} et plus</span></p>`;
    }
    legend.hidden = false;
  }

  function applyLayer() {
    for (const [id, kind] of [['analyse-map-delta', 'delta'], ['analyse-map-instability', 'instability']]) {
      $(id).setAttribute('aria-pressed', String(layer === kind));
    }
    const level = viewer.level;
    let drawn = true;
    if (layer === 'delta' && last.delta?.level === level) {
      const m = last.delta.extent;
      setAnalyseValues(map, level, last.delta.territories.map((t) => [t.code, t.difference]));
      showAnalyseLayer(map, levels, level, DIVERGING.map((c, i) => [(-1 + i / 2) * m, c]));
    } else if (layer === 'instability' && last.robustness?.level === level) {
      const n = Math.max(1, last.robustness.ranked);
      setAnalyseValues(map, level, last.robustness.territories.map((t) => [t.code, t.rank == null ? NaN : (t.rank_p95 - t.rank_p05) / n]));
      showAnalyseLayer(map, levels, level, INSTABILITY);
    } else {
      showAnalyseLayer(map, levels, level, null);
      drawn = false;
    }
    renderLegend(drawn);
  }

  /** Recomputes what is shown (the tab when open, the analysis layer when drawn). */
  async function refresh() {
    const tabOpen = !el.hidden && !el.closest('[hidden]');
    if (!tabOpen && !layer) { showAnalyseLayer(map, levels, viewer.level, null); renderLegend(false); return; }
    const level = viewer.level;
    const query = viewer.query;
    const mine = ++seq;
    $('analyse-scope').textContent = `Échelle : ${LEVEL_LABELS[level] || level} — tous les territoires de l'échelle affichée.`;
    const fail = (id) => (e) => { if (mine === seq) $(id).innerHTML = `<p class="fr-error-text">Analyse impossible : ${esc(e.message)}</p>`; };
    const wait = (id) => { $(id).innerHTML = '<p class="ifn-hint">Calcul…</p>'; };
    const jobs = [];
    if (tabOpen || layer === 'delta') {
      wait('analyse-delta');
      jobs.push(api.analyse('delta', level, query, `&top=${TOP}`).then((d) => {
        if (mine !== seq) return;
        const diffs = d.territories.map((t) => Math.abs(t.difference ?? 0)).sort((a, b) => a - b);
        d.extent = Math.max(0.5, Math.ceil(10 * (diffs[Math.floor(0.98 * (diffs.length - 1))] || 0)) / 10);
        last.delta = d;
        renderDelta(d);
      }, fail('analyse-delta')));
    }
    if (tabOpen || layer === 'instability') {
      wait('analyse-robustness');
      jobs.push(api.analyse('robustness', level, query, robustnessExtra()).then((r) => {
        if (mine !== seq) return;
        last.robustness = r;
        renderRobustness(r);
      }, fail('analyse-robustness')));
    }
    if (tabOpen) {
      wait('analyse-correlations');
      jobs.push(api.analyse('correlations', level, query).then((c) => { if (mine === seq) renderCorrelations(c); }, fail('analyse-correlations')));
    }
    await Promise.all(jobs);
    if (mine === seq) {
      applyLayer();
      el.dataset.ready = 'true';
    }
  }

  el.addEventListener('click', (e) => {
    const b = e.target.closest('[data-code]');
    if (b) onOpen(viewer.level, b.dataset.code);
  });
  for (const [id, kind] of [['analyse-map-delta', 'delta'], ['analyse-map-instability', 'instability']]) {
    $(id).addEventListener('click', () => { layer = layer === kind ? null : kind; applyLayer(); });
  }
  $('analyse-rob-run').addEventListener('click', () => {
    const spread = Number($('analyse-spread').value);
    if (!(spread >= 0 && spread <= 100)) {
      $('analyse-robustness').innerHTML = '<p class="fr-error-text">La variation des poids doit être comprise entre 0 et 100 %.</p>';
      return;
    }
    options.spread = spread / 100;
    options.draws = Number($('analyse-draws').value);
    refresh();
  });

  /**
   * Fills `target` with the territory's rank and its interval under the current robustness
   * options (« rang 412e sur 35 000, entre 350e et 480e selon les poids »).
   */
  async function rankLine(level, code, target) {
    target.innerHTML = '<span class="ifn-hint">Rang : calcul…</span>';
    try {
      const r = await api.analyse('robustness', level, viewer.query, `${robustnessExtra()}&codes=${encodeURIComponent(code)}`);
      const t = r.territories[0];
      if (!t || t.rank == null) { target.innerHTML = '<span class="ifn-hint">Pas de rang : score manquant.</span>'; return; }
      const same = t.rank_p05 === t.rank_p95;
      target.innerHTML = `Rang <strong id="detail-rank-value">${fmtRank(t.rank)}</strong> sur ${fmtPop(r.ranked)} (1 = le plus fragile)${same
        ? ', quels que soient les poids'
        : `, <span id="detail-rank-interval">entre ${fmtRank(t.rank_p05)} et ${fmtRank(t.rank_p95)}</span> selon les poids`}
        <span class="ifn-hint-inline">(±${fmt(r.options.spread * 100, 0)} %, ${fmtPop(r.options.draws)} tirages)</span>${t.wide ? ' — <strong>rang instable</strong>' : ''}`;
    } catch (e) {
      target.innerHTML = `<span class="ifn-hint">Rang indisponible : ${esc(e.message)}</span>`;
    }
  }

  return { refresh, rankLine };
}
