// The API of ifn answered in the browser from a static site (`ifn site`): the same answers as
// the server's for what needs no server (docs/api.md), computed from the site's tables with the
// engine's method (scoring.js). What needs the server says so in French.

import { classColumn, levelTotals, parseSelection, rollUp, unitTotals } from './scoring.js';
import { SiteData } from './site-data.js';

/** Error of a request the static site cannot answer (the viewer shows its message). */
export class StaticError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The text of a needs-the-server answer. */
export const NEEDS_SERVER = 'nécessite le serveur ifn (ce site est statique)';

async function json(url) {
  const res = await fetch(url);
  if (!res.ok) throw new StaticError(res.status, `${url} : ${res.status}`);
  return res.json();
}

/** Lower-case, without accents, punctuation as spaces (as the server's search folds names). */
export function fold(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

const ABBREVIATIONS = { st: 'saint', ste: 'sainte', cc: 'communaute de communes', ca: 'communaute d agglomeration', cu: 'communaute urbaine' };

/** The rules' rounding of a score for display (rules::round_display): half up on the decimal text. */
export function roundDisplay(v, decimals = 1) {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** decimals;
  // Scores are 1–10: the shortest text of v·10^d, rounded half up, is the decimal rounding.
  return Math.sign(v) * Math.round(Number((Math.abs(v) * f).toPrecision(15))) / f;
}

const finite = (v) => (Number.isFinite(v) ? v : null);

/** The static API over a site; `site` from `SiteData.open`. */
export class StaticApi {
  constructor(site, meta, catalogue) {
    this.site = site;
    this.metaDoc = meta;
    this.catalogueDoc = catalogue;
    this.units = new Map();
    this.levelCache = new Map();
  }

  static async open(siteUrl) {
    const site = await SiteData.open(siteUrl);
    const [meta, catalogue] = await Promise.all([json(site.url('api/meta.json')), json(site.url('api/catalogue.json'))]);
    return new StaticApi(site, meta, catalogue);
  }

  selection(query) {
    try {
      return parseSelection(query, this.catalogueDoc);
    } catch (e) {
      throw new StaticError(400, e.message);
    }
  }

  /** Unit totals of a selection (kept for the last few selections). */
  async unitScores(sel) {
    const key = `${sel.reference}|${sel.indicators.join(',')}|${sel.weights.join(',')}`;
    if (!this.units.has(key)) {
      const classes = await this.site.classes(sel.reference);
      const cols = sel.indicators.map((k) => this.site.column.get(k));
      if (cols.some((c) => c == null)) throw new StaticError(400, 'indicateur absent des tables de ce site');
      if (this.units.size > 8) this.units.clear();
      this.units.set(key, unitTotals(classes, this.site.n, cols, sel.weights));
    }
    return this.units.get(key);
  }

  /** Totals, indicators used, names, codes and populations of a level for a selection query. */
  async levelScores(level, query) {
    const sel = this.selection(query);
    const [t, ofUnit, population, units] = await Promise.all([
      this.site.territories(level), this.site.ofUnit(level), this.site.population(), this.unitScores(sel)]);
    const count = t.codes.length;
    const total = levelTotals(units, population, ofUnit, count);
    const classes = await this.levelColumns(level, sel.reference, sel.indicators, 'class');
    const used = new Uint8Array(count);
    sel.indicators.forEach((k, i) => {
      if (!(sel.weights[i] > 0)) return;
      const c = classes[k];
      for (let r = 0; r < count; r++) if (!Number.isNaN(c[r])) used[r] += 1;
    });
    const pop = ofUnit ? rollUpSum(population, ofUnit, count) : population;
    return { level, sel, codes: t.codes, names: t.names, bbox: t.bbox, row: t.row, total, used, classes, population: pop };
  }

  /** Per indicator key: the level's classes (`kind` 'class', for a reference) or raw values. */
  async levelColumns(level, reference, keys, kind) {
    const [t, ofUnit, population] = await Promise.all([this.site.territories(level), this.site.ofUnit(level), this.site.population()]);
    const out = {};
    await Promise.all(keys.map(async (k) => {
      const cacheKey = `${level}|${kind}|${kind === 'class' ? reference : ''}|${k}`;
      if (!this.levelCache.has(cacheKey)) {
        const unit = kind === 'class'
          ? classColumn(await this.site.classes(reference), this.site.n, this.site.column.get(k))
          : await this.site.raw(k);
        this.levelCache.set(cacheKey, ofUnit ? rollUp(unit, population, ofUnit, t.codes.length) : unit);
      }
      out[k] = this.levelCache.get(cacheKey);
    }));
    return out;
  }

  // ------------------------------------------------------------------ the API's answers

  meta() { return Promise.resolve(this.metaDoc); }

  catalogue() { return Promise.resolve(this.catalogueDoc); }

  placeFacets() { return json(this.site.url('api/places-facets.json')); }

  places() { return json(this.site.url('api/places.json')); }

  tileJson(level) {
    const l = this.site.manifest.levels.find((x) => x.level === level);
    return Promise.resolve({ minzoom: 0, maxzoom: l?.max_zoom ?? 10, bounds: this.site.manifest.bbox });
  }

  analyse() { return Promise.reject(new StaticError(501, `L'analyse ${NEEDS_SERVER}.`)); }

  /** `/api/search`: words in any order, each the start of a word of the name (or the code). */
  async search(q) {
    const words = fold(q).split(' ').filter(Boolean).map((w) => ABBREVIATIONS[w] ? [w, ...ABBREVIATIONS[w].split(' ')] : [w]);
    if (!words.length) return { results: [] };
    const results = [];
    for (const level of [...this.site.levels].reverse()) {
      const t = await this.site.territories(level);
      t.folded ||= t.names.map((n) => ` ${fold(n)}`);
      const pop = (await this.levelScoresLight(level)).population;
      for (let r = 0; r < t.codes.length; r++) {
        const name = t.folded[r];
        const code = t.codes[r].toLowerCase();
        const hit = words.every((alts) => alts.some((w) => name.includes(` ${w}`) || code.startsWith(w)));
        if (hit) results.push({ level, code: t.codes[r], name: t.names[r], parent: '', population: finite(pop[r]), bbox: t.bbox?.[r] ?? null, exact: name.trim() === fold(q) });
      }
    }
    results.sort((a, b) => (b.exact - a.exact) || ((b.population ?? 0) - (a.population ?? 0)));
    return { results: results.slice(0, 8).map(({ exact, ...r }) => r) };
  }

  /** Populations of a level (no selection needed). */
  async levelScoresLight(level) {
    const key = `pop|${level}`;
    if (!this.levelCache.has(key)) {
      const [t, ofUnit, population] = await Promise.all([this.site.territories(level), this.site.ofUnit(level), this.site.population()]);
      this.levelCache.set(key, { population: ofUnit ? rollUpSum(population, ofUnit, t.codes.length) : population });
    }
    return this.levelCache.get(key);
  }

  /** `/api/scores/{level}` as JSON (`ifn score --format json`). */
  async scores(level, query) {
    const s = await this.levelScores(level, query);
    const raw = await this.levelColumns(level, s.sel.reference, s.sel.indicators, 'raw');
    const weights = Object.fromEntries(s.sel.indicators.map((k, i) => [k, s.sel.weights[i]]));
    return {
      level, profile: s.sel.profile, reference: s.sel.reference, indicators: s.sel.indicators, weights,
      territories: s.codes.map((code, r) => ({
        code, name: s.names[r], population: finite(s.population[r]), total: finite(s.total[r]), indicators_used: s.used[r],
        classes: Object.fromEntries(s.sel.indicators.map((k) => [k, finite(s.classes[k][r])])),
        raw: Object.fromEntries(s.sel.indicators.map((k) => [k, finite(raw[k][r])])),
      })),
    };
  }

  /** Parents (coarse → fine) of a territory: from its first base unit. */
  async parents(level, row) {
    const levels = this.site.levels;
    const at = levels.indexOf(level);
    const ofUnit = await this.site.ofUnit(level);
    let unit = row;
    if (ofUnit) unit = ofUnit.indexOf(row);
    if (unit < 0) return [];
    const out = [];
    for (const pl of levels.slice(at + 1)) {
      const [t, of] = await Promise.all([this.site.territories(pl), this.site.ofUnit(pl)]);
      const r = of ? of[unit] : unit;
      if (r < t.codes.length) out.push({ level: pl, code: t.codes[r], name: t.names[r] });
    }
    return out.reverse();
  }

  /** `/api/territories/{level}/{code}`: the detail card's answer. */
  async territory(level, code, query) {
    const s = await this.levelScores(level, query);
    const row = s.row.get(code);
    if (row == null) throw new StaticError(404, `aucun territoire de niveau ${level} avec le code « ${code} » dans ce site`);
    const profile = this.catalogueDoc.profiles.find((p) => p.key === s.sel.profile);
    const available = new Set(this.catalogueDoc.available || []);
    const keys = [...profile.ifn, ...profile.contexte].filter((k) => available.has(k) && this.site.column.has(k));
    const [classes, raw] = await Promise.all([
      this.levelColumns(level, s.sel.reference, keys, 'class'), this.levelColumns(level, s.sel.reference, keys, 'raw')]);
    const parents = await this.parents(level, row);
    const dep = parents.find((p) => p.level === 'departement');
    let depValues = null;
    if (dep && level !== 'departement' && level !== 'region') {
      const dt = await this.site.territories('departement');
      const [dc, dr] = await Promise.all([
        this.levelColumns('departement', s.sel.reference, keys, 'class'), this.levelColumns('departement', s.sel.reference, keys, 'raw')]);
      depValues = { row: dt.row.get(dep.code), dc, dr };
    }
    const france = await this.franceValues(s.sel.reference, keys);
    const weightOf = (k) => { const i = s.sel.indicators.indexOf(k); return i < 0 ? null : s.sel.weights[i]; };
    const presentWeight = keys.filter((k) => Number.isFinite(classes[k][row])).reduce((a, k) => a + (weightOf(k) ?? 0), 0);
    const defs = new Map(this.catalogueDoc.indicators.map((d) => [d.key, d]));
    const total = s.total[row];
    return {
      level, code, name: s.names[row], population: finite(s.population[row]), bbox: s.bbox?.[row] ?? null, parents,
      total: finite(total), total_display: Number.isFinite(total) ? roundDisplay(total).toFixed(1) : null,
      indicators_used: s.used[row], indicators_selected: s.sel.indicators.length,
      selection: { profile: s.sel.profile, indicators: s.sel.indicators, weights: Object.fromEntries(s.sel.indicators.map((k, i) => [k, s.sel.weights[i]])), reference: s.sel.reference },
      indicators: keys.map((k) => {
        const d = defs.get(k) || {};
        const w = weightOf(k);
        const c = classes[k][row];
        return {
          key: k, label: d.label || k, unit: d.unit || '', axis: d.axis ?? null, selected: w != null, weight: w,
          raw: finite(raw[k][row]), class: finite(c),
          contribution: w != null && presentWeight > 0 ? finite((w * c) / presentWeight) : null,
          higher_is_fragile: d.higher_is_fragile ?? true,
          departement: depValues && depValues.row != null ? { raw: finite(depValues.dr[k][depValues.row]), class: finite(depValues.dc[k][depValues.row]) } : null,
          france: france[k],
          definition: d.definition || '', source: d.source || '', producer: d.producer || '', vintage: d.vintage || '',
        };
      }),
      offer: await this.offer(level, code, query, s.sel),
    };
  }

  /**
   * The offer figures of a territory, computed by `ifn site` for the default selection and
   * options only (other selections need the server: null).
   */
  async offer(level, code, query, sel) {
    let doc;
    try {
      doc = await this.site.once(`offer-${level}`, async () => JSON.parse(new TextDecoder().decode(await this.site.bytes(`data/offer-${level}.json.gz`))));
    } catch {
      return null;
    }
    const q = new URLSearchParams(query);
    const sameOptions = ['threshold', 'distance_km'].every((k) => !q.has(k) || Number(q.get(k)) === doc.options[k]);
    const sameSelection = sel.profile === doc.profile && sel.reference === 'france' && sel.weights.every((w) => w === 1)
      && sel.indicators.length === doc.indicators.length && sel.indicators.every((k, i) => k === doc.indicators[i]);
    return sameOptions && sameSelection ? doc.territories[code] ?? null : null;
  }

  /** Each indicator over the whole site (raw, class): the roll-up of every unit. */
  async franceValues(reference, keys) {
    const population = await this.site.population();
    const all = new Uint32Array(this.site.n);
    const out = {};
    await Promise.all(keys.map(async (k) => {
      const [raw, classes] = await Promise.all([this.site.raw(k), this.site.classes(reference)]);
      out[k] = {
        raw: finite(rollUp(raw, population, all, 1)[0]),
        class: finite(rollUp(classColumn(classes, this.site.n, this.site.column.get(k)), population, all, 1)[0]),
      };
    }));
    return out;
  }

  /** `/api/table/{level}`: columns of the level's territories. */
  async table(level, query) {
    const s = await this.levelScores(level, query);
    const raw = await this.levelColumns(level, s.sel.reference, s.sel.indicators, 'raw');
    const ofUnit = await this.site.ofUnit(level);
    const parentCodes = async (pl) => {
      if (!this.site.levels.includes(pl) || this.site.levels.indexOf(pl) <= this.site.levels.indexOf(level)) return { codes: s.codes.map(() => null), names: {} };
      const [t, of] = await Promise.all([this.site.territories(pl), this.site.ofUnit(pl)]);
      const first = new Int32Array(s.codes.length).fill(-1);
      for (let i = 0; i < this.site.n; i++) {
        const r = ofUnit ? ofUnit[i] : i;
        if (r < first.length && first[r] < 0) first[r] = i;
      }
      const codes = [...first].map((u) => (u < 0 || of[u] >= t.codes.length ? null : t.codes[of[u]]));
      const names = {};
      for (const c of codes) if (c != null) names[c] = t.names[t.row.get(c)];
      return { codes, names };
    };
    const [dep, epci] = await Promise.all([parentCodes('departement'), parentCodes('epci')]);
    const col = (a) => Array.from(a, finite);
    return {
      level, selection: { profile: s.sel.profile, indicators: s.sel.indicators, weights: Object.fromEntries(s.sel.indicators.map((k, i) => [k, s.sel.weights[i]])), reference: s.sel.reference },
      code: s.codes, name: s.names, departement: dep.codes, epci: epci.codes, population: col(s.population), total: col(s.total),
      indicators_used: Array.from(s.used),
      classes: Object.fromEntries(s.sel.indicators.map((k) => [k, col(s.classes[k])])),
      raw: Object.fromEntries(s.sel.indicators.map((k) => [k, col(raw[k])])),
      departement_names: dep.names, epci_names: epci.names,
    };
  }
}

/** Sum of a per-unit value over each territory. */
function rollUpSum(values, ofUnit, count) {
  const out = new Float64Array(count);
  for (let i = 0; i < values.length; i++) if (ofUnit[i] < count) out[ofUnit[i]] += values[i];
  return out;
}
