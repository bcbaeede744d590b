// End-to-end tests of the map viewer in headless Chromium, against a running ifn server.
//
//   IFN_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e.test.mjs
//
// scripts/test-web.sh builds the viewer, starts `ifn serve` (demo territory) and runs this file.
// Screenshots are kept in web/test-results/ as artefacts.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';

const BASE = process.env.IFN_BASE_URL;
const here = path.dirname(fileURLToPath(import.meta.url));
const ARTEFACTS = path.join(here, '..', 'test-results');

let browser;
const pageErrors = [];

async function shot(page, name) {
  fs.mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTEFACTS, `${name}.png`) });
}

/** Opens the viewer (optionally with a hash) and waits until the map is drawn. */
async function openViewer(hash = '') {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${BASE}/${hash}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await waitIdle(page);
  return page;
}

/** Waits until MapLibre has loaded every visible tile and stopped moving. */
async function waitIdle(page) {
  await page.waitForTimeout(200);
  await page.waitForFunction(() => {
    const m = window.ifnViewer?.map;
    return m && m.loaded() && m.areTilesLoaded() && !m.isMoving();
  }, null, { timeout: 30_000, polling: 100 });
  await page.waitForTimeout(150);
}

/**
 * Screen points (page coordinates) of distinct scored territories of the drawn level, away from
 * the panel, the legend and the places markers, so that a click there hits the territory.
 */
async function territoryPoints(page, max = 20) {
  return page.evaluate((max) => {
    const { map, level } = window.ifnViewer;
    const canvas = map.getCanvas();
    const rect = canvas.getBoundingClientRect();
    const panel = document.getElementById('panel');
    const legend = document.getElementById('legend').getBoundingClientRect();
    const panelLeft = panel.hidden ? Infinity : panel.getBoundingClientRect().left;
    const out = [];
    const seen = new Set();
    const placeLayers = ['places-points', 'places-clusters'].filter((l) => map.getLayer(l));
    for (let y = 40; y < rect.height - 40; y += 23) {
      for (let x = 40; x < rect.width - 60; x += 23) {
        const px = rect.left + x, py = rect.top + y;
        if (px > panelLeft - 10) continue;
        if (px > legend.left - 10 && px < legend.right + 10 && py > legend.top - 10 && py < legend.bottom + 10) continue;
        if (placeLayers.length && map.queryRenderedFeatures([[x - 12, y - 12], [x + 12, y + 12]], { layers: placeLayers }).length) continue;
        const f = map.queryRenderedFeatures([x, y], { layers: [`fill-${level}`] })[0];
        if (!f || f.properties.score == null || seen.has(f.properties.code)) continue;
        seen.add(f.properties.code);
        out.push({ x: px, y: py, code: f.properties.code, name: f.properties.name, score: f.properties.score, level });
        if (out.length >= max) return out;
      }
    }
    return out;
  }, max);
}

/** RGBA of the map canvas at page points. */
async function pixels(page, points) {
  return page.evaluate((points) => {
    const canvas = window.ifnViewer.map.getCanvas();
    const rect = canvas.getBoundingClientRect();
    const c = document.createElement('canvas');
    c.width = canvas.width;
    c.height = canvas.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(canvas, 0, 0);
    const ratio = canvas.width / rect.width;
    return points.map((p) => [...ctx.getImageData(Math.round((p.x - rect.left) * ratio), Math.round((p.y - rect.top) * ratio), 1, 1).data]);
  }, points);
}

