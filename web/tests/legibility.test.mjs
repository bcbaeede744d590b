// End-to-end tests of what makes the map readable at a glance (issue "A map of France a planner
// reads at a glance"): the first view, the "why" first in the detail card, the hierarchy in one
// click, the search, the comparison, the places' legend, the contrast mode, the weights that
// cannot all be 0, and tiles fetched for the drawn level only.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, endSession, frNumber, openViewer, session, shot, startSession, territoryPoints, waitIdle,
} from './helpers.mjs';

/** Opens the detail card of the first clickable territory; returns the point and the API detail. */
async function openDetail(page) {
  const [p] = await territoryPoints(page, 1);
  assert.ok(p, 'a clickable territory');
  await page.mouse.click(p.x, p.y);
  await page.waitForSelector(`#detail .ifn-card[data-code="${p.code}"] #detail-why`, { timeout: 10_000 });
  const query = await page.evaluate(() => window.ifnViewer.query);
  const api = await (await fetch(`${BASE}/api/territories/${p.level}/${encodeURIComponent(p.code)}?${query}`)).json();
  return { p, api };
}

describe('ifn web viewer: legibility', { concurrency: false }, () => {
  before(startSession);
  after(endSession);

  test('the first view fits metropolitan France when a store spans the overseas départements', async () => {
    const page = await openViewer();
    const { france, demo, meta } = await page.evaluate(async () => {
      const m = await (await fetch('/api/meta')).json();
      return {
        meta: m.bbox,
        // France with its overseas départements at their true positions.
        france: window.ifnViewer.initialBbox([-61.81, -21.39, 55.84, 51.09], [-5.2, 41.3, 9.6, 51.1]),
        demo: window.ifnViewer.initialBbox(m.bbox, [-5.2, 41.3, 9.6, 51.1]),
      };
    });
    assert.deepEqual(france, [-5.2, 41.3, 9.6, 51.1]);
    assert.deepEqual(demo, meta, 'a store of one territory opens on itself');
    // The map shows the store's box at the start, and the initial view comes back with one click.
    const inView = () => page.evaluate((b) => window.ifnViewer.map.getBounds().contains([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]), meta);
    assert.ok(await inView());
    await page.evaluate(() => window.ifnViewer.map.jumpTo({ center: [0, 0], zoom: 9 }));
    await page.click('.ifn-view-btn[data-view="home"]');
    await waitIdle(page);
    assert.ok(await inView(), 'the initial view is back');
    // MapLibre's controls speak French.
    assert.equal(await page.getAttribute('.maplibregl-ctrl-zoom-in', 'aria-label'), 'Zoomer');
    await page.close();
  });

  test('names are written on the map with the glyphs served by ifn', async () => {
    const fonts = [];
    const page = await session.browser.context.newPage();
    page.on('pageerror', (e) => session.pageErrors.push(e.message));
    page.on('response', (r) => { if (r.url().includes('/fonts/')) fonts.push(r.status()); });
    await page.goto(`${BASE}/#l=commune`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.evaluate(() => window.ifnViewer.map.jumpTo({ zoom: 10 }));
    await waitIdle(page);
    const labels = await page.evaluate(() => window.ifnViewer.map.queryRenderedFeatures({ layers: ['labels-commune'] }).map((f) => f.properties.name));
    assert.ok(labels.length >= 3, `commune names drawn: ${labels.length}`);
    const table = await (await fetch(`${BASE}/api/table/commune`)).json();
    for (const name of labels) assert.ok(table.name.includes(name), `${name} is a commune`);
    assert.ok(fonts.length > 0 && fonts.every((s) => s === 200), `glyph requests: ${fonts}`);
    assert.equal(await page.evaluate(() => window.ifnViewer.map.getLayoutProperty('labels-epci', 'visibility')), 'none', 'only the drawn level is named');
    await shot(page, 'legibility-00-labels');
    await page.close();
  });

  test('the detail card puts the why first: indicators by contribution, with département and France', async () => {
    const page = await openViewer('#l=commune');
    const { api } = await openDetail(page);
    // The why comes before the offer.
    const [whyY, offerY] = await page.evaluate(() => [
      document.getElementById('detail-why').getBoundingClientRect().top,
      document.getElementById('detail-offer').getBoundingClientRect().top,
    ]);
    assert.ok(whyY < offerY, 'the indicators come before the offer block');
    const selected = api.indicators.filter((i) => i.selected).sort((a, b) => (b.contribution ?? -1) - (a.contribution ?? -1));
    const keys = await page.locator('#detail-why tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.key));
    assert.deepEqual(keys, selected.map((i) => i.key), 'rows ordered by the points they bring');
    // Département and France values as the API gives them.
    const first = selected[0];
    const cells = await page.locator('#detail-why tbody tr').first().locator('td').allTextContents();
    if (first.departement) assert.equal(frNumber(cells[1]), Number(first.departement.raw.toFixed(1)), `dép. cell "${cells[1]}"`);
    assert.equal(frNumber(cells[cells.length - 1]), Number(first.france.raw.toFixed(1)), `France cell "${cells[cells.length - 1]}"`);
    const used = await page.textContent('#detail-used');
    assert.match(used, new RegExp(`sur ${api.indicators_used} indicateurs? sur ${api.indicators_selected}`));
    assert.match(await page.textContent('#detail-class-reading'), /Comment lire une classe/);
    await shot(page, 'legibility-01-why');
    await page.close();
  });

  test('the breadcrumb opens the parents and a commune is compared with its département in one click', async () => {
    const page = await openViewer('#l=commune');
    const { api } = await openDetail(page);
    const dep = api.parents.find((x) => x.level === 'departement');
    assert.ok(dep, 'a commune has a département');
    await page.click(`#detail [data-compare-level="departement"]`);
    await page.waitForSelector('#compare-table', { timeout: 10_000 });
    assert.equal(await page.getAttribute('#tab-compare', 'aria-selected'), 'true');
    const names = await page.locator('#compare-table thead [data-open]').allTextContents();
    assert.deepEqual(names.map((n) => n.trim()), [api.name, dep.name]);
    // Both are outlined on the map.
    const outlined = await page.evaluate(({ c, d }) => {
      const m = window.ifnViewer.map;
      const st = (level, code) => m.getFeatureState({ source: `src-${level}`, sourceLayer: level, id: code }).compared;
      return [st('commune', c), st('departement', d)];
    }, { c: api.code, d: dep.code });
    assert.deepEqual(outlined, [true, true]);
    // Back to the detail, the département's link opens it.
    await page.click('#tab-detail');
    await page.click(`.ifn-crumb[data-level="departement"]`);
    await page.waitForSelector(`#detail .ifn-card[data-level="departement"][data-code="${dep.code}"]`, { timeout: 10_000 });
    await shot(page, 'legibility-02-breadcrumb');
    await page.close();
  });

  test('search finds abbreviations and words in any order, and a single-IRIS commune once', async () => {
    const epci = await (await fetch(`${BASE}/api/search?q=${encodeURIComponent('communauté de communes du pays')}&limit=1`)).json();
    assert.ok(epci.results.length, 'the demo has a « communauté de communes du pays … »');
    const short = await (await fetch(`${BASE}/api/search?q=${encodeURIComponent('cc du pays')}&limit=20`)).json();
    assert.ok(short.results.some((r) => r.code === epci.results[0].code), '« cc du pays » finds it');
    const words = epci.results[0].name.split(/[\s'-]+/).filter((w) => w.length > 3);
    const reversed = await (await fetch(`${BASE}/api/search?q=${encodeURIComponent(`${words[words.length - 1]} ${words[0]}`)}&limit=20`)).json();
    assert.ok(reversed.results.some((r) => r.code === epci.results[0].code), 'words in any order');
    // No IRIS twin of a commune with the same name and population.
    const communes = await (await fetch(`${BASE}/api/scores/commune`)).json();
    for (const c of communes.territories.slice(0, 40)) {
      const found = (await (await fetch(`${BASE}/api/search?q=${encodeURIComponent(c.name)}&limit=20`)).json()).results;
      const twins = found.filter((r) => r.name === c.name && r.population === c.population && r.parent === found.find((x) => x.code === c.code)?.parent);
      assert.ok(twins.length <= 1, `${c.name} listed ${twins.length} times`);
    }
  });

  test('a weight change fetches tiles of the drawn level only', async () => {
    const page = await openViewer('#l=commune');
    const tiles = [];
    page.on('request', (r) => {
      const m = r.url().match(/\/tiles\/(\w+)\/\d+\/\d+\/\d+\.mvt(\?.*)?$/);
      if (m && m[1] !== 'places') tiles.push({ level: m[1], query: m[2] || '' });
    });
    const key = await page.locator('#weights input[type="range"]').first().getAttribute('data-key');
    await page.locator('#analyst summary').click();
    await page.$eval(`#w-${key}`, (el) => { el.value = '3'; el.dispatchEvent(new Event('input', { bubbles: true })); });
    await page.waitForTimeout(400);
    await waitIdle(page);
    const withSelection = tiles.filter((t) => /weights=/.test(t.query));
    assert.ok(withSelection.length > 0, 'the new weights fetched tiles');
    assert.deepEqual([...new Set(withSelection.map((t) => t.level))], ['commune'], 'only the drawn level');
    await page.close();
  });

  test('the weights cannot all be 0, and a link with all weights at 0 is corrected', async () => {
    const page = await openViewer();
    await page.locator('#analyst summary').click();
    const keys = await page.locator('#weights input[type="range"]').evaluateAll((els) => els.map((e) => e.dataset.key));
    for (const k of keys) {
      await page.$eval(`#w-${k}`, (el) => { el.value = '0'; el.dispatchEvent(new Event('input', { bubbles: true })); });
    }
    const last = await page.inputValue(`#w-${keys[keys.length - 1]}`);
    assert.ok(Number(last) > 0, `the last weight stays above 0 (${last})`);
    assert.ok(await page.isVisible('#weights-error'));
    assert.match(await page.textContent('#weights-error'), /poids supérieur à 0/);
    await page.close();
    const linked = await openViewer(`#w=${keys.map((k) => `${k}:0`).join(',')}&r=zzz`);
    assert.match(await linked.textContent('#toast'), /Lien corrigé/);
    const q = new URLSearchParams(await linked.evaluate(() => window.ifnViewer.query));
    assert.equal(q.get('weights'), null, 'equal weights again');
    assert.ok([null, 'france'].includes(q.get('reference')), `reference ${q.get('reference')}`);
    await linked.close();
  });

  test('the places legend tells kinds apart by shape, and the contrast mode is labelled', async () => {
    const page = await openViewer();
    const kinds = await page.locator('#legend-places li img').evaluateAll((imgs) => imgs.map((i) => i.alt));
    assert.ok(kinds.length >= 4, 'every kind in the legend');
    assert.equal(new Set(kinds).size, kinds.length, `one shape per kind: ${kinds}`);
    const before = await page.locator('#legend-list li').allTextContents();
    assert.deepEqual(before.map((t) => t.trim()), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    await page.click('label[for=contrast-toggle]');
    await page.waitForFunction(() => !document.getElementById('contrast-hint').hidden);
    const after = await page.locator('#legend-list li').allTextContents();
    assert.notDeepEqual(after, before, 'the legend gives the spread bounds');
    assert.match(await page.textContent('#contrast-hint'), /ce ne sont plus les classes 1 à 10/);
    // The link is written after a short delay (the map's moves are batched).
    await page.waitForFunction(() => /k=1/.test(location.hash), null, { timeout: 5_000 });
    await shot(page, 'legibility-03-contrast');
    await page.close();
  });

  test('an indicator estimated under statistical secrecy says so and from which territory', async () => {
    // The demo store has no estimate (it is not built by `ifn build`): the real server's answer
    // is taken and one indicator marked as the API marks an estimated value.
    const page = await openViewer();
    let marked = null;
    await page.route('**/api/territories/**', async (route) => {
      const response = await route.fetch();
      const t = await response.json();
      const i = t.indicators.find((x) => x.selected && x.raw != null);
      if (i) {
        i.estimated = true;
        i.estimate = { population_share: 1, units: 1, units_total: 1, from: { level: 'epci', code: 'E1', name: 'CC Fictive' } };
        marked = i.key;
      }
      await route.fulfill({ response, json: t });
    });
    const [p] = await territoryPoints(page, 1);
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('#detail-why [data-estimated]', { timeout: 10_000 });
    const note = page.locator(`#detail-why tr[data-key="${marked}"] [data-estimated]`);
    assert.match(await note.innerText(), /valeur estimée \(EPCI CC Fictive\)/);
    assert.match(await note.getAttribute('title'), /Secret statistique/);
    // Only the marked indicator carries the note.
    assert.equal(await page.locator('#detail-why [data-estimated]').count(), 1);
    await page.close();
  });

  test('no uncaught error in the page', () => {
    assert.deepEqual(session.pageErrors, []);
  });
});
