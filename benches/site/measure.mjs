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
const level = await page.evaluate(() => window.ifnViewer.level);

// Weight changes: the poverty weight between 1.5 and 3, as a user drags the slider.
const times = [];
const drawn = [];
for (let i = 0; i < runs; i++) {
  const before = server.requests.length;
  const value = String(i % 2 ? 1.5 : 3);
  const t = await page.evaluate(async (v) => {
    const r = document.getElementById('w-poverty_rate') || document.querySelector('#weights input[type="range"]');
    const prev = window.ifnViewer.recolouredAt;
    r.value = v;
    r.dispatchEvent(new Event('input', { bubbles: true }));
    // The slider waits 250 ms for the drag to settle; the measure starts when the selection
    // reaches the map (selectionChangedAt).
    while (window.ifnViewer.recolouredAt === prev) await new Promise((ok) => setTimeout(ok, 5));
    const { map, selectionChangedAt, recolouredAt } = window.ifnViewer;
    const painted = await new Promise((ok) => map.once('idle', () => ok(performance.now())));
    return { compute: recolouredAt - selectionChangedAt, painted: painted - selectionChangedAt };
  }, value);
  if (server.requests.slice(before).some((r) => r.path.endsWith('.pmtiles'))) throw new Error('a weight change fetched tiles');
  times.push(t.compute);
  drawn.push(t.painted);
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const max = (a) => Math.max(...a);
console.log(JSON.stringify({
  level, first_view_bytes: first, first_view_by_kind: byKind,
  recolour_compute_ms: { median: +med(times).toFixed(1), max: +max(times).toFixed(1) },
  recolour_painted_ms: { median: +med(drawn).toFixed(1), max: +max(drawn).toFixed(1) },
  runs,
}, null, 1));
await browser.cleanup();
await server.close();
