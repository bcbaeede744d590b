// Accessibility of the viewer in headless Chromium (RGAA 4.1 / WCAG 2.1 AA): axe-core finds no
// serious or critical violation on the map page (first view, detail, comparison, table view) and
// on the diagnostic page; a keyboard-only user selects, compares, sorts and exports, with the
// focus where expected after each step; the table view sorts, filters and pages.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTEFACTS, BASE, endSession, openViewer, session, shot, startSession } from './helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const AXE = fs.readFileSync(path.join(here, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
/** Minor and moderate findings, by page, written to test-results/ for the note. */
const remaining = {};

/** Runs axe-core on the page; fails on serious or critical violations, records the others. */
async function audit(page, name) {
  await page.addScriptTag({ content: AXE });
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = r.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  remaining[name] = r.violations.filter((v) => !bad.includes(v)).map((v) => `${v.impact} ${v.id} (${v.nodes.length})`);
  assert.deepEqual(bad.map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), [], `axe on ${name}`);
}

/** Presses Tab (or Shift+Tab) until `pred(id, text)` holds for the focused element; returns the count. */
async function tabTo(page, pred, { max = 40, back = false } = {}) {
  for (let n = 1; n <= max; n++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await page.evaluate(() => ({ id: document.activeElement?.id || '', text: document.activeElement?.textContent?.trim() || '', sort: document.activeElement?.dataset?.sort || '' }));
    if (pred(f)) return n;
  }
  throw new Error(`focus never reached the target in ${max} presses`);
}

const focused = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

/** Two communes with a score and distinct names, from the API. */
async function twoCommunes() {
  const s = await (await fetch(`${BASE}/api/scores/commune`)).json();
  const names = new Set();
  return s.territories.filter((t) => t.total != null && !names.has(t.name) && names.add(t.name)).slice(5, 7);
}

