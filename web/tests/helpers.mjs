// Helpers shared by the viewer's end-to-end test files: the browser session, opening the
// viewer, waiting for the map, finding territories and reading pixels, numbers as shown.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';

export const BASE = process.env.IFN_BASE_URL;
export const here = path.dirname(fileURLToPath(import.meta.url));
export const ARTEFACTS = path.join(here, '..', 'test-results');

/** The browser shared by the tests of one file, and the errors its pages threw. */
export const session = { browser: null, pageErrors: [] };

export async function shot(page, name) {
  fs.mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTEFACTS, `${name}.png`) });
}

/** Opens the viewer (optionally with a hash) and waits until the map is drawn. */
export async function openViewer(hash = '') {
  const page = await session.browser.context.newPage();
  page.on('pageerror', (e) => session.pageErrors.push(e.message));
  await page.goto(`${BASE}/${hash}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await waitIdle(page);
  return page;
}

/** Waits until MapLibre has loaded every visible tile and stopped moving. */
export async function waitIdle(page) {
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
export async function territoryPoints(page, max = 20) {
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
export async function pixels(page, points) {
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


/** A number as the viewer writes it ("12 345", "4,2 km", "23,4 %"); null for "—". */
export function frNumber(text) {
  const t = String(text).replace(/[\s\u00a0\u202f]/g, '');
  if (!t || t.startsWith('—')) return null;
  const m = t.match(/-?[\d.]*\d(,\d+)?/);
  assert.ok(m, `no number in "${text}"`);
  return Number(m[0].replace(/\./g, '').replace(',', '.'));
}

/** Asserts a displayed number equals an API value to the shown precision (null ↔ "—"). */
export function assertShown(text, value, digits, what) {
  const shown = frNumber(text);
  if (value == null) {
    assert.equal(shown, null, `${what}: the API gives null, the viewer shows "${text}"`);
    return;
  }
  assert.ok(shown != null, `${what}: the API gives ${value}, the viewer shows "${text}"`);
  assert.ok(Math.abs(shown - value) <= 0.5 * 10 ** -digits + 1e-9, `${what}: viewer "${text}", API ${value}`);
}

/** Rows of a CSV text (RFC 4180 quoting), as arrays of strings. */
export function parseCsv(text, sep = ',') {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** The query string as a plain object, for comparisons that ignore the order of parameters. */
export const params = (q) => Object.fromEntries(new URLSearchParams(q));

/** Sets an offer option through its input (as a user would, Enter to apply). */
export async function setOption(page, id, value) {
  await page.fill(id, String(value));
  await page.press(id, 'Enter');
}

/**
 * Distinct features of the places tiles drawn on the map: single places (`count` 1, with their
 * kinds and services) and, below zoom 12, clusters (`count` = `point_count`, `cluster` true).
 * A feature near a tile edge may come from two tiles: places are told apart by id, clusters by
 * position and count.
 */
export async function renderedPlaces(page) {
  return page.evaluate(() => {
    const { map } = window.ifnViewer;
    if (map.getLayoutProperty('places-points', 'visibility') === 'none') return [];
    const layers = ['places-points', 'places-clusters'].filter((l) => map.getLayer(l));
    const byKey = new Map();
    for (const f of map.queryRenderedFeatures({ layers })) {
      const p = f.properties;
      const cluster = p.point_count != null;
      const [lon, lat] = f.geometry.coordinates;
      const key = cluster ? `c:${lon.toFixed(5)},${lat.toFixed(5)},${p.point_count}` : `p:${p.id}`;
      byKey.set(key, {
        key, cluster, count: cluster ? Number(p.point_count) : 1, lngLat: [lon, lat],
        kinds: String(p.kinds ?? ''), services: p.services == null ? null : String(p.services), publics: String(p.publics ?? ''),
      });
    }
    return [...byKey.values()];
  });
}

/** Number of places drawn: the sum of the clusters' `point_count`, plus one per single place. */
export const placeTotal = (items) => items.reduce((a, it) => a + it.count, 0);

/** The tile URL template of a source. */
export const sourceTiles = (page, id) => page.evaluate((id) => window.ifnViewer.map.getSource(id).tiles[0], id);

/** `before` of every test file: checks the server and starts the browser. */
export async function startSession() {
  assert.ok(BASE, 'set IFN_BASE_URL to a running `ifn serve` (scripts/test-web.sh does it)');
  const health = await fetch(`${BASE}/health`);
  assert.equal(health.status, 200, `${BASE}/health did not answer 200`);
  session.browser = await launch();
}

/** `after` of every test file. */
export async function endSession() {
  await session.browser?.cleanup();
}