describe('ifn web viewer', { concurrency: false }, () => {
  before(async () => {
    assert.ok(BASE, 'set IFN_BASE_URL to a running `ifn serve` (scripts/test-web.sh does it)');
    const health = await fetch(`${BASE}/health`);
    assert.equal(health.status, 200, `${BASE}/health did not answer 200`);
    browser = await launch();
  });
  after(async () => {
    await browser?.cleanup();
  });

  test('the map loads and draws scored territories', async () => {
    const page = await openViewer();
    const drawn = await page.evaluate(() => {
      const { map, level } = window.ifnViewer;
      const fs = map.queryRenderedFeatures({ layers: [`fill-${level}`] });
      return { level, count: fs.length, codes: new Set(fs.map((f) => f.properties.code)).size, scored: fs.filter((f) => f.properties.score != null).length };
    });
    await shot(page, '01-map-loaded');
    assert.ok(drawn.count > 0, `no feature drawn at level ${drawn.level}`);
    assert.ok(drawn.codes >= 2, `expected several territories, got ${drawn.codes}`);
    assert.ok(drawn.scored > 0, 'no drawn feature carries a score');
    const meta = await (await fetch(`${BASE}/api/meta`)).json();
    assert.equal(await page.isVisible('#fictional-banner'), meta.fictional === true, 'the fictional banner follows /api/meta');
    // The legend shows the ten classes.
    assert.equal(await page.locator('#legend-list li').count(), 10);
    // Overseas départements can be reached from buttons.
    assert.equal(await page.locator('#drom-buttons button').count(), 5);
    await page.close();
  });

  test('the level follows the zoom in automatic mode and can be fixed', async () => {
    const page = await openViewer();
    const meta = await (await fetch(`${BASE}/api/meta`)).json();
    const finest = meta.levels[meta.levels.length - 1];
    await page.evaluate(() => window.ifnViewer.map.jumpTo({ zoom: 12 }));
    await waitIdle(page);
    assert.equal(await page.evaluate(() => window.ifnViewer.level), finest, 'zoomed in, the finest level is drawn');
    await page.evaluate(() => window.ifnViewer.map.jumpTo({ zoom: 5 }));
    await waitIdle(page);
    assert.equal(await page.evaluate(() => window.ifnViewer.level), meta.levels.includes('departement') ? 'departement' : meta.levels[0]);
    await page.selectOption('#level-select', 'commune');
    await waitIdle(page);
    const drawn = await page.evaluate(() => window.ifnViewer.map.queryRenderedFeatures({ layers: ['fill-commune'] }).length);
    assert.equal(await page.evaluate(() => window.ifnViewer.level), 'commune');
    assert.ok(drawn > 0, 'communes are drawn at a low zoom once the level is fixed');
    assert.match(await page.evaluate(() => location.hash), /l=commune/);
    await shot(page, '01b-level-fixed');
    await page.close();
  });

  test('a click opens the détail card with the score of the API', async () => {
    const page = await openViewer();
    const [p] = await territoryPoints(page, 1);
    assert.ok(p, 'no clickable territory found on the map');
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector(`#detail .ifn-card[data-code="${p.code}"]`, { timeout: 10_000 });
    const shown = (await page.textContent('#detail-score')).trim();
    const query = await page.evaluate(() => window.ifnViewer.query);
    const api = await (await fetch(`${BASE}/api/territories/${p.level}/${encodeURIComponent(p.code)}?${query}`)).json();
    assert.equal(api.code, p.code);
    assert.equal(shown, api.total_display.replace('.', ','), `card shows ${shown}, API says ${api.total_display}`);
    assert.ok(Math.abs(api.total - Number(api.total_display)) <= 0.05 + 1e-9, 'total_display is the total to one decimal');
    // The tile carries the same score (MVT may store it as a 32-bit float).
    assert.ok(Math.abs(p.score - api.total) < 1e-4, `tile score ${p.score} differs from the API total ${api.total}`);
    const rows = await page.locator('#detail .ifn-table tbody tr').count();
    assert.equal(rows, api.indicators.length, 'one row per indicator of the profile');
    assert.match(await page.textContent('#detail-population'), /hab\./);
    await shot(page, '02-detail-card');
    await page.close();
  });

  test('search suggests a territory and zooms to it', async () => {
    const page = await openViewer();
    const [target] = await territoryPoints(page, 1);
    const zoomBefore = await page.evaluate(() => window.ifnViewer.map.getZoom());
    await page.fill('#search-input', target.name);
    await page.waitForSelector('#search-list li[data-n]', { timeout: 10_000 });
    const suggestion = page.locator('#search-list li[data-n]', { hasText: target.name }).first();
    await suggestion.click();
    await page.waitForSelector(`#detail .ifn-card[data-code="${target.code}"]`, { timeout: 10_000 });
    await waitIdle(page);
    const found = await (await fetch(`${BASE}/api/search?q=${encodeURIComponent(target.name)}`)).json();
    const r = found.results.find((x) => x.code === target.code);
    assert.ok(r, 'the API finds the territory by its name');
    // The territory's centre is on screen, clear of the detail panel.
    const after = await page.evaluate((b) => {
      const m = window.ifnViewer.map;
      const p = m.project([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]);
      const canvas = m.getCanvas().getBoundingClientRect();
      const panel = document.getElementById('panel').getBoundingClientRect();
      return { zoom: m.getZoom(), x: canvas.left + p.x, y: canvas.top + p.y, canvas: { left: canvas.left, top: canvas.top, bottom: canvas.bottom }, panelLeft: panel.left };
    }, r.bbox);
    assert.ok(after.zoom > zoomBefore, `zoom ${after.zoom} should exceed ${zoomBefore}`);
    assert.ok(after.x > after.canvas.left && after.x < after.panelLeft && after.y > after.canvas.top && after.y < after.canvas.bottom,
      `the territory's centre (${after.x}, ${after.y}) should be on the map, left of the panel`);
    assert.equal((await page.textContent('#detail .ifn-card-title')).trim(), target.name);
    await shot(page, '03-search');
    await page.close();
  });

  test('switching profile or a weight changes the tiles and the colours', async () => {
    const page = await openViewer();
    const tileUrls = [];
    page.on('request', (r) => { if (r.url().includes('/tiles/')) tileUrls.push(r.url()); });
    await page.mouse.move(1, 1);
    const points = await territoryPoints(page, 20);
    assert.ok(points.length >= 3, 'need a few territories to compare colours');
    const before = await pixels(page, points);

    await page.click('label[for="profile-senior"]');
    await waitIdle(page);
    assert.ok(tileUrls.some((u) => u.includes('profile=senior')), 'tiles were requested for the senior profile');
    const senior = await territoryPoints(page, 20);
    const afterProfile = await pixels(page, points);
    const changed = before.filter((px, i) => px.join() !== afterProfile[i].join()).length;
    const scoreChanged = senior.some((s) => points.some((p) => p.code === s.code && p.score !== s.score));
    assert.ok(changed > 0, 'no sampled pixel changed colour after switching to the senior profile');
    assert.ok(scoreChanged, 'no territory score changed after switching profile');
    await shot(page, '04-profile-senior');

    // A weight: open the analyst settings and put the first indicator at 5.
    await page.click('#analyst summary');
    const slider = page.locator('#weights input[type="range"]').first();
    const key = await slider.getAttribute('data-key');
    tileUrls.length = 0;
    await slider.fill('5');
    await page.waitForFunction((key) => window.ifnViewer.query.includes(`weights=${key}=5`), key, { timeout: 5_000 });
    await waitIdle(page);
    assert.ok(tileUrls.some((u) => decodeURIComponent(u).includes(`${key}=5`)), 'tiles were requested with the new weight');
    const afterWeight = await pixels(page, points);
    const changedW = afterProfile.filter((px, i) => px.join() !== afterWeight[i].join()).length;
    const weighted = await territoryPoints(page, 20);
    const scoreChangedW = weighted.some((s) => senior.some((p) => p.code === s.code && p.score !== s.score));
    assert.ok(scoreChangedW, 'no territory score changed after changing a weight');
    assert.ok(changedW > 0, 'no sampled pixel changed colour after changing a weight');
    await shot(page, '05-weight');
    // The state is in the URL: reloading restores the profile and the weight.
    await page.waitForFunction(() => location.hash.includes('p=senior'));
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, new RegExp(`w=${key}:5`));
    const again = await openViewer(hash);
    assert.equal(await again.isChecked('#profile-senior'), true, 'the profile is restored from the link');
    assert.equal(await again.evaluate(() => window.ifnViewer.query), await page.evaluate(() => window.ifnViewer.query));
    await again.close();
    await page.close();
  });

  test('the comparison panel shows two territories side by side', async () => {
    const page = await openViewer();
    const [a, b] = await territoryPoints(page, 2);
    assert.ok(a && b, 'need two territories on the map');
    for (const t of [a, b]) {
      await page.mouse.click(t.x, t.y);
      await page.waitForSelector(`#detail .ifn-card[data-code="${t.code}"]`);
      await page.click('#detail-toggle-selection');
      await page.waitForSelector('#detail-toggle-selection:has-text("Retirer")');
    }
    await page.click('#tab-compare');
    await page.waitForSelector('#compare-table');
    const heads = await page.locator('#compare-table thead th').count();
    assert.equal(heads, 3, 'one header for the row labels, one per territory');
    const text = await page.textContent('#compare-table thead');
    assert.ok(text.includes(a.name) && text.includes(b.name), 'both names head the table');
    assert.equal(await page.locator('#compare svg.ifn-chart rect').count(), 2, 'one bar per territory');
    assert.equal((await page.textContent('#compare-count')).trim(), '2');
    await shot(page, '06-comparison');

    // The selection CSV is built in the browser.
    await page.click('#export-btn');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-selection')]);
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(csv.length, 3, 'header + two territories');
    assert.ok(csv[0].startsWith('level,code,name,population,total'));
    await page.close();
  });

  test('mediation places are drawn and a place opens a popup', async () => {
    const page = await openViewer();
    const count = await page.evaluate(() => window.ifnViewer.map.querySourceFeatures('places').length);
    assert.ok(count > 0, 'the places source is empty');
    // Zoom in on an unclustered place and click it.
    const place = await page.evaluate(async () => {
      const m = window.ifnViewer.map;
      const data = await (await fetch('/api/places')).json();
      const f = data.features[0];
      m.jumpTo({ center: f.geometry.coordinates, zoom: 13 });
      return f;
    });
    await waitIdle(page);
    const pt = await page.evaluate((c) => {
      const m = window.ifnViewer.map;
      const p = m.project(c);
      const r = m.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }, place.geometry.coordinates);
    await page.mouse.click(pt.x, pt.y);
    await page.waitForSelector('.maplibregl-popup .ifn-popup', { timeout: 10_000 });
    const popup = await page.textContent('.ifn-popup h3');
    assert.equal(popup.trim(), place.properties.name);
    await shot(page, '07-place-popup');
    await page.close();
  });

  test('no uncaught error in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
