// The sidebar: profile switch, level choice, indicator checkboxes with definitions, weights.

import { LEVEL_LABELS } from './config.js';
import { activeIndicators } from './state.js';
import { esc } from './esc.js';

/** Producer of the indicators added from a file at run time (`ifn serve --indicators-file`). */
const LOCAL_PRODUCER = 'indicateur local';

/**
 * Wires the sidebar controls to the state. `onChange(kind)` is called after the state changed
 * (`kind` is "selection" when the scores change, "level" when only the drawn level changes).
 */
export function initControls({ state, catalogue, meta, onChange }) {
  const $ = (id) => document.getElementById(id);
  const indicatorDef = (k) => catalogue.indicators.find((i) => i.key === k);
  const available = new Set(catalogue.available || catalogue.indicators.map((i) => i.key));

  // Profiles as a DSFR segmented control.
  $('profile-options').innerHTML = catalogue.profiles.map((p) => `
    <div class="fr-segmented__element">
      <input value="${esc(p.key)}" type="radio" id="profile-${esc(p.key)}" name="profile">
      <label class="fr-label" for="profile-${esc(p.key)}" title="${esc(p.description)}">${esc(p.label)}</label>
    </div>`).join('');
  document.querySelectorAll('input[name="profile"]').forEach((r) => r.addEventListener('change', () => {
    state.profile = r.value;
    state.indicators = null;
    state.weights = {};
    render();
    onChange('selection');
  }));

  // Levels that have contours, plus the automatic mode.
  for (const l of meta.levels) {
    const o = document.createElement('option');
    o.value = l;
    o.textContent = LEVEL_LABELS[l] || l;
    $('level-select').appendChild(o);
  }
  $('level-select').addEventListener('change', (e) => {
    state.level = e.target.value;
    onChange('level');
  });
  $('reference-select').addEventListener('change', (e) => {
    state.reference = e.target.value;
    onChange('selection');
  });
  $('colour-select').addEventListener('change', (e) => {
    state.colour = e.target.value;
    onChange('colour');
  });
  $('reset-indicators').addEventListener('click', () => {
    state.indicators = null;
    render();
    onChange('selection');
  });
  $('reset-weights').addEventListener('click', () => {
    state.weights = {};
    render();
    onChange('selection');
  });

  function checkbox(key, checked, disabled) {
    const def = indicatorDef(key) || { label: key };
    const id = `ind-${key}`;
    const tipId = `tip-${key}`;
    return `<div class="ifn-check">
      <input type="checkbox" id="${id}" data-key="${esc(key)}" ${checked ? 'checked' : ''} ${disabled ? 'disabled' : ''} aria-describedby="${tipId}">
      <label for="${id}">${esc(def.label)}${def.producer === LOCAL_PRODUCER ? ' <span class="fr-badge fr-badge--sm fr-badge--purple-glycine" title="Indicateur ajouté au lancement du serveur (--indicators-file)">indicateur local</span>' : ''}${disabled && !checked ? ' <em>(pas de données)</em>' : ''}</label>
      <button type="button" class="ifn-info" aria-label="Définition : ${esc(def.label)}" aria-expanded="false" aria-controls="${tipId}">i</button>
      <div class="ifn-tip" id="${tipId}" role="tooltip" hidden>
        <p>${esc(def.definition)}</p>
        <p class="ifn-tip-source">Source : ${esc(def.producer)} — ${esc(def.source)} (${esc(def.vintage)})${def.unit ? ` · unité : ${esc(def.unit)}` : ''}</p>
      </div>
    </div>`;
  }

  function render() {
    const profile = catalogue.profiles.find((p) => p.key === state.profile) || catalogue.profiles[0];
    state.profile = profile.key;
    document.querySelectorAll('input[name="profile"]').forEach((r) => { r.checked = r.value === profile.key; });
    $('profile-description').textContent = profile.description;
    $('level-select').value = state.level;
    $('reference-select').value = state.reference;
    const active = activeIndicators(state, catalogue);
    const only = active.length === 1;
    const group = (keys) => keys.map((k) => {
      const on = active.includes(k);
      return checkbox(k, on, !available.has(k) || (on && only));
    }).join('');
    $('checks-ifn').innerHTML = group(profile.ifn);
    $('checks-contexte').innerHTML = group(profile.contexte);
    document.querySelectorAll('.ifn-checks input[type="checkbox"]').forEach((c) => c.addEventListener('change', () => {
      const keys = new Set(activeIndicators(state, catalogue));
      if (c.checked) keys.add(c.dataset.key); else keys.delete(c.dataset.key);
      // keep the catalogue order (IFN axis first), so that links and CSV columns are stable
      state.indicators = [...profile.ifn, ...profile.contexte].filter((k) => keys.has(k));
      render();
      onChange('selection');
    }));
    document.querySelectorAll('.ifn-info').forEach((b) => {
      const tip = document.getElementById(b.getAttribute('aria-controls'));
      const toggle = (show) => { tip.hidden = !show; b.setAttribute('aria-expanded', String(show)); };
      b.addEventListener('click', () => toggle(tip.hidden));
      b.addEventListener('mouseenter', () => toggle(true));
      b.addEventListener('mouseleave', () => toggle(false));
      b.addEventListener('blur', () => toggle(false));
      b.addEventListener('keydown', (e) => { if (e.key === 'Escape') toggle(false); });
    });

    // Colour by the score or by one selected indicator's class (tiles carry both).
    if (state.colour !== 'score' && !active.includes(state.colour)) state.colour = 'score';
    $('colour-select').innerHTML = [['score', 'Score IFN (total)'], ...active.map((k) => [k, `Classe : ${indicatorDef(k)?.label || k}`])]
      .map(([v, l]) => `<option value="${esc(v)}" ${v === state.colour ? 'selected' : ''}>${esc(l)}</option>`).join('');

    // One slider per selected indicator.
    $('weights').innerHTML = active.map((k) => {
      const w = state.weights[k] ?? 1;
      return `<div class="ifn-weight-row">
        <label for="w-${esc(k)}">${esc(indicatorDef(k)?.label || k)}</label>
        <input type="range" id="w-${esc(k)}" data-key="${esc(k)}" min="0" max="5" step="0.5" value="${w}">
        <output for="w-${esc(k)}">${w}</output>
      </div>`;
    }).join('');
    $('weights').insertAdjacentHTML('beforeend', '<p class="fr-error-text" id="weights-error" role="alert" hidden></p>');
    let timer = null;
    document.querySelectorAll('#weights input[type="range"]').forEach((r) => r.addEventListener('input', () => {
      let w = Number(r.value);
      // A score needs at least one weight above 0: the last one cannot go to 0.
      const others = active.filter((k) => k !== r.dataset.key).map((k) => state.weights[k] ?? 1);
      const error = $('weights-error');
      if (w === 0 && others.every((x) => x === 0)) {
        w = Number(r.step) || 0.5;
        r.value = String(w);
        error.textContent = 'Au moins un indicateur doit garder un poids supérieur à 0 : sinon aucun score ne peut être calculé.';
        error.hidden = false;
      } else {
        error.hidden = true;
      }
      r.nextElementSibling.textContent = String(w);
      if (w === 1) delete state.weights[r.dataset.key]; else state.weights[r.dataset.key] = w;
      clearTimeout(timer);
      timer = setTimeout(() => onChange('selection'), 250);
    }));
  }

  render();
  return { render };
}
