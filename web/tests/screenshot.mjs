// Dev helper: screenshot of the viewer, optionally after some Playwright actions.
//   node tests/screenshot.mjs URL OUT.png [WIDTH HEIGHT] ["await page.click(...)"]
import { launch } from './browser.mjs';
const { context, cleanup } = await launch();
const page = await context.newPage();
const [url, out, w, h, action] = process.argv.slice(2);
await page.setViewportSize({ width: Number(w || 1366), height: Number(h || 768) });
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(url);
await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 }).catch((e) => console.log('not ready', e.message));
await page.waitForTimeout(2500);
if (action) await eval(`(async () => { ${action} })()`);
await page.screenshot({ path: out });
await cleanup();
