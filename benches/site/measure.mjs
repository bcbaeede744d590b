// Measures a static IFN site (`ifn site`) in Chromium, served by the Range-honouring test
// server (no ifn process): bytes transferred for the first view, and the time a weight change
// takes to re-colour the map (scores computed in the browser, feature states set, map drawn).
//
//   node benches/site/measure.mjs SITE_DIR [RUNS]      (benches/site/run.sh calls it)

import { launch } from '../../web/tests/browser.mjs';
import { serveStatic } from '../../web/tests/static-server.mjs';

const [dir, runsArg] = process.argv.slice(2);
if (!dir) { console.error('usage: node benches/site/measure.mjs SITE_DIR [RUNS]'); process.exit(2); }
const runs = Number(runsArg || 10);
const server = await serveStatic(dir);
const browser = await launch();
const page = await browser.context.newPage();
await page.goto(server.url);
await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
await page.waitForFunction(() => {
  const m = window.ifnViewer?.map;
  return m && m.loaded() && m.areTilesLoaded() && !m.isMoving() && window.ifnViewer.recolouredAt;
}, null, { timeout: 120_000, polling: 100 });
await page.waitForTimeout(1000);
const first = server.requests.reduce((a, r) => a + r.bytes, 0);
const byKind = {};
for (const r of server.requests) {
  const k = r.path.startsWith('/tiles/') ? 'tiles' : r.path.startsWith('/data/') ? 'data' : r.path.startsWith('/api/') ? 'api' : r.path.startsWith('/fonts/') ? 'fonts' : 'viewer';
  byKind[k] = (byKind[k] || 0) + r.bytes;
}
const firstLevel = await page.evaluate(() => window.ifnViewer.level);
const results = { first_view_bytes: first, first_view_level: firstLevel, first_view_by_kind: byKind, runs, levels: {} };
for (const level of (process.env.LEVELS || 'departement,commune').split(',')) {
  await page.selectOption('#level-select', level);
  await page.waitForFunction((l) => window.ifnViewer.level === l, level);
  await page.waitForFunction(() => {
    const m = window.ifnViewer.map;
    return m.loaded() && m.areTilesLoaded() && !m.isMoving();
  }, null, { timeout: 120_000, polling: 100 });
  await page.waitForTimeout(1000);

const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const max = (a) => Math.max(...a);

  // Weight changes: the poverty weight between 1.5 and 3, as a user drags the slider.
  const times = [];
  const drawn = [];
  for (let i = 0; i < runs; i++) {
  const before = server.requests.length;
  const value = String(i % 2 ? 1.5 : 3);
  const t = await page.evaluate(async (v) => {
    const { map } = window.ifnViewer;
    const renders = [];
    const onRender = () => renders.push(performance.now());
    map.on('render', onRender);
    const r = document.getElementById('w-poverty_rate') || document.querySelector('#weights input[type="range"]');
    const prev = window.ifnViewer.recolouredAt;
    r.value = v;
    r.dispatchEvent(new Event('input', { bubbles: true }));
    // The slider waits 250 ms for the drag to settle; the measure starts when the selection
    // reaches the map (selectionChangedAt).
    while (window.ifnViewer.recolouredAt === prev) await new Promise((ok) => setTimeout(ok, 2));
    const { selectionChangedAt, recolouredAt } = window.ifnViewer;
    // Drawn: the first frame rendered after the states were set, presented (the next animation
    // frame: without a GPU, the software renderer draws at the end of the render task).
    while (!renders.some((x) => x >= recolouredAt)) await new Promise((ok) => setTimeout(ok, 1));
    const painted = await new Promise((ok) => requestAnimationFrame(() => ok(performance.now())));
    map.off('render', onRender);
    return { compute: recolouredAt - selectionChangedAt, painted: painted - selectionChangedAt };
  }, value);
  if (server.requests.slice(before).some((r) => r.path.endsWith('.pmtiles'))) throw new Error('a weight change fetched tiles');
  times.push(t.compute);
  drawn.push(t.painted);
}
  // The same frame with nothing changed: what the software renderer costs alone.
  const idle = [];
  for (let i = 0; i < runs; i++) {
    idle.push(await page.evaluate(() => new Promise((ok) => {
      const { map } = window.ifnViewer;
      const t0 = performance.now();
      map.once('render', () => requestAnimationFrame(() => ok(performance.now() - t0)));
      map.triggerRepaint();
    })));
  }
  results.levels[level] = {
    plain_repaint_ms: { median: +med(idle).toFixed(1), max: +max(idle).toFixed(1) },
    recolour_compute_ms: { median: +med(times).toFixed(1), max: +max(times).toFixed(1) },
    recolour_painted_ms: { median: +med(drawn).toFixed(1), max: +max(drawn).toFixed(1) },
  };
}
const total = (await import('node:child_process')).execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0];
results.site_bytes = Number(total);
console.log(JSON.stringify(results, null, 1));
await browser.cleanup();
await server.close();
