// End-to-end tests of the « Analyse » tab (the analyst's bench) in headless Chromium, against a
// running ifn server: the movers and the rank intervals are those of /api/analyse, the
// difference and instability layers draw, the detail card shows the rank interval.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, endSession, frNumber, openViewer, pixels, session, shot, startSession, territoryPoints, waitIdle,
} from './helpers.mjs';

/** The viewer's French rank (« 1er », « 1 234e ») as a number. */
const rankOf = (text) => frNumber(text.replace(/(er|e)$/, ''));

/** Opens the Analyse tab and waits until its three analyses are shown. */
async function openAnalyse(page) {
  await page.click('#open-analyse');
  await page.waitForSelector('#analyse[data-ready="true"]', { timeout: 30_000 });
  assert.equal(await page.getAttribute('#tab-analyse', 'aria-selected'), 'true');
}

describe('ifn web viewer: Analyse', { concurrency: false }, () => {
  before(startSession);
  after(endSession);

  test('the Analyse tab lists the movers of the API against the public method', async () => {
    const page = await openViewer('#w=poverty_rate:4');
    await openAnalyse(page);
    const { level, query } = await page.evaluate(() => ({ level: window.ifnViewer.level, query: window.ifnViewer.query }));
    const d = await (await fetch(`${BASE}/api/analyse/delta/${level}?${query}&top=10`)).json();
    assert.ok(d.movers_up.length + d.movers_down.length > 0, 'weighting poverty ×4 moves some territory');
    for (const [id, list] of [['#analyse-movers-up', d.movers_up], ['#analyse-movers-down', d.movers_down]]) {
      if (!list.length) continue;
      const names = await page.locator(`${id} li button`).allTextContents();
      assert.deepEqual(names.map((n) => n.trim()), list.map((t) => t.name), `${id} follows the API's order`);
      const first = await page.textContent(`${id} li .ifn-hint-inline`);
      const m = first.match(/rang (.+?) → (.+?) \(/);
      assert.ok(m, `"${first}"`);
      assert.equal(rankOf(m[1]), list[0].rank_base, first);
      assert.equal(rankOf(m[2]), list[0].rank, first);
    }
    const summary = await page.textContent('#analyse-delta-summary');
    const moved = d.territories.filter((t) => t.rank_change).length;
    assert.equal(frNumber(summary), moved, `summary "${summary}"`);
    // A mover opens its detail card.
    await page.click('#analyse-movers-up li button, #analyse-movers-down li button');
    await page.waitForSelector('#detail .ifn-card[data-code]', { timeout: 10_000 });
    await shot(page, 'analyse-01-movers');
    await page.close();
  });

  test('the public method itself moves nothing', async () => {
    const page = await openViewer();
    await openAnalyse(page);
    assert.match(await page.textContent('#analyse-delta-summary'), /aucun rang ne change/);
    assert.equal(await page.locator('#analyse-movers-up li').count(), 0);
    await page.close();
  });

  test('the difference layer recolours the map and its legend replaces the classes', async () => {
    const page = await openViewer('#w=poverty_rate:4');
    const points = await territoryPoints(page, 12);
    assert.ok(points.length >= 3, 'territories to sample');
    const before = await pixels(page, points);
    await openAnalyse(page);
    await page.click('#analyse-map-delta');
    await waitIdle(page);
    assert.equal(await page.getAttribute('#analyse-map-delta', 'aria-pressed'), 'true');
    const layer = await page.evaluate(() => {
      const { map, level } = window.ifnViewer;
      const fs = map.queryRenderedFeatures({ layers: [`analyse-${level}`] });
      return { visible: map.getLayoutProperty(`analyse-${level}`, 'visibility'), drawn: fs.length, withValue: fs.filter((f) => typeof f.state.analyse === 'number').length };
    });
    assert.equal(layer.visible, 'visible');
    assert.ok(layer.withValue > 0, `features of the difference layer carry their difference: ${JSON.stringify(layer)}`);
    const after = await pixels(page, points);
    const changed = before.filter((p, i) => p.some((v, k) => Math.abs(v - after[i][k]) > 8)).length;
    assert.ok(changed >= points.length / 2, `${changed} of ${points.length} sampled pixels changed colour`);
    assert.ok(await page.isVisible('#legend-analyse'), 'the difference legend is shown');
    assert.ok(await page.isHidden('#legend'), 'the classes legend is hidden under the difference layer');
    assert.match(await page.textContent('#legend-analyse'), /méthode publique/);
    await shot(page, 'analyse-02-difference-layer');
    // The instability layer takes its place; a second click hides it and the classes come back.
    await page.click('#analyse-map-instability');
    await waitIdle(page);
    assert.match(await page.textContent('#legend-analyse'), /Instabilité/);
    await page.click('#analyse-map-instability');
    await waitIdle(page);
    assert.ok(await page.isHidden('#legend-analyse'));
    assert.ok(await page.isVisible('#legend'));
    const back = await pixels(page, points);
    assert.deepEqual(back, before, 'without an analysis layer the map shows the scores again');
    await page.close();
  });

  test('the detail card gives the rank and its interval under the weights', async () => {
    const page = await openViewer();
    const [p] = await territoryPoints(page, 1);
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('#detail-rank-value', { timeout: 30_000 });
    const query = await page.evaluate(() => window.ifnViewer.query);
    const r = await (await fetch(`${BASE}/api/analyse/robustness/${p.level}?${query}&draws=1000&spread=0.5&codes=${encodeURIComponent(p.code)}`)).json();
    const t = r.territories[0];
    const text = await page.textContent('#detail-rank');
    assert.equal(rankOf(await page.textContent('#detail-rank-value')), t.rank, text);
    assert.equal(frNumber(text.split(' sur ')[1]), r.ranked, text);
    if (t.rank_p05 !== t.rank_p95) {
      const m = (await page.textContent('#detail-rank-interval')).match(/entre (.+) et (.+)/);
      assert.equal(rankOf(m[1].trim()), Math.round(t.rank_p05));
      assert.equal(rankOf(m[2].trim()), Math.round(t.rank_p95));
    } else {
      assert.match(text, /quels que soient les poids/);
    }
    assert.match(text, /±50 %/);
    await shot(page, 'analyse-03-detail-rank');
    await page.close();
  });

  test('a spread of 0 gives every territory a stable rank', async () => {
    const page = await openViewer();
    await openAnalyse(page);
    await page.fill('#analyse-spread', '0');
    await page.selectOption('#analyse-draws', '200');
    await page.evaluate(() => { document.getElementById('analyse').dataset.ready = ''; });
    await page.click('#analyse-rob-run');
    await page.waitForSelector('#analyse[data-ready="true"]', { timeout: 30_000 });
    const summary = await page.textContent('#analyse-rob-summary');
    assert.equal(frNumber(summary), 0, summary);
    await page.close();
  });

  test('no uncaught error in the page', () => {
    assert.deepEqual(session.pageErrors, []);
  });
});
