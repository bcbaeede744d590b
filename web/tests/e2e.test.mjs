// End-to-end tests of the map viewer in headless Chromium, against a running ifn server.
//
//   IFN_BASE_URL=http://127.0.0.1:8080 node --test tests/*.test.mjs
//
// scripts/test-web.sh builds the viewer, starts `ifn serve` (demo territory) and runs the test
// files. Screenshots are kept in web/test-results/ as artefacts.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  BASE,
  ARTEFACTS,
  session,
  shot,
  openViewer,
  waitIdle,
  territoryPoints,
  pixels,
  frNumber,
  assertShown,
  parseCsv,
  params,
  setOption,
  renderedPlaces,
  placeTotal,
  sourceTiles,
  startSession,
  endSession,
} from './helpers.mjs';

describe('ifn web viewer', { concurrency: false }, () => {
  before(startSession);
  after(endSession);

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
    // Offer rows: places, places per 10,000, fragile population, share beyond the distance,
    // each equal to the API's figures for the same query.
    const query = await page.evaluate(() => window.ifnViewer.query);
    for (const [n, t] of [a, b].entries()) {
      const api = await (await fetch(`${BASE}/api/territories/${t.level}/${encodeURIComponent(t.code)}?${query}`)).json();
      assert.ok(api.offer, `the API gives no offer for ${t.code}`);
      const cell = (row) => page.textContent(`#compare-table tr[data-row="${row}"] td:nth-of-type(${n + 1})`);
      assertShown(await cell('places_all'), api.offer.places.all, 0, `places of ${t.code}`);
      assertShown(await cell('places_per_10k_all'), api.offer.places_per_10k.all, 1, `places per 10,000 of ${t.code}`);
      assertShown(await cell('fragile_population'), api.offer.fragile_population == null ? null : Math.round(api.offer.fragile_population), 0, `fragile population of ${t.code}`);
      assertShown(await cell('fragile_share_beyond'), api.offer.fragile_share_beyond == null ? null : api.offer.fragile_share_beyond * 100, 1, `share beyond of ${t.code}`);
    }
    await shot(page, '06-comparison');

    // The selection CSV is built in the browser.
    await page.click('#export-btn');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-selection')]);
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(csv.length, 3, 'header + two territories');
    assert.ok(csv[0].startsWith('level,code,name,population,total'));
    assert.ok(csv[0].split(',').includes('fragile_share_beyond'), 'the selection CSV carries the offer columns');
    await page.close();
  });

  test('mediation places are drawn and a place opens a popup', async () => {
    const page = await openViewer();
    // The places come from the server's vector tiles (layer `places`).
    const count = await page.evaluate(() => window.ifnViewer.map.querySourceFeatures('places', { sourceLayer: 'places' }).length);
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


  test('at low zoom the places are clustered, and a click on a cluster zooms in', async () => {
    const page = await openViewer();
    const zoom0 = await page.evaluate(() => window.ifnViewer.map.getZoom());
    assert.ok(zoom0 < 12, `the initial zoom ${zoom0} should be below 12`);
    const items = await renderedPlaces(page);
    const clusters = items.filter((it) => it.cluster);
    assert.ok(clusters.length > 0, 'no cluster drawn at the initial zoom');
    assert.ok(clusters.every((c) => Number.isInteger(c.count) && c.count >= 2), 'every cluster has point_count ≥ 2');
    // The total of the clusters never exceeds the places of the API.
    const apiAll = (await (await fetch(`${BASE}/api/places`)).json()).features.length;
    assert.ok(placeTotal(items) <= apiAll, `${placeTotal(items)} places drawn, ${apiAll} in the API`);
    // The count is written on the cluster from zoom 9 (below, small discs keep the choropleth
    // readable): a marker (plain map) or a symbol layer (glyphs).
    const counts = () => page.evaluate(() => {
      const m = window.ifnViewer.map;
      if (m.getLayer('places-cluster-count')) return m.queryRenderedFeatures({ layers: ['places-cluster-count'] }).map((f) => Number(f.properties.point_count));
      return [...document.querySelectorAll('.ifn-cluster-count')].map((e) => Number(e.textContent));
    });
    if (zoom0 < 9) {
      const hidden = await counts();
      assert.equal(hidden.length, 0, `no count written at zoom ${zoom0}`);
      await page.evaluate(() => window.ifnViewer.map.jumpTo({ zoom: 9.2 }));
      await waitIdle(page);
    }
    const atCount = (await renderedPlaces(page)).filter((it) => it.cluster);
    const written = await counts();
    assert.ok(atCount.some((c) => written.includes(c.count)), `the counts are written on the clusters: ${written}`);
    const zoomCounted = await page.evaluate(() => window.ifnViewer.map.getZoom());
    await shot(page, '07b-place-clusters');

    // Click the biggest cluster that is clear of the panel and legend.
    const target = await page.evaluate((cs) => {
      const m = window.ifnViewer.map;
      const r = m.getCanvas().getBoundingClientRect();
      const legend = document.getElementById('legend').getBoundingClientRect();
      return cs.map((c) => ({ c, p: m.project(c.lngLat) }))
        .map(({ c, p }) => ({ count: c.count, x: r.left + p.x, y: r.top + p.y }))
        .filter(({ x, y }) => x > r.left + 20 && x < r.right - 60 && y > r.top + 20 && y < r.bottom - 20
          && !(x > legend.left - 20 && x < legend.right + 20 && y > legend.top - 20 && y < legend.bottom + 20)
          && m.queryRenderedFeatures([x - r.left, y - r.top], { layers: ['places-clusters'] }).length)
        .sort((a, b) => b.count - a.count)[0];
    }, atCount);
    assert.ok(target, 'no cluster to click on screen');
    await page.mouse.move(target.x, target.y);
    await page.waitForFunction(() => !document.getElementById('hover-tip').hidden);
    assert.match(await page.textContent('#hover-tip'), /lieux de médiation/);
    await page.mouse.click(target.x, target.y);
    await page.waitForFunction((z) => window.ifnViewer.map.getZoom() > z + 0.4, zoomCounted, { timeout: 10_000 });
    await waitIdle(page);
    assert.ok(await page.evaluate(() => window.ifnViewer.map.getZoom()) > zoomCounted, 'the click zoomed in');
    await page.close();
  });

  test('the offer options go into the query, the tile URLs, the tiles and the link', async () => {
    const page = await openViewer();
    assert.equal(await page.inputValue('#threshold-input'), '7');
    assert.equal(await page.inputValue('#distance-input'), '10');
    let q = params(await page.evaluate(() => window.ifnViewer.query));
    assert.equal(q.threshold, '7', 'the default threshold is passed on');
    assert.equal(q.distance_km, '10', 'the default distance is passed on');
    const level = await page.evaluate(() => window.ifnViewer.level);
    const tileUrls = [];
    page.on('request', (r) => { if (/\/tiles\/(?!places)\w+\/\d+\//.test(r.url())) tileUrls.push(r.url()); });

    await setOption(page, '#threshold-input', 5);
    await page.waitForFunction(() => window.ifnViewer.query.includes('threshold=5'), null, { timeout: 5_000 });
    await setOption(page, '#distance-input', 4);
    await page.waitForFunction(() => window.ifnViewer.query.includes('distance_km=4'), null, { timeout: 5_000 });
    await waitIdle(page);
    q = params(await page.evaluate(() => window.ifnViewer.query));
    assert.equal(q.threshold, '5');
    assert.equal(q.distance_km, '4');
    const template = new URL((await sourceTiles(page, `src-${level}`)).replace(/[{}]/g, ''));
    assert.equal(template.searchParams.get('threshold'), '5', 'the level source carries the threshold');
    assert.equal(template.searchParams.get('distance_km'), '4', 'the level source carries the distance');
    assert.ok(tileUrls.some((u) => new URL(u).searchParams.get('threshold') === '5' && new URL(u).searchParams.get('distance_km') === '4'),
      'tiles were requested with the new options');

    // The tiles carry the offer figures of that query: they match the API's.
    const [p] = await territoryPoints(page, 1);
    const props = await page.evaluate(({ x, y }) => {
      const { map, level } = window.ifnViewer;
      const r = map.getCanvas().getBoundingClientRect();
      return map.queryRenderedFeatures([x - r.left, y - r.top], { layers: [`fill-${level}`] })[0].properties;
    }, p);
    const api = await (await fetch(`${BASE}/api/territories/${p.level}/${encodeURIComponent(p.code)}?${await page.evaluate(() => window.ifnViewer.query)}`)).json();
    assert.deepEqual(api.offer.options, { threshold: 5, distance_km: 4 });
    assert.equal(props.places_all, api.offer.places.all, 'places_all of the tile = places.all of the API');
    assert.equal(props.zones_blanches, api.offer.zones_blanches.length, 'zones_blanches of the tile = number of codes of the API');
    assert.ok(Math.abs((props.fragile_population ?? 0) - api.offer.fragile_population) < 1e-3 * Math.max(1, api.offer.fragile_population),
      `fragile_population of the tile ${props.fragile_population} ≠ API ${api.offer.fragile_population}`);

    // A value out of bounds is flagged and not applied.
    await setOption(page, '#threshold-input', 42);
    await page.waitForSelector('#threshold-error', { state: 'visible' });
    assert.equal(params(await page.evaluate(() => window.ifnViewer.query)).threshold, '5');

    // The link restores the options.
    await page.waitForFunction(() => location.hash.includes('t=5') && location.hash.includes('dk=4'));
    const hash = await page.evaluate(() => location.hash);
    const again = await openViewer(hash);
    assert.equal(await again.inputValue('#threshold-input'), '5');
    assert.equal(await again.inputValue('#distance-input'), '4');
    assert.deepEqual(params(await again.evaluate(() => window.ifnViewer.query)), q);
    await again.close();
    await page.close();
  });

  test('the détail card shows the offer of the API and links to the diagnostic', async () => {
    const page = await openViewer();
    const [p] = await territoryPoints(page, 1);
    assert.ok(p, 'no clickable territory found on the map');
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector(`#detail .ifn-card[data-code="${p.code}"] #detail-offer`, { timeout: 10_000 });

    const check = async (label) => {
      const query = await page.evaluate(() => window.ifnViewer.query);
      const api = await (await fetch(`${BASE}/api/territories/${p.level}/${encodeURIComponent(p.code)}?${query}`)).json();
      const o = api.offer;
      assert.ok(o, 'the API gives an offer object');
      assertShown(await page.textContent('#offer-fragile-population'), o.fragile_population == null ? null : Math.round(o.fragile_population), 0, `${label}: fragile population`);
      assertShown(await page.textContent('#offer-share-beyond'), o.fragile_share_beyond == null ? null : o.fragile_share_beyond * 100, 1, `${label}: share beyond`);
      assertShown(await page.textContent('#offer-mean-distance'), o.mean_distance_km.all, 1, `${label}: mean distance`);
      assertShown(await page.textContent('#offer-per-10k-fragile'), o.places_per_10k_fragile, 1, `${label}: places per 10,000 fragile`);
      assertShown(await page.textContent('#offer-zones-blanches'), o.zones_blanches.length, 0, `${label}: zones blanches`);
      for (const k of ['all', 'france_services', 'conseiller_numerique', 'aidants_connect', 'bibliotheque']) {
        assertShown(await page.textContent(`#offer-places tr[data-kind="${k}"] [data-field="places"]`), o.places[k], 0, `${label}: places ${k}`);
        assertShown(await page.textContent(`#offer-places tr[data-kind="${k}"] [data-field="places_per_10k"]`), o.places_per_10k[k], 1, `${label}: places per 10,000 ${k}`);
      }
      const options = await page.textContent('#offer-options');
      assert.ok(options.includes(`≥ ${String(o.options.threshold).replace('.', ',')}`) && options.includes(`${String(o.options.distance_km).replace('.', ',')} km`),
        `${label}: the card states the options (${options})`);
      // The diagnostic link carries the same query.
      const href = new URL(await page.getAttribute('#detail-diagnostic', 'href'), BASE);
      assert.equal(href.pathname, `/diagnostic/${p.level}/${encodeURIComponent(p.code)}`);
      assert.deepEqual(params(href.search), params(query), `${label}: the diagnostic link carries the query`);
      assert.equal(await page.getAttribute('#detail-diagnostic', 'target'), '_blank');
      return o;
    };
    await check('default options');
    await shot(page, '08-detail-offer');

    // Every scored unit is fragile at threshold 1: the card follows the new options.
    await setOption(page, '#threshold-input', 1);
    await page.waitForFunction(() => document.querySelector('#offer-options')?.textContent.includes('≥ 1 '), null, { timeout: 10_000 });
    const o = await check('threshold 1');
    assert.ok(o.fragile_population > 0, 'at threshold 1 the fragile population of a scored territory is positive');

    // The diagnostic opens in a new tab, as a French HTML page about this territory.
    const [tab] = await Promise.all([session.browser.context.waitForEvent('page'), page.click('#detail-diagnostic')]);
    await tab.waitForLoadState('domcontentloaded');
    const url = new URL(tab.url());
    assert.equal(url.pathname, `/diagnostic/${p.level}/${encodeURIComponent(p.code)}`);
    assert.equal(url.searchParams.get('threshold'), '1');
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /text\/html/);
    const html = (await res.text()).replace(/&#39;|&#x27;|&apos;/g, "'").replace(/&amp;/g, '&');
    assert.ok(html.includes(p.name), 'the diagnostic names the territory');
    await tab.close();

    // On a 1366×768 screen the open panel leaves the map controls visible.
    const layout = await page.evaluate(() => {
      const r = (sel) => document.querySelector(sel).getBoundingClientRect();
      return { ctrl: r('.maplibregl-ctrl-top-right'), panel: r('#panel'), legend: r('#legend'), scale: r('.maplibregl-ctrl-bottom-right') };
    });
    assert.ok(layout.ctrl.right <= layout.panel.left + 1, 'the zoom buttons are not under the panel');
    assert.ok(layout.scale.right <= layout.panel.left + 1, 'the scale is not under the panel');
    assert.ok(layout.legend.right < layout.panel.left, 'the legend is not under the panel');
    await page.close();
  });

  test('the zones blanches overlay hatches the territories that hold one', async () => {
    const page = await openViewer('#l=commune');
    assert.equal(await page.evaluate(() => window.ifnViewer.level), 'commune');
    assert.equal(await page.isVisible('#legend-zb'), false, 'no zones blanches line in the legend while the overlay is off');
    // Options under which some communes hold zones blanches and others not (found through the
    // CSV export of the communes), so that the overlay has something to tell apart.
    const base = params(await page.evaluate(() => window.ifnViewer.query));
    let options = null;
    for (const [threshold, distance] of [[1, 10], [1, 5], [1, 2], [1, 20], [1, 1], [5, 10], [7, 10], [5, 3]]) {
      const q = new URLSearchParams({ ...base, threshold: String(threshold), distance_km: String(distance) });
      const rows = parseCsv(await (await fetch(`${BASE}/api/export/commune.csv?${q}`)).text());
      const col = rows[0].indexOf('zones_blanches');
      assert.ok(col >= 0, 'the commune CSV export has a zones_blanches column');
      const zb = rows.slice(1).filter((r) => r.length > col).map((r) => Number(r[col] || 0));
      if (zb.some((n) => n > 0) && zb.some((n) => n === 0)) { options = { threshold, distance }; break; }
    }
    assert.ok(options, 'no threshold and distance give both communes with and without zones blanches');
    await setOption(page, '#threshold-input', options.threshold);
    await setOption(page, '#distance-input', options.distance);
    await page.waitForFunction((o) => window.ifnViewer.query.includes(`threshold=${o.threshold}&`) && window.ifnViewer.query.endsWith(`distance_km=${o.distance}`), options);
    await waitIdle(page);
    await page.mouse.move(1, 1);
    const { expected, others } = await page.evaluate(() => {
      const fs = window.ifnViewer.map.queryRenderedFeatures({ layers: ['fill-commune'] });
      const codes = (keep) => [...new Set(fs.filter(keep).map((f) => f.properties.code))].sort();
      return { expected: codes((f) => Number(f.properties.zones_blanches) > 0), others: codes((f) => !(Number(f.properties.zones_blanches) > 0)) };
    });
    assert.ok(expected.length > 0, `no drawn commune with zones_blanches > 0 at threshold ${options.threshold} and ${options.distance} km`);
    assert.ok(others.length > 0, 'every drawn commune holds a zone blanche: nothing to tell apart');
    assert.equal(await page.evaluate(() => window.ifnViewer.map.queryRenderedFeatures({ layers: ['zb-fill-commune'] }).length), 0,
      'the overlay draws nothing before it is switched on');
    const points = (await territoryPoints(page, 60)).filter((t) => expected.includes(t.code)).slice(0, 25);
    assert.ok(points.length > 0, 'no zone blanche commune to sample');
    const before = await pixels(page, points);

    await page.click('label[for="zb-toggle"]');
    await waitIdle(page);
    const drawn = await page.evaluate(() => {
      const { map } = window.ifnViewer;
      const fs = map.queryRenderedFeatures({ layers: ['zb-fill-commune', 'zb-line-commune'] });
      return { visibility: map.getLayoutProperty('zb-fill-commune', 'visibility'), codes: [...new Set(fs.map((f) => f.properties.code))].sort(), all: fs.every((f) => Number(f.properties.zones_blanches) > 0) };
    });
    assert.equal(drawn.visibility, 'visible');
    assert.ok(drawn.all, 'only territories with zones_blanches > 0 are hatched');
    assert.deepEqual(drawn.codes, expected, 'every commune holding a zone blanche is hatched');
    const after = await pixels(page, points);
    assert.ok(after.some((px, i) => px.join() !== before[i].join()), 'the hatching changes the pixels of the zones blanches');
    assert.equal(await page.isVisible('#legend-zb'), true);
    const legend = await page.textContent('#legend-zb');
    assert.ok(legend.includes(`≥ ${options.threshold}`) && legend.includes(`${options.distance} km`), `the legend states the options: ${legend}`);
    assert.match(await page.evaluate(() => location.hash), /zb=1/);
    await shot(page, '09-zones-blanches');

    // At a coarser level the overlay is not drawn, and the legend says from where it shows.
    await page.selectOption('#level-select', 'departement');
    await waitIdle(page);
    assert.equal(await page.evaluate(() => window.ifnViewer.map.getLayoutProperty('zb-fill-commune', 'visibility')), 'none');
    assert.match(await page.textContent('#legend-zb'), /à partir de l'échelle commune/);
    await page.close();
  });

  test('the places filters go into the places tile URL and never add places', async () => {
    const page = await openViewer();
    const facets = await (await fetch(`${BASE}/api/places/facets`)).json();
    assert.equal(await page.locator('#place-kinds input[data-kind]').count(), 5, 'one checkbox per kind');
    for (const k of facets.kinds) {
      const label = await page.textContent(`label[for="kind-${k.key}"]`);
      assert.ok(label.includes(k.label), `the checkbox of ${k.key} shows its label`);
      assert.equal(frNumber(label.slice(label.lastIndexOf('('))), k.count, `the checkbox of ${k.key} shows its count`);
    }
    assert.equal(await page.locator('#place-service option').count(), facets.services.length + 1);
    assert.equal(await page.locator('#place-public option').count(), facets.publics.length + 1);
    assert.equal(new URL((await sourceTiles(page, 'places')).replace(/[{}]/g, '')).search, '', 'no filter at first');
    const all = placeTotal(await renderedPlaces(page));
    assert.ok(all > 0, 'no place drawn');
    const placeTiles = [];
    page.on('request', (r) => { if (r.url().includes('/tiles/places/')) placeTiles.push(r.url()); });

    // Untick the most frequent kind.
    const off = facets.kinds[0].key;
    await page.click(`label[for="kind-${off}"]`);
    await page.waitForFunction(() => window.ifnViewer.map.getSource('places').tiles[0].includes('kinds='));
    await waitIdle(page);
    const kinds = new URL((await sourceTiles(page, 'places')).replace(/[{}]/g, '')).searchParams.get('kinds').split('|');
    assert.ok(!kinds.includes(off) && kinds.length === 4, `kinds=${kinds.join('|')} should be every kind but ${off}`);
    assert.ok(placeTiles.some((u) => new URL(u).searchParams.get('kinds')), 'places tiles were requested with the filter');
    const filteredItems = await renderedPlaces(page);
    const filtered = placeTotal(filteredItems);
    assert.ok(filtered <= all, `${filtered} places after the filter, ${all} before`);
    assert.ok(filteredItems.every((pl) => pl.kinds.split('|').some((k) => kinds.includes(k))), 'every drawn place or cluster has a ticked kind');
    const apiAll = (await (await fetch(`${BASE}/api/places`)).json()).features.length;
    const apiFiltered = (await (await fetch(`${BASE}/api/places?kinds=${encodeURIComponent(kinds.join('|'))}`)).json()).features.length;
    if (apiFiltered < apiAll) assert.ok(filtered < all, 'the filter removed places');
    assert.match(await page.evaluate(() => location.hash), /pk=/);
    await shot(page, '10-places-kind-filter');

    // A service on top of it.
    const service = facets.services[0].value;
    await page.selectOption('#place-service', service);
    await page.waitForFunction(() => window.ifnViewer.map.getSource('places').tiles[0].includes('services='));
    await waitIdle(page);
    const url = new URL((await sourceTiles(page, 'places')).replace(/[{}]/g, ''));
    assert.equal(url.searchParams.get('services'), service);
    assert.equal(url.searchParams.get('kinds'), kinds.join('|'), 'the kinds filter stays');
    const withService = await renderedPlaces(page);
    assert.ok(placeTotal(withService) <= filtered, 'adding a service filter never adds places');
    // Clusters carry no services, nor do some single places at low zoom: check those that do.
    assert.ok(withService.filter((pl) => !pl.cluster && pl.services != null)
      .every((pl) => pl.services.toLowerCase().split('|').map((x) => x.trim()).includes(service.toLowerCase())),
    'every drawn place offers the service');

    // The link restores the filters; « Tous les lieux » removes them.
    await page.waitForFunction(() => location.hash.includes('ps='));
    const again = await openViewer(await page.evaluate(() => location.hash));
    assert.equal(await again.evaluate(() => window.ifnViewer.placesQuery), await page.evaluate(() => window.ifnViewer.placesQuery));
    assert.equal(await again.isChecked(`#kind-${off}`), false);
    assert.equal(await again.inputValue('#place-service'), service);
    await again.close();
    await page.click('#place-filters-reset');
    await page.waitForFunction(() => !window.ifnViewer.map.getSource('places').tiles[0].includes('?'));
    await waitIdle(page);
    assert.equal(placeTotal(await renderedPlaces(page)), all, 'without filter every place is back');
    await page.close();
  });

  test('the export menu links to /api/export with the current query', async () => {
    const page = await openViewer();
    await setOption(page, '#threshold-input', 6);
    await page.waitForFunction(() => window.ifnViewer.query.includes('threshold=6'));
    await page.click('#export-btn');
    await page.waitForSelector('#export-menu:not([hidden])');
    const { level, query } = await page.evaluate(() => ({ level: window.ifnViewer.level, query: window.ifnViewer.query }));
    const links = { fgb: '#export-level-fgb', gpkg: '#export-level-gpkg', geojson: '#export-level-geojson', csv: '#export-level-csv-excel' };
    const bodies = {};
    for (const [ext, sel] of Object.entries(links)) {
      assert.equal(await page.isVisible(sel), true, `${sel} is visible in the menu`);
      const href = new URL(await page.getAttribute(sel, 'href'), BASE);
      assert.equal(href.pathname, `/api/export/${level}.${ext}`);
      const expected = { ...params(query), ...(ext === 'csv' ? { excel: '1' } : {}) };
      assert.deepEqual(params(href.search), expected, `${sel} carries the query`);
      const res = await fetch(href);
      assert.equal(res.status, 200, `${href} answers 200`);
      assert.match(res.headers.get('content-disposition') || '', /attachment/);
      bodies[ext] = Buffer.from(await res.arrayBuffer());
    }
    assert.equal(bodies.fgb.subarray(0, 3).toString('latin1'), 'fgb', 'FlatGeobuf magic bytes');
    assert.equal(bodies.gpkg.subarray(0, 15).toString('latin1'), 'SQLite format 3', 'GeoPackage is SQLite');
    const geojson = JSON.parse(bodies.geojson.toString('utf8'));
    assert.equal(geojson.type, 'FeatureCollection');
    assert.ok(geojson.features.length > 0 && 'places_all' in geojson.features[0].properties, 'the GeoJSON carries the offer columns');
    assert.deepEqual([...bodies.csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the Excel CSV starts with a BOM');
    const header = bodies.csv.toString('utf8').slice(1).split(/\r?\n/)[0].split(';');
    for (const c of ['code', 'total', 'places_all', 'fragile_population', 'fragile_share_beyond', 'zones_blanches']) assert.ok(header.includes(c), `the Excel CSV has a ${c} column`);
    // The existing CSV of scores is still offered.
    assert.equal(new URL(await page.getAttribute('#export-level-csv', 'href'), BASE).pathname, `/api/scores/${level}`);
    await shot(page, '11-export-menu');
    await page.close();
  });

  test('the served diagnostic page prints to an A4 PDF and has the figures of the API', async () => {
    // Issue 6: the diagnostic page, rendered and printed by Chromium, against /api/territories.
    const query = 'profile=senior&threshold=6&distance_km=4';
    const search = await (await fetch(`${BASE}/api/search?q=X2&limit=1`)).json();
    const { level, code } = search.results[0];
    const api = await (await fetch(`${BASE}/api/territories/${level}/${code}?${query}`)).json();
    const page = await session.browser.context.newPage();
    const res = await page.goto(`${BASE}/diagnostic/${level}/${code}?${query}`);
    assert.equal(res.status(), 200);
    const figure = (name) => page.$eval(`[data-figure="${name}"]`, (e) => e.dataset.value);
    assert.equal(Number(await figure('score')), api.total);
    assert.equal(Number(await figure('places-total')), api.offer.places.all);
    assert.equal(Number(await figure('fragile-population')), api.offer.fragile_population);
    assert.equal(Number(await figure('zones-blanches-count')), api.offer.zones_blanches.length);
    assert.equal(Number(await figure('threshold')), 6);
    assert.equal(Number(await figure('distance-km')), 4);
    assert.ok((await page.textContent('h1')).length > 0);
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.mkdirSync(ARTEFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTEFACTS, 'diagnostic.pdf'), pdf);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    // A4 is 595.3 × 841.9 PostScript points; Chromium rounds its page box to whole CSS pixels.
    const box = pdf.toString('latin1').match(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/);
    assert.ok(box, 'a page box');
    assert.ok(Math.abs(Number(box[1]) - 595.3) < 2 && Math.abs(Number(box[2]) - 841.9) < 2, `not A4: ${box[0]}`);
    assert.ok(pdf.length > 20_000, `${pdf.length} bytes`);
    await page.close();
  });

  test('no uncaught error in the page', () => {
    assert.deepEqual(session.pageErrors, []);
  });
});
