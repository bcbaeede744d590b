// End-to-end tests of the « Évolution » tab in headless Chromium: against a server comparing
// the demo's vintage 2 with vintage 1 (IFN_EVOLUTION_URL, started by scripts/test-web.sh with
// `ifn serve --demo-vintage 2`), the table of the biggest changes and the COG changes are those
// of /api/evolution and the map of the change draws; against the usual server (one vintage),
// the tab explains how to get a second one.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  BASE, endSession, frNumber, here, pixels, session, shot, startSession, territoryPoints, waitIdle,
} from './helpers.mjs';

const EVOLUTION = process.env.IFN_EVOLUTION_URL;

/** Opens the viewer of the server at `base` and waits until the map is drawn. */
async function open(base, hash = '') {
  const page = await session.browser.context.newPage();
  page.on('pageerror', (e) => session.pageErrors.push(e.message));
  await page.goto(`${base}/${hash}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await waitIdle(page);
  return page;
}

/** A French signed number « −0,12 » / « +1,5 » as a number. */
const signed = (text) => (text.trim().startsWith('−') ? -1 : 1) * frNumber(text.replace(/^[+−]/, ''));

describe('ifn web viewer: Évolution', { concurrency: false }, () => {
  before(startSession);
  after(endSession);

  test('the server under test was given a second vintage', () => {
    assert.ok(EVOLUTION, 'IFN_EVOLUTION_URL is set by scripts/test-web.sh');
  });

  test('without a second vintage the tab explains how to get one', async () => {
    const page = await open(BASE);
    assert.ok(await page.isHidden('#open-evolution'), 'no header button without a second vintage');
    await page.click('#open-analyse');
    await page.click('#tab-evolution');
    await page.waitForSelector('#evolution[data-ready="true"]', { timeout: 10_000 });
    assert.equal(await page.getAttribute('#evolution', 'data-available'), 'false');
    assert.match(await page.textContent('#evolution-unavailable'), /--compare-store/);
    await page.close();
  });

  test('the table of the biggest changes and the COG changes are those of the API', async () => {
    const page = await open(EVOLUTION, '#l=commune');
    await page.click('#open-evolution');
    await page.waitForSelector('#evolution[data-ready="true"]', { timeout: 30_000 });
    assert.equal(await page.getAttribute('#tab-evolution', 'aria-selected'), 'true');
    const { level, query } = await page.evaluate(() => ({ level: window.ifnViewer.level, query: window.ifnViewer.query }));
    const d = await (await fetch(`${EVOLUTION}/api/evolution/${level}?${query}&top=15`)).json();
    const names = await page.locator('#evolution-table tbody th button').allTextContents();
    assert.deepEqual(names.map((n) => n.trim()), d.biggest_changes.map((t) => t.name));
    const firstDiff = await page.textContent('#evolution-table tbody tr:first-child td:nth-child(4)');
    assert.ok(Math.abs(signed(firstDiff) - d.biggest_changes[0].difference) < 0.006, `${firstDiff} vs ${d.biggest_changes[0].difference}`);
    const events = await page.locator('#evolution-events li').allTextContents();
    assert.equal(events.length, d.events.length);
    assert.ok(events.some((e) => /Création de commune nouvelle/.test(e)), events.join('\n'));
    assert.ok(events.some((e) => /Rétablissement/.test(e)), events.join('\n'));
    assert.equal(frNumber(await page.textContent('#evolution-summary')), d.territories.length);
    await shot(page, 'evolution-01-table');
    // A territory of the table opens its detail card.
    await page.click('#evolution-table tbody th button');
    await page.waitForSelector('#detail .ifn-card[data-code]', { timeout: 10_000 });
    await page.close();
  });

  test('the map of the change recolours the map, with its diverging legend', async () => {
    const page = await open(EVOLUTION);
    const points = await territoryPoints(page, 12);
    assert.ok(points.length >= 3, 'territories to sample');
    const before = await pixels(page, points);
    await page.click('#open-evolution');
    await page.waitForSelector('#evolution[data-ready="true"]', { timeout: 30_000 });
    await page.click('#evolution-map');
    await waitIdle(page);
    assert.equal(await page.getAttribute('#evolution-map', 'aria-pressed'), 'true');
    const layer = await page.evaluate(() => {
      const { map, level } = window.ifnViewer;
      const fs = map.queryRenderedFeatures({ layers: [`evolution-${level}`] });
      return { visible: map.getLayoutProperty(`evolution-${level}`, 'visibility'), withValue: fs.filter((f) => typeof f.state.evolution === 'number').length };
    });
    assert.equal(layer.visible, 'visible');
    assert.ok(layer.withValue > 0, JSON.stringify(layer));
    const after = await pixels(page, points);
    const changed = before.filter((p, i) => p.some((v, k) => Math.abs(v - after[i][k]) > 8)).length;
    assert.ok(changed >= points.length / 2, `${changed} of ${points.length} sampled pixels changed colour`);
    assert.ok(await page.isVisible('#legend-evolution'));
    assert.ok(await page.isHidden('#legend'));
    assert.match(await page.textContent('#legend-evolution'), /plus fragile/);
    await shot(page, 'evolution-02-map');
    // axe-core (as in a11y.test.mjs): no serious or critical violation with the tab, its table
    // and the legend of the change shown.
    await page.addScriptTag({ content: fs.readFileSync(path.join(here, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8') });
    const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = axe.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    assert.deepEqual(bad.map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), [], 'axe on the Évolution tab');
    await page.click('#evolution-map');
    await waitIdle(page);
    assert.ok(await page.isHidden('#legend-evolution'));
    assert.deepEqual(await pixels(page, points), before, 'without the layer the map shows the scores again');
    await page.close();
  });
});
