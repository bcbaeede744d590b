// The viewer on the France store built from ../shared/data (the users' view), in Chromium:
// the first view, which tiles are fetched, the names on the map, and the repaint times after a
// new selection (recorded, not asserted: speed is measured by benches/viewer/repaint.sh).
//
//   IFN_FRANCE_URL=http://127.0.0.1:8124 node --test tests/france.mjs
//
// scripts/test-web.sh builds the France store and runs this file when ../shared/data is there
// (it fails when IFN_REQUIRE_REAL_DATA=1 and the data is missing).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTEFACTS, session, shot, waitIdle } from './helpers.mjs';
import { launch } from './browser.mjs';

const URL = process.env.IFN_FRANCE_URL;
const METROPOLE = [-5.2, 41.3, 9.6, 51.1];

/** Opens the viewer on the France store and collects the tile requests by layer. */
async function open(hash = '') {
  const page = await session.browser.context.newPage();
  page.on('pageerror', (e) => session.pageErrors.push(e.message));
  const tiles = [];
  page.on('request', (r) => {
    const m = r.url().match(/\/tiles\/([\w-]+)\/(?:(\w+)\/)?\d+\/\d+\/\d+\.mvt/);
    if (m) tiles.push({ layer: m[2] ? `${m[1]}/${m[2]}` : m[1], url: r.url() });
  });
  await page.goto(`${URL}/${hash}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  await waitIdle(page);
  return { page, tiles };
}

/** Sets the first weight to `w` and returns the ms from the new selection to the map drawn. */
async function repaint(page, w) {
  if (!(await page.isVisible('#weights input[type="range"]'))) await page.locator('#analyst summary').click();
  const before = await page.evaluate(() => window.ifnViewer.selectionChangedAt ?? null);
  await page.$eval('#weights input[type="range"]', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, w);
  // After the sliders' debounce, the new selection reaches the map: measure from then.
  await page.waitForFunction((b) => (window.ifnViewer.selectionChangedAt ?? null) !== b, before);
  await page.waitForFunction(() => {
    const m = window.ifnViewer.map;
    return m.loaded() && m.areTilesLoaded() && !m.isMoving();
  }, null, { timeout: 120_000, polling: 10 });
  return page.evaluate(() => performance.now() - window.ifnViewer.selectionChangedAt);
}

describe('ifn web viewer on the France store', { concurrency: false, skip: !URL && process.env.IFN_REQUIRE_REAL_DATA !== '1' }, () => {
  before(async () => {
    assert.ok(URL, 'IFN_REQUIRE_REAL_DATA=1 but IFN_FRANCE_URL is not set: build the France store from ../shared/data and serve it');
    session.browser = await launch();
  });
  after(async () => { await session.browser?.cleanup(); });

  test('the first view is metropolitan France at département level, with buttons for outre-mer', async () => {
    const { page, tiles } = await open();
    const view = await page.evaluate(() => {
      const m = window.ifnViewer.map;
      const b = m.getBounds();
      return { zoom: m.getZoom(), level: window.ifnViewer.level, w: b.getWest(), s: b.getSouth(), e: b.getEast(), n: b.getNorth() };
    });
    assert.ok(view.w <= METROPOLE[0] + 1 && view.e >= METROPOLE[2] - 1 && view.s <= METROPOLE[1] + 1 && view.n >= METROPOLE[3] - 1,
      `metropolitan France in view: ${JSON.stringify(view)}`);
    assert.ok(view.e - view.w < 40, `not the whole world with the overseas départements: ${JSON.stringify(view)}`);
    assert.equal(view.level, 'departement');
    assert.equal(await page.locator('.ifn-view-btn').count(), 6, 'initial view and five overseas départements');
    // Names of the départements are written (the server computes label points in the
    // background after start-up: a cold debug server may take a while).
    await page.waitForFunction(() => window.ifnViewer.map.queryRenderedFeatures({ layers: ['labels-departement'] }).length > 0,
      null, { timeout: 120_000, polling: 250 });
    const names = await page.evaluate(() => window.ifnViewer.map.queryRenderedFeatures({ layers: ['labels-departement'] }).map((f) => f.properties.name));
    assert.ok(names.length >= 40, `${names.length} département names written`);
    assert.ok(names.includes('Cantal') || names.includes('Paris') || names.includes('Rhône'), `well-known names among ${names.slice(0, 10)}`);
    const levels = new Set(tiles.map((t) => t.layer).filter((l) => !['places'].includes(l) && !l.startsWith('labels')));
    assert.deepEqual([...levels], ['departement'], `tiles of the drawn level only: ${[...levels]}`);
    await shot(page, 'france-01-first-view');
    await page.close();
  });

  test('La Réunion is one click away', async () => {
    const { page } = await open();
    await page.click('.ifn-view-btn[data-view="974"]');
    await waitIdle(page);
    const c = await page.evaluate(() => window.ifnViewer.map.getCenter());
    assert.ok(Math.abs(c.lng - 55.5) < 1 && Math.abs(c.lat + 21.1) < 1, `centre ${c.lng}, ${c.lat}`);
    const drawn = await page.evaluate(() => window.ifnViewer.map.queryRenderedFeatures({ layers: [`fill-${window.ifnViewer.level}`] }).length);
    assert.ok(drawn > 0, 'La Réunion is drawn');
    await page.close();
  });

  test('repaint times after a new selection are recorded (France at zoom 5.5, a département at zoom 9)', async () => {
    const times = {};
    const { page, tiles } = await open('#m=2.5,46.6,5.5');
    times.france_z5_5 = [await repaint(page, 3), await repaint(page, 2), await repaint(page, 4)];
    const before = tiles.length;
    // The Cantal at zoom 9: communes.
    await page.evaluate(() => window.ifnViewer.map.jumpTo({ center: [2.67, 45.05], zoom: 9 }));
    await waitIdle(page);
    times.departement_z9 = [await repaint(page, 1.5), await repaint(page, 2.5), await repaint(page, 0.5)];
    const level = await page.evaluate(() => window.ifnViewer.level);
    const after = tiles.slice(before).map((t) => t.layer).filter((l) => l !== 'places' && !l.startsWith('labels') && l !== level);
    assert.deepEqual([...new Set(after)].filter((l) => l !== 'departement'), [], 'no tile of a level that is not drawn');
    fs.mkdirSync(ARTEFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTEFACTS, 'france-repaint.json'), `${JSON.stringify(times, null, 2)}\n`);
    console.log(`repaint (ms): ${JSON.stringify(times)}`);
    await shot(page, 'france-02-cantal-z9');
    await page.close();
  });

  test('no uncaught error in the page', () => {
    assert.deepEqual(session.pageErrors, []);
  });
});
