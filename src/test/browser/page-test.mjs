// Browser test of EchoKit's page: in the system's headless Chromium, open the page, send messages over its
// WebSocket, check that each echo shows with its round-trip time and that the chart draws them, and save a
// screenshot to target/browser/echo-page.png.
//
//   node src/test/browser/page-test.mjs http://localhost:12380/
//
// Exits 0 when every check passes, else 1 with a one-line reason on standard error.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const url = process.argv[2];
/** Debian's package; CI installs it with apt-get. Playwright's own browser downloads are never used. */
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
/** Bounds each wait on the page: loopback echoes take milliseconds, a loaded CI machine far less than this. */
const STEP_TIMEOUT_MS = 15_000;
/** Bounds the whole run, browser start included. */
const RUN_TIMEOUT_MS = 90_000;
/** Messages sent in all: enough for the chart to draw a line, not just a dot. */
const MESSAGES = 5;
/** The colour app.js draws the round trips in: its pixels on the canvas prove the chart drew them. */
const CHART_RGB = [0x1f, 0x6f, 0xeb];
const SCREENSHOT = fileURLToPath(new URL('../../../target/browser/echo-page.png', import.meta.url));

function fail(reason) {
  console.error(`page test failed: ${reason}`);
  process.exit(1);
}

if (!url) {
  fail('usage: node page-test.mjs http://HOST:PORT/');
}
setTimeout(() => fail(`no result within ${RUN_TIMEOUT_MS / 1000} s`), RUN_TIMEOUT_MS).unref();

const userDataDir = mkdtempSync(join(tmpdir(), 'echokit-chromium-'));
let context;
let failure = null;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags Chromium keeps trying to reach Google's services, which
    // floods a closed network with connection attempts.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 820, height: 900 },
    timeout: STEP_TIMEOUT_MS,
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const problems = [];
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));
  page.on('pageerror', (err) => problems.push(`script error: ${err.message}`));

  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response || response.status() !== 200) {
    throw new Error(`GET ${url} answered ${response ? response.status() : 'nothing'}`);
  }
  await page.locator('#status', { hasText: 'open' }).waitFor();

  for (let i = 1; i <= MESSAGES; i++) {
    const text = `Hello from Chromium, message ${i}`;
    await page.fill('#message', text);
    await page.click('#send');
    // Newest first: the echo of this message is the log's first entry once it has arrived.
    await page.locator('#log li').nth(0).locator('.text', { hasText: text }).waitFor();
  }

  const entries = await page.$$eval('#log li', (items) => items.map((li) => ({
    text: li.querySelector('.text').textContent,
    rttShown: li.querySelector('.rtt').textContent,
    rtt: Number(li.dataset.rtt),
    mismatch: li.classList.contains('mismatch'),
  })));
  if (entries.length !== MESSAGES) {
    throw new Error(`expected ${MESSAGES} echoes in #log, found ${entries.length}`);
  }
  entries.forEach((entry, index) => {
    const expected = `Hello from Chromium, message ${MESSAGES - index}`;
    if (entry.text !== expected || entry.mismatch) {
      throw new Error(`echo ${index} shows ${JSON.stringify(entry.text)}, expected ${JSON.stringify(expected)}`);
    }
    if (!Number.isFinite(entry.rtt) || entry.rtt < 0 || !/ ms$/.test(entry.rttShown)) {
      throw new Error(`echo ${index} has no round-trip time (data-rtt=${entry.rtt}, shown "${entry.rttShown}")`);
    }
  });
  const stats = await page.textContent('#stats');
  if (!stats.startsWith(`${MESSAGES} echoes`)) {
    throw new Error(`#stats should count ${MESSAGES} echoes, shows "${stats}"`);
  }
  const chartPixels = await page.$eval('#chart', (canvas, rgb) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2] && data[i + 3] === 255) {
        count++;
      }
    }
    return count;
  }, CHART_RGB);
  if (chartPixels === 0) {
    throw new Error('the chart drew no round-trip points');
  }
  if (problems.length > 0) {
    throw new Error(problems[0]);
  }

  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  const rtts = entries.map((e) => e.rtt).sort((a, b) => a - b);
  console.log(`page test passed: ${MESSAGES} echoes in Chromium, round trips ${rtts[0].toFixed(2)}–`
    + `${rtts[rtts.length - 1].toFixed(2)} ms, chart drew ${chartPixels} pixels; screenshot ${SCREENSHOT}`);
} catch (err) {
  failure = String(err.message || err).split('\n')[0];
} finally {
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
if (failure) {
  fail(failure);
}
