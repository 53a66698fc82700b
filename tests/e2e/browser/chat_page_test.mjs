// A person's path through the chat page, in headless Chromium (Debian's,
// driven by playwright-core): start `bridgesim serve --dev --port 0`, open
// http://127.0.0.1:PORT/, get a dev token through the page, connect (the
// token travels in the WebSocket subprotocols, as browsers must send it),
// send a message, wait for the five events in the page, take a screenshot,
// disconnect, SIGTERM the server. Any request off 127.0.0.1 fails the test.
//
// Usage: node chat_page_test.mjs BRIDGESIM_BINARY OUT_DIR
// Exit 0 when every check passed; 1 otherwise (each failure is printed).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';

import { chromium } from 'playwright-core';

const LIFECYCLE = ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed'];
const STEP_TIMEOUT_MS = 10_000;
const TOTAL_TIMEOUT_MS = 90_000;
const started = Date.now();
const failures = [];
let serveChild = null;  // killed on the way out, whatever happened

function check(condition, what) {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${what}`);
  if (!condition) failures.push(what);
  return condition;
}

function finish() {
  if (serveChild && serveChild.exitCode === null && serveChild.signalCode === null) serveChild.kill('SIGKILL');
  console.log(`${failures.length ? 'FAIL' : 'PASS'}: ${failures.length} failed, ${((Date.now() - started) / 1000).toFixed(1)}s`);
  process.exit(failures.length ? 1 : 0);
}

// Starts serve on an ephemeral port; resolves to { child, port, stderr }.
async function startServe(binary) {
  const child = spawn(binary, ['serve', '--dev', '--address', '127.0.0.1', '--port', '0'],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  serveChild = child;
  const stderr = [];
  readline.createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const lines = readline.createInterface({ input: child.stdout });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no port within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${stderr.slice(-3).join(' | ')}`)));
    lines.on('line', (line) => {
      const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return { child, port, stderr };
}

// SIGTERM; resolves to the exit code, or null when it had to be killed.
async function stopServe(child) {
  if (child.exitCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
  const [code, signal] = await exited;
  clearTimeout(timer);
  return signal ? null : code;
}

async function main(binary, outDir) {
  const serve = await startServe(binary);
  const origin = `http://127.0.0.1:${serve.port}`;
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      timeout: 30_000,
    });
    const context = await browser.newContext({ viewport: { width: 900, height: 860 } });
    const offLoopback = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      offLoopback.push(url.href);
      return route.abort();
    });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });

    const response = await page.goto(`${origin}/`);
    check(response.status() === 200, `GET / answers 200 (got ${response.status()})`);
    check((await page.title()) === 'bridgesim chat', 'the chat page loads');

    await page.fill('#user', 'alice');
    await page.click('#dev-token');
    await page.waitForFunction(() => document.querySelector('#token').value.split('.').length === 3);
    check(true, 'the page got a dev token from /dev-token');

    await page.click('#connect');
    await page.waitForSelector('#status.ok');
    check((await page.textContent('#status')) === 'connected as alice', 'connected as alice over ws:// with the subprotocol token');

    await page.fill('#message', 'What is the weather in Paris?');
    await page.click('#send');
    await page.waitForFunction(
      () => [...document.querySelectorAll('#events li')].some((li) => li.dataset.type === 'agent_completed'));
    const events = await page.$$eval('#events li.lifecycle', (items) => items.map((li) => [li.dataset.type, li.dataset.seq]));
    check(JSON.stringify(events.map((e) => e[0])) === JSON.stringify(LIFECYCLE),
      `the five events show in order (got ${events.map((e) => e[0]).join(', ')})`);
    check(JSON.stringify(events.map((e) => e[1])) === JSON.stringify(['1', '2', '3', '4', '5']), 'with seq 1..5');

    const screenshot = path.join(outDir, 'chat_page.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);

    await page.click('#disconnect');
    await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('closed 1000'));
    check(true, 'disconnect closes 1000');

    check(pageErrors.length === 0, `no errors in the page (got ${JSON.stringify(pageErrors)})`);
    check(offLoopback.length === 0, `no request left 127.0.0.1 (got ${JSON.stringify(offLoopback)})`);
  } finally {
    if (browser) await browser.close();
    const code = await stopServe(serve.child);
    check(code === 0, `serve exits 0 on SIGTERM (got ${code})`);
    const log = serve.stderr.join('\n');
    check(/ws\.open id=\d+ user=alice/.test(log) && /ws\.closed id=\d+ user=alice code=1000/.test(log),
      'serve logged the browser connection (open, closed 1000)');
  }
}

const [binary, outDir] = process.argv.slice(2);
if (!binary || !outDir) {
  console.error('usage: node chat_page_test.mjs BRIDGESIM_BINARY OUT_DIR');
  process.exit(2);
}
setTimeout(() => {
  check(false, `the whole test within ${TOTAL_TIMEOUT_MS / 1000} s`);
  finish();
}, TOTAL_TIMEOUT_MS).unref();
main(binary, outDir).catch((e) => check(false, `unexpected: ${e.stack || e}`)).finally(finish);
