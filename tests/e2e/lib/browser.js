'use strict';
// Debian's Chromium driven by playwright-core, plus helpers shared by the browser tests.
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const totp = require('../../integration/lib/totp');

const SHOTS = path.resolve(__dirname, '..', 'screenshots');

async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--no-first-run', '--disable-quic', '--disable-component-update', '--disable-sync'],
  });
}

const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// Watches a page for what a strict, first-party-only page must never do: a request to another
// origin, a CSP violation, an uncaught error.
function guard(page, base) {
  const problems = [];
  const origin = new URL(base).origin;
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith(origin.replace('http', 'ws')) && !u.startsWith('data:')) {
      problems.push('third-party request: ' + u);
    }
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push('CSP: ' + m.text());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  return problems;
}

async function shot(page, name, opts) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name + '.png');
  await page.screenshot({ path: file, ...(opts || {}) });
  return file;
}

// ---------- widget ----------
const W = (page) => ({
  launcher: page.locator('#connecthub-widget .ch-launcher'),
  panel: page.locator('#connecthub-widget .ch-panel'),
  pid: page.locator('#connecthub-widget input[name="participant_id"]'),
  pin: page.locator('#connecthub-widget input[name="pin"]'),
  submit: page.locator('#connecthub-widget .ch-login button[type="submit"]'),
  error: page.locator('#connecthub-widget .ch-error'),
  text: page.locator('#connecthub-widget .ch-composer textarea'),
  send: page.locator('#connecthub-widget .ch-send'),
  log: page.locator('#connecthub-widget .ch-log'),
  banner: page.locator('#connecthub-widget .ch-banner'),
  conn: page.locator('#connecthub-widget .ch-conn'),
  langBtn: page.locator('#connecthub-widget .ch-header .ch-hbtn').first(),
  chip: (name) => page.locator(`#connecthub-widget .ch-chip[data-chip="${name}"]`),
  msgs: (from) => page.locator('#connecthub-widget .ch-log .ch-msg' + (from ? '.ch-from-' + from : '')),
});

async function openWidget(page, base) {
  await page.goto(base + '/');
  const w = W(page);
  await w.launcher.click();
  await w.pid.waitFor();
  return w;
}

async function loginParent(page, parent) {
  const w = W(page);
  await w.pid.fill(parent.participant_id);
  await w.pin.fill(parent.pin);
  await w.submit.click();
  await w.text.waitFor({ timeout: 15000 });
  return w;
}

// Sends `text` and returns the text of the first bot message that arrives after it.
async function ask(page, text) {
  const w = W(page);
  const before = await w.msgs('bot').count();
  await w.text.fill(text);
  await w.send.click();
  await page.waitForFunction((n) => {
    const host = document.getElementById('connecthub-widget');
    return host.shadowRoot.querySelectorAll('.ch-msg.ch-from-bot').length > n;
  }, before, { timeout: 15000 });
  return (await w.msgs('bot').nth(before).locator('.ch-text').textContent()).trim();
}

// ---------- inbox ----------
async function loginInbox(page, base, cw) {
  await page.goto(base + '/inbox');
  await page.locator('#username').fill(cw.username);
  await page.locator('#password').fill(cw.password);
  await page.locator('#code').fill(await totp.nextCode(base, cw.username));
  await page.locator('#login-submit').click();
  await page.locator('#app-view').waitFor({ state: 'visible', timeout: 15000 });
}

async function api(base, method, p, token, body) {
  const res = await fetch(base + p, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
  return { status: res.status, json, text };
}
async function inboxToken(base, cw) {
  const r = await api(base, 'POST', '/api/inbox/login', null,
    { username: cw.username, password: cw.password, code: await totp.nextCode(base, cw.username) });
  if (r.status !== 200) throw new Error('inbox login failed: ' + r.status + ' ' + r.text);
  return r.json.token;
}

// ---------- accessibility ----------
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
// Runs axe-core (WCAG 2.0/2.1 A and AA rules) and returns the serious and critical violations.
async function axe(page, include) {
  // Runtime evaluation from the DevTools protocol is not subject to the page's CSP.
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE);
  // Colours measured mid-animation (the panel fading in) are blends, not what anyone reads:
  // wait for running animations, in the page and in shadow roots, to finish.
  await page.evaluate(async () => {
    const roots = [document];
    for (const el of document.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    const running = roots.flatMap((r) => r.getAnimations()).filter((a) => a.playState === 'running');
    await Promise.race([Promise.all(running.map((a) => a.finished.catch(() => {}))),
      new Promise((res) => setTimeout(res, 2000))]);
  });
  const result = await page.evaluate(async (inc) => {
    const r = await window.axe.run(inc || document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ') + ' :: ' + n.failureSummary).slice(0, 5) }));
  }, include || null);
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

module.exports = { launch, DESKTOP, PHONE, guard, shot, W, openWidget, loginParent, ask, loginInbox, api, inboxToken, axe, SHOTS };

// A parent without a browser (the `ws` client): logs in, sends `texts` in order, waits for each ack.
async function wsParent(base, parent, texts, lang) {
  const WebSocket = require('ws');
  const ws = new WebSocket(base.replace(/^http/, 'ws') + '/ws/chat', { origin: base });
  const frames = [];
  const waitFor = (pred, ms = 15000) => new Promise((resolve, reject) => {
    const hit = frames.find(pred);
    if (hit) return resolve(hit);
    const timer = setTimeout(() => reject(new Error('timeout; frames: ' + JSON.stringify(frames).slice(0, 500))), ms);
    const on = () => { const f = frames.find(pred); if (f) { clearTimeout(timer); ws.off('message', on); resolve(f); } };
    ws.on('message', on);
  });
  ws.on('message', (d) => frames.push(JSON.parse(String(d))));
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  ws.send(JSON.stringify({ type: 'login', participant_id: parent.participant_id, pin: parent.pin, lang }));
  await waitFor((f) => f.type === 'welcome');
  let n = 0;
  for (const text of texts) {
    const id = 'c-e2e-' + (++n);
    ws.send(JSON.stringify({ type: 'send', id, text }));
    await waitFor((f) => f.type === 'ack' && f.id === id);
  }
  return { ws, frames, waitFor, close: () => ws.close() };
}
module.exports.wsParent = wsParent;

// The set-up every supervisor browser test shares: before its tests, a hub (`startHub(opts)`)
// with `supervisor` added and enrolled, and Chromium; after them, both stopped. `ready(hub,
// browser)` receives them once started.
function supervisorSuite(supervisor, ready, opts = {}) {
  const { before, after } = require('node:test');
  const { startHub } = require('./hub');
  let hub;
  let browser;
  before(async () => {
    hub = await startHub(opts);
    hub.addSupervisor(supervisor);
    browser = await launch();
    ready(hub, browser);
  });
  after(async () => {
    if (browser) await browser.close();
    if (hub) await hub.stop();
  });
}
module.exports.supervisorSuite = supervisorSuite;
