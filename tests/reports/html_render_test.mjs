// The readiness report in a real browser (Debian's Chromium, driven by
// playwright-core from tests/e2e/browser/node_modules), at a desktop width
// (1,400 px) and a phone's (400 px): the header facts (date, version,
// commit, host, command), the scope (what was not tested), failures grouped
// by property with replay and shrink commands, the JSON linked, no sideways
// scrolling of the page, and the fault table's first column staying put
// while the table scrolls. Screenshots of both widths go to OUT_DIR.
//
// Usage: node html_render_test.mjs REPORT.html OUT_DIR
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../e2e/browser/package.json'));
const { chromium } = require('playwright-core');

const [report, outDir] = process.argv.slice(2);
const failures = [];
function check(condition, what) {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${what}`);
  if (!condition) failures.push(what);
}

// The first column of `table` keeps its place while its box scrolls sideways.
async function stickyFirstColumn(page, table) {
  return page.evaluate((id) => {
    const box = document.getElementById(id).closest('.scroll');
    const cell = document.querySelector(`#${id} tr:nth-child(2) td:first-child`);
    const before = cell.getBoundingClientRect().left;
    const scrollable = box.scrollWidth > box.clientWidth + 1;
    box.scrollLeft = 300;
    const after = cell.getBoundingClientRect().left;
    const moved = box.scrollLeft;
    box.scrollLeft = 0;
    return { position: getComputedStyle(cell).position, scrollable, moved, before, after };
  }, table);
}

async function pageOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function desktop(page) {
  const facts = await page.evaluate(() => {
    const text = (id) => document.getElementById(id)?.textContent ?? '';
    return { date: text('fact-date'), version: text('fact-version'), commit: text('fact-commit'),
             host: text('fact-host'), command: text('fact-command') };
  });
  check(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(facts.date), `date in the header: ${facts.date}`);
  check(/^\d+\.\d+\.\d+/.test(facts.version), `version in the header: ${facts.version}`);
  check(/^([0-9a-f]{7,}(-dirty)?|unknown)$/.test(facts.commit), `commit in the header: ${facts.commit}`);
  check(facts.host.length > 0, `host in the header: ${facts.host}`);
  check(/^\S*bridgesim run /.test(facts.command), `command in the header: ${facts.command}`);
  const body = await page.evaluate(() => document.body.innerText);
  check(body.includes('NOT READY'), 'the verdict says NOT READY');
  const scope = await page.evaluate(() => document.getElementById('scope')?.innerText ?? '');
  for (const want of ['Simulated', 'Not tested', 'real network', 'real auth service', 'production platform']) {
    check(scope.includes(want), `scope names: ${want}`);
  }
  const groups = await page.evaluate(() => [...document.querySelectorAll('#failures h3.property')].map((h) => h.textContent));
  check(groups.length > 0 && groups.length === new Set(groups).size, `failures grouped by property: ${groups}`);
  const items = await page.evaluate(() => [...document.querySelectorAll('#failures li')].map((li) => li.innerText));
  // The commands start with the binary as it was invoked (a path here).
  check(items.length > 0 && items.every((t) => t.includes('…') || (/replay: \S*bridgesim replay --scenario /.test(t)
        && /shrink: \S*bridgesim shrink --scenario /.test(t))), `${items.length} failures, each with replay and shrink`);
  const link = await page.evaluate(() => document.getElementById('json-link')?.getAttribute('href') ?? '');
  check(link !== '' && fs.existsSync(path.join(path.dirname(report), link)), `the JSON beside it is linked: ${link}`);
  check(!/see the JSON/i.test(body), 'no "see the JSON" without a link');
  check(await pageOverflow(page) <= 0, 'no sideways scrolling of the page at 1400 px');
  const faults = await stickyFirstColumn(page, 'faults');
  check(faults.position === 'sticky', `fault table's first column is sticky at 1400 px (${faults.position})`);
  check(!faults.scrollable || (faults.moved > 0 && Math.abs(faults.after - faults.before) < 1),
        `it stays put when the table scrolls (${JSON.stringify(faults)})`);
}

async function phone(page) {
  const viewport = await page.evaluate(() => document.querySelector('meta[name="viewport"]')?.content ?? '');
  check(viewport.includes('width=device-width'), `viewport meta: ${viewport}`);
  const overflow = await pageOverflow(page);
  check(overflow <= 0, `no sideways scrolling of the page at 400 px (overflow ${overflow} px)`);
  const faults = await stickyFirstColumn(page, 'faults');
  check(faults.scrollable && faults.moved > 0, `the fault table scrolls in its own box at 400 px (${JSON.stringify(faults)})`);
  check(Math.abs(faults.after - faults.before) < 1, `its first column stays put at 400 px (${faults.before} -> ${faults.after})`);
}

let browser;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 30_000,
  });
  for (const [width, name, run] of [[1400, 'desktop', desktop], [400, 'phone', phone]]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.route('**/*', (route) => (route.request().url().startsWith('file://') ? route.continue() : route.abort()));
    const page = await context.newPage();
    await page.goto(pathToFileURL(report).href);
    await run(page);
    await page.screenshot({ path: path.join(outDir, `readiness-${width}.png`) });
    await page.locator('.scroll:has(#faults)').screenshot({ path: path.join(outDir, `readiness-faults-${width}.png`) });
    await context.close();
    console.log(`(${name} screenshots: ${outDir}/readiness-${width}.png, readiness-faults-${width}.png)`);
  }
} catch (e) {
  check(false, `browser run: ${e.message}`);
} finally {
  if (browser) await browser.close();
}
console.log(`${failures.length ? 'FAIL' : 'PASS'}: ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
