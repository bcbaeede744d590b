// Scoring in the browser, as ifn's engine does it (crates/core/src/engine), for the static site:
//
// - a base unit's total is the weighted mean of the classes of the selected indicators it has:
//   Σ w_j c_j / Σ w_j over the selected indicators with a class (classes 1–10, 0 = missing) and a
//   weight > 0; no such indicator: no total (NaN);
// - a territory's total is the population-weighted mean of its base units' totals (units
//   without a total left out; the plain mean when those units all have population 0);
// - a territory's class or raw value of an indicator is the same roll-up of its units' values.
//
// Pure functions over typed arrays: the same code runs in the page and in the tests.

/**
 * Totals of every base unit. `classes`: Uint8Array, column-major (indicator j is
 * `classes[j·n .. (j+1)·n]`); `cols`: column of each selected indicator; `weights`: its weight.
 * Columns are summed in increasing order, as the engine does, so the totals are the engine's bits.
 */
export function unitTotals(classes, n, cols, weights) {
  const order = cols.map((c, k) => [c, weights[k]]).filter(([, w]) => w > 0).sort((a, b) => a[0] - b[0]);
  const num = new Float64Array(n);
  const den = new Float64Array(n);
  const used = new Uint8Array(n);
  for (const [c, w] of order) {
    const col = classes.subarray(c * n, c * n + n);
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (v !== 0) {
        num[i] += w * v;
        den[i] += w;
        used[i] += 1;
      }
    }
  }
  const total = new Float64Array(n);
  for (let i = 0; i < n; i++) total[i] = den[i] > 0 ? num[i] / den[i] : NaN;
  return { total, used };
}

/**
 * Population-weighted mean of a per-unit value over each of `count` territories; `ofUnit[i]` is
 * unit i's territory (0xFFFFFFFF: none). NaN values are left out.
 */
export function rollUp(values, population, ofUnit, count) {
  const sw = new Float64Array(count);
  const w = new Float64Array(count);
  const su = new Float64Array(count);
  const k = new Uint32Array(count);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = ofUnit[i];
    if (Number.isNaN(v) || t >= count) continue;
    const p = population[i];
    sw[t] += p * v;
    w[t] += p;
    su[t] += v;
    k[t] += 1;
  }
  const out = new Float64Array(count);
  for (let t = 0; t < count; t++) out[t] = w[t] > 0 ? sw[t] / w[t] : k[t] > 0 ? su[t] / k[t] : NaN;
  return out;
}

/** One class column as floats (missing → NaN), for a roll-up. */
export function classColumn(classes, n, col) {
  const out = new Float64Array(n);
  const src = classes.subarray(col * n, col * n + n);
  for (let i = 0; i < n; i++) out[i] = src[i] === 0 ? NaN : src[i];
  return out;
}

/**
 * Totals of a level: the unit totals themselves at the base level (`ofUnit` null), else their
 * roll-up.
 */
export function levelTotals(units, population, ofUnit, count) {
  return ofUnit ? rollUp(units.total, population, ofUnit, count) : units.total;
}

/**
 * Parses the selection part of an API query (`profile`, `indicators`, `weights`, `reference`)
 * and checks it against the catalogue as the server does; throws an Error with a French message.
 */
export function parseSelection(query, catalogue) {
  const q = new URLSearchParams(query);
  const profileKey = q.get('profile') || catalogue.profiles[0].key;
  const profile = catalogue.profiles.find((p) => p.key === profileKey);
  if (!profile) throw new Error(`profil inconnu « ${profileKey} » : ${catalogue.profiles.map((p) => p.key).join(', ')}`);
  const available = new Set(catalogue.available || catalogue.indicators.map((i) => i.key));
  const allowed = new Set([...profile.ifn, ...profile.contexte]);
  let indicators;
  if (q.get('indicators')) {
    indicators = [...new Set(q.get('indicators').split(',').map((s) => s.trim()).filter(Boolean))];
    for (const k of indicators) {
      if (!allowed.has(k)) throw new Error(`l'indicateur « ${k} » n'est pas du profil ${profileKey}`);
      if (!available.has(k)) throw new Error(`l'indicateur « ${k} » n'a pas de données dans ce jeu`);
    }
  } else {
    indicators = profile.ifn.filter((k) => available.has(k));
  }
  if (!indicators.length) throw new Error('aucun indicateur sélectionné');
  const weights = indicators.map(() => 1);
  for (const pair of (q.get('weights') || '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key, value] = pair.split('=');
    const w = Number(value);
    if (value == null || value.trim() === '' || !Number.isFinite(w) || w < 0) throw new Error(`poids invalide « ${pair} » : un nombre ≥ 0 est attendu`);
    const i = indicators.indexOf(key.trim());
    if (i < 0) throw new Error(`poids pour « ${key} », qui n'est pas sélectionné`);
    weights[i] = w;
  }
  if (weights.every((w) => w === 0)) throw new Error('tous les poids sont à 0 : donnez un poids > 0 à au moins un indicateur');
  const reference = q.get('reference') || 'france';
  return { profile: profileKey, indicators, weights, reference };
}
