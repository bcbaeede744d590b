// The static site (`ifn site`) in headless Chromium, served by a plain static file server that
// honours `Range` (tests/static-server.mjs) — no ifn process in the path:
//
// - the map draws from the PMTiles archives;
// - for three selections at four levels, the scores computed in the browser equal `ifn score`'s
//   (|difference| ≤ 1e-9, every territory);
// - a weight change re-colours the map without fetching any tile;
// - what needs the server says so.
//
//   IFN_BIN=path/to/ifn node --test tests/static.mjs      (scripts/test-web.sh runs it)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browser.mjs';
import { parseCsv, shot } from './helpers.mjs';
import { serveStatic } from './static-server.mjs';

const BIN = process.env.IFN_BIN;
const ctx = { dir: null, server: null, browser: null, store: null };

/** `ifn score` of the demo store as code → total. */
function ifnScore(level, args) {
  const csv = execFileSync(BIN, ['score', '--store', ctx.store, '--level', level, '--format', 'csv', ...args], { encoding: 'utf8' });
  const rows = parseCsv(csv);
  const head = rows[0];
  const code = head.indexOf('code');
  const total = head.indexOf('total');
  return new Map(rows.slice(1).filter((r) => r.length > 1).map((r) => [r[code], r[total] === '' ? null : Number(r[total])]));
}