describe('ifn web viewer: accessibility', { concurrency: false }, () => {
  before(startSession);
  after(async () => {
    fs.mkdirSync(ARTEFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTEFACTS, 'axe-remaining.json'), `${JSON.stringify(remaining, null, 2)}\n`);
    await endSession();
  });

  test('axe-core: no serious or critical violation on the map page, the table view and the diagnostic', async () => {
    const first = await openViewer();
    await audit(first, 'first view');
    await first.close();
    const [a, b] = await twoCommunes();
    const page = await openViewer(`#l=commune&d=commune:${a.code}&s=commune:${a.code};commune:${b.code}`);
    await page.waitForSelector('#detail-why', { timeout: 30_000 });
    await audit(page, 'detail open');
    await page.click('#tab-compare');
    await page.waitForSelector('#compare-table');
    await audit(page, 'comparison open');
    await page.click('#tab-analyse');
    await page.waitForSelector('#analyse[data-ready="true"]', { timeout: 30_000 });
    await audit(page, 'analyse open');
    await page.click('#toggle-table');
    await page.waitForSelector('#table-view[data-ready="true"]');
    await audit(page, 'table view open');
    await page.goto(`${BASE}/diagnostic/commune/${encodeURIComponent(a.code)}`);
    await audit(page, 'diagnostic');
    await page.close();
  });

  test('keyboard only: select, open the detail, compare two territories, sort the table, export', async () => {
    const page = await openViewer();
    const [a, b] = await twoCommunes();
    // From the top of the page, the search is the second stop (after the skip link).
    const n = await tabTo(page, (f) => f.id === 'search-input');
    assert.ok(n <= 2, `${n} Tab presses to the search`);
    for (const t of [a, b]) {
      await page.keyboard.type(t.name);
      await page.waitForSelector('#search-list li[data-n]');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForSelector(`#detail .ifn-card[data-code="${t.code}"]`, { timeout: 10_000 });
      await page.waitForFunction(() => document.activeElement?.id === 'detail-title');
      assert.equal(await focused(page), 'detail-title', 'focus on the opened territory');
      const tabs = await tabTo(page, (f) => f.id === 'detail-toggle-selection');
      assert.ok(tabs <= 10, `${tabs} Tab presses from the title to « Ajouter à la comparaison »`);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => /Retirer/.test(document.getElementById('detail-toggle-selection')?.textContent || ''));
      assert.equal(await focused(page), 'detail-toggle-selection', 'focus stays on the button after adding');
      // Escape closes the panel and gives the focus back to the search.
      await page.keyboard.press('Escape');
      assert.ok(await page.isHidden('#panel'));
      assert.equal(await focused(page), 'search-input');
      await page.fill('#search-input', '');
    }
    // Open the comparison from the keyboard: the tabs follow the arrow keys.
    await page.keyboard.type(a.name);
    await page.waitForSelector('#search-list li[data-n]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'detail-title');
    await tabTo(page, (f) => f.id === 'tab-detail', { back: true });
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'tab-compare');
    await page.waitForSelector('#compare-table');
    assert.equal(await page.locator('#compare-table thead [data-open]').count(), 2);
    await page.keyboard.press('Escape');
    assert.equal(await focused(page), 'search-input');
    // The table view: one Tab to its button, focus on its title, then sort by score.
    await tabTo(page, (f) => f.id === 'toggle-table', { max: 3 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('#table-view[data-ready="true"]');
    assert.equal(await focused(page), 'table-title');
    await tabTo(page, (f) => f.sort === 'total');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('th[aria-sort] [data-sort="total"]'));
    const sort = await page.getAttribute('th:has([data-sort="total"])', 'aria-sort');
    assert.ok(['ascending', 'descending'].includes(sort), `aria-sort ${sort}`);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset?.sort), 'total', 'focus stays on the sorted column');
    // Export the view.
    await tabTo(page, (f) => f.id === 'table-csv', { back: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    assert.match(download.suggestedFilename(), /^ifn-tableau-/);
    await shot(page, 'a11y-01-keyboard-table');
    await page.close();
  });

  test('the table view sorts, filters by name and parent, pages, and opens a territory', async () => {
    const page = await openViewer('#l=commune');
    await page.click('#toggle-table');
    await page.waitForSelector('#table-view[data-ready="true"]');
    const t = await (await fetch(`${BASE}/api/table/commune?${await page.evaluate(() => window.ifnViewer.query)}`)).json();
    assert.match(await page.textContent('#table-status'), new RegExp(`sur ${t.code.length}`));
    // Sorted by score, most fragile first.
    await page.click('[data-sort="total"]');
    const firstDesc = await page.getAttribute('#table-grid tbody tr:first-child', 'data-code');
    const max = t.code[t.total.indexOf(Math.max(...t.total.filter((x) => x != null)))];
    const shownTotals = await page.locator('#table-grid tbody tr td:nth-child(6)').allTextContents();
    assert.ok(shownTotals.length > 1);
    if ((await page.getAttribute('th:has([data-sort="total"])', 'aria-sort')) === 'descending') {
      assert.equal(t.total[t.code.indexOf(firstDesc)], t.total[t.code.indexOf(max)]);
    }
    // Filter by département, then by name.
    const dep = t.departement.find(Boolean);
    await page.selectOption('#table-dep', dep);
    const inDep = t.departement.filter((d) => d === dep).length;
    assert.match(await page.textContent('#table-status'), new RegExp(`^${inDep.toLocaleString('fr-FR').replace(/\s/g, '\\s')} territoire`));
    const name = t.name[t.departement.indexOf(dep)];
    await page.fill('#table-name', name);
    await page.waitForFunction((n) => [...document.querySelectorAll('#table-grid tbody th')].every((th) => th.textContent.includes(n)), name);
    // A row opens its detail.
    await page.click('#table-grid tbody th button');
    await page.waitForSelector('#detail .ifn-card[data-code]');
    assert.equal(await focused(page), 'detail-title');
    await page.close();
  });

  test('usable at 320 px wide (or 200 % zoom of a 640 px window): no horizontal scrolling, settings reachable', async () => {
    const page = await session.browser.context.newPage();
    page.on('pageerror', (e) => session.pageErrors.push(e.message));
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(`${BASE}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${overflow} px of horizontal scrolling at 320 px`);
    assert.ok(await page.isVisible('#toggle-sidebar'), 'the settings button is shown');
    await page.click('#toggle-sidebar');
    assert.ok(await page.isVisible('#profile-options'), 'the settings open');
    await shot(page, 'a11y-02-320px');
    await page.close();
  });

  test('no uncaught error in the page', () => {
    assert.deepEqual(session.pageErrors, []);
  });
});