async function openSite() {
  const page = await ctx.browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(ctx.server.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.waitForFunction(() => {
    const m = window.ifnViewer?.map;
    return m && m.loaded() && m.areTilesLoaded() && !m.isMoving() && window.ifnViewer.recolouredAt;
  }, null, { timeout: 30_000, polling: 100 });
  return { page, errors };
}

describe('static site (ifn site)', { concurrency: false, skip: !BIN && 'IFN_BIN is not set' }, () => {
  before(async () => {
    ctx.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ifn-site-test-'));
    ctx.store = path.join(ctx.dir, 'store');
    execFileSync(BIN, ['demo', '--out', ctx.store], { stdio: 'ignore' });
    execFileSync(BIN, ['site', '--store', ctx.store, '--out', path.join(ctx.dir, 'site')], { stdio: 'ignore' });
    ctx.server = await serveStatic(path.join(ctx.dir, 'site'));
    ctx.browser = await launch();
  });
  after(async () => {
    await ctx.browser?.cleanup();
    await ctx.server?.close();
    if (ctx.dir) fs.rmSync(ctx.dir, { recursive: true, force: true });
  });

  test('the map draws from the archives, with no ifn server', async () => {
    const { page, errors } = await openSite();
    const drawn = await page.evaluate(() => {
      const { map, level } = window.ifnViewer;
      return map.queryRenderedFeatures({ layers: [`fill-${level}`] }).length;
    });
    assert.ok(drawn > 0, 'territories drawn');
    assert.ok(ctx.server.requests.some((r) => r.path.endsWith('.pmtiles') && r.range), 'archives read with Range requests');
    assert.ok(!ctx.server.requests.some((r) => r.path.startsWith('/api/territories') || r.path.startsWith('/tiles/') && r.path.endsWith('.mvt')),
      'no request meant for a server');
    await shot(page, 'static-first-view');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('scores computed in the browser equal ifn score for 3 selections at 4 levels', async () => {
    const { page } = await openSite();
    const selections = [
      { query: 'profile=tout-age', args: ['--profile', 'tout-age'] },
      { query: 'profile=tout-age&weights=poverty_rate=2.5,no_thd_coverage_rate=0&reference=departement',
        args: ['--profile', 'tout-age', '--weights', 'poverty_rate=2.5,no_thd_coverage_rate=0', '--reference', 'departement'] },
      { query: 'profile=senior&indicators=older_75_rate,menseul_rate_50_plus,poverty_rate_50_plus&weights=older_75_rate=0.5&reference=region',
        args: ['--profile', 'senior', '--indicators', 'older_75_rate,menseul_rate_50_plus,poverty_rate_50_plus', '--weights', 'older_75_rate=0.5', '--reference', 'region'] },
    ];
    for (const sel of selections) {
      for (const level of ['departement', 'epci', 'commune', 'iris']) {
        const expected = ifnScore(level, sel.args);
        const got = await page.evaluate(async ([l, q]) => {
          const s = await window.ifnViewer.static.levelScores(l, q);
          return s.codes.map((c, i) => [c, Number.isNaN(s.total[i]) ? null : s.total[i]]);
        }, [level, sel.query]);
        assert.equal(got.length, expected.size, `${level} ${sel.query}: as many territories`);
        let worst = 0;
        for (const [code, total] of got) {
          assert.ok(expected.has(code), `${level} ${code} is in ifn score`);
          const want = expected.get(code);
          if (want == null || total == null) {
            assert.equal(total, want, `${level} ${code}: both missing`);
            continue;
          }
          worst = Math.max(worst, Math.abs(total - want));
        }
        assert.ok(worst <= 1e-9, `${level} ${sel.query}: largest difference ${worst}`);
      }
    }
    await page.close();
  });

  test('a weight change re-colours the map without fetching tiles', async () => {
    const { page } = await openSite();
    const before = await page.evaluate(() => {
      const { map, level } = window.ifnViewer;
      const f = map.queryRenderedFeatures({ layers: [`fill-${level}`] });
      return { at: window.ifnViewer.recolouredAt, states: f.slice(0, 50).map((x) => [x.properties.code, map.getFeatureState({ source: `fillsrc-${level}`, sourceLayer: level, id: x.properties.code }).v]) };
    });
    const requests = ctx.server.requests.length;
    await page.$eval('#w-poverty_rate', (r) => { r.value = '5'; r.dispatchEvent(new Event('input', { bubbles: true })); });
    await page.waitForFunction((t) => window.ifnViewer.recolouredAt > t, before.at, { timeout: 10_000 });
    await page.waitForTimeout(300);
    const after = await page.evaluate((codes) => {
      const { map, level } = window.ifnViewer;
      return codes.map((c) => map.getFeatureState({ source: `fillsrc-${level}`, sourceLayer: level, id: c }).v);
    }, before.states.map(([c]) => c));
    const changed = after.filter((v, i) => v !== before.states[i][1]).length;
    assert.ok(changed > 0, 'some colours changed');
    const fetched = ctx.server.requests.slice(requests).filter((r) => r.path.endsWith('.pmtiles'));
    assert.deepEqual(fetched, [], 'no tile fetched for a new weight');
    assert.match(page.url(), /weights=|w=|poverty_rate/, 'the link keeps the weights');
    await page.close();
  });

  test('search, detail card and table view work from the static files', async () => {
    const { page, errors } = await openSite();
    // Search: a commune by the start of its name, words in any order.
    const name = await page.evaluate(async () => (await window.ifnViewer.static.site.territories('commune')).names[0]);
    const words = name.split(/[\s-]+/).filter((w) => w.length > 2);
    await page.fill('#search-input', words.reverse().join(' ').slice(0, 40));
    await page.waitForSelector('#search-opt-0', { timeout: 10_000 });
    await page.click('#search-opt-0');
    await page.waitForFunction(() => document.getElementById('detail-score')?.textContent.trim().length > 0, null, { timeout: 10_000 });
    const card = await page.evaluate(() => ({ title: document.getElementById('detail-title').textContent, score: document.getElementById('detail-score').textContent }));
    assert.ok(card.title.length > 0);
    // The card's score is the one computed for the level, rounded as the rules say.
    const expected = await page.evaluate(async () => {
      const v = window.ifnViewer;
      const d = v.detail;
      const s = await v.static.levelScores(d.level, v.query);
      return { level: d.level, total: s.total[s.row.get(d.code)], shown: d.total };
    });
    assert.equal(expected.shown, expected.total);
    assert.match(await page.textContent('#detail'), /nécessite le serveur ifn/, 'the diagnostic says it needs the server');
    // The table view of the displayed level.
    await page.click('#toggle-table');
    await page.waitForFunction(() => /territoire/.test(document.getElementById('table-status')?.textContent || ''), null, { timeout: 20_000 });
    const rows = await page.$$eval('#table-view tbody tr', (r) => r.length);
    assert.ok(rows > 0, 'table rows');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('what needs the server says so', async () => {
    const { page } = await openSite();
    await page.click('#export-btn');
    const note = await page.textContent('#export-static-note');
    assert.match(note, /nécessite le serveur ifn/);
    assert.ok(await page.$eval('#export-level-fgb', (a) => a.closest('li').hidden), 'FlatGeobuf export hidden');
    await page.close();
  });
});
