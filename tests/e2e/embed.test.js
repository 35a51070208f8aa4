'use strict';
// The widget embedded on the agency's own site: a page served by a second local HTTP server (another
// origin), with one <script src="<hub>/widget.js"> tag and the strict CSP that README asks the host
// page for. The hub runs with --allowed-origin of that page. A parent logs in and gets answers in
// English and in Spanish. A page of an origin that is not allowed gets a clear refusal and no chat.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { startHub, PARENTS } = require('./lib/hub');
const B = require('./lib/browser');

// A stand-in for the agency's web server. `page(lang)` is filled in once the hub's URL is known.
function startSite() {
  const site = { page: null, hits: [] };
  site.server = http.createServer((req, res) => {
    site.hits.push(req.url);
    const lang = req.url.startsWith('/es') ? 'es' : 'en';
    if (req.url === '/' || req.url === '/es') {
      const { html, csp } = site.page(lang);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp });
      res.end(html);
      return;
    }
    if (req.url === '/site.css') {
      res.writeHead(200, { 'Content-Type': 'text/css' });
      res.end('body{margin:0;font:16px/1.5 Georgia,serif;color:#222;background:#f4f1ea}' +
        'header{background:#0b3d2e;color:#fff;padding:1rem 2rem}header h1{margin:0;font-size:1.6rem}' +
        'main{max-width:46rem;margin:2rem auto;padding:0 1rem}');
      return;
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise((resolve) => site.server.listen(0, '127.0.0.1', () => {
    site.origin = 'http://127.0.0.1:' + site.server.address().port;
    resolve(site);
  }));
}

// The host page: nothing of the hub's but the one script tag; the CSP README documents.
function agencyPage(hubUrl) {
  const hub = new URL(hubUrl);
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${hub.origin}`,
    `style-src 'self' ${hub.origin}`,
    `connect-src 'self' ${hub.origin} ws://${hub.host}`,
    "img-src 'self'",
    "base-uri 'none'",
  ].join('; ');
  return (lang) => ({
    csp,
    html: `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Madera County Child Support</title><link rel="stylesheet" href="/site.css"></head>
<body><header><h1>${lang === 'es' ? 'Servicios de Manutención de Menores del Condado de Madera' : 'Madera County Child Support Services'}</h1></header>
<main><h2>${lang === 'es' ? 'Bienvenido' : 'Welcome'}</h2>
<p>${lang === 'es' ? 'Use el chat para preguntar por su caso.' : 'Use the chat to ask about your case.'}</p></main>
<script src="${hub.origin}/widget.js" defer></script></body></html>`,
  });
}

let hub;
let site; // allowed
let other; // not allowed
let browser;
before(async () => {
  site = await startSite();
  other = await startSite();
  hub = await startHub({ args: ['--allowed-origin', site.origin] });
  site.page = agencyPage(hub.url);
  other.page = agencyPage(hub.url);
  browser = await B.launch();
});
after(async () => {
  if (browser) await browser.close();
  if (hub) await hub.stop();
  for (const s of [site, other]) if (s) s.server.close();
});

// Requests only to the page's own origin and the hub; no CSP violation; no uncaught error.
function guardEmbed(page, hubUrl, pageOrigin) {
  const problems = [];
  const hubOrigin = new URL(hubUrl).origin;
  const ok = [pageOrigin, hubOrigin, hubOrigin.replace('http', 'ws')];
  page.on('request', (r) => {
    if (!ok.some((o) => r.url().startsWith(o + '/'))) problems.push('unexpected request: ' + r.url());
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to|CORS/i.test(m.text())) problems.push('console: ' + m.text());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  return problems;
}

test('the hub answers CORS for exactly the allowed origins, without credentials', { timeout: 30000 }, async () => {
  for (const lang of ['en', 'es']) {
    const ok = await fetch(hub.url + '/i18n/' + lang + '.json', { headers: { Origin: site.origin } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), site.origin);
    assert.equal(ok.headers.get('access-control-allow-credentials'), null);
    assert.match(ok.headers.get('vary') || '', /Origin/);
    assert.equal(ok.headers.get('cross-origin-resource-policy'), 'cross-origin');

    const no = await fetch(hub.url + '/i18n/' + lang + '.json', { headers: { Origin: other.origin } });
    assert.equal(no.status, 403);
    assert.equal(no.headers.get('access-control-allow-origin'), null);
    assert.deepEqual(await no.json(), { error: 'origin not allowed' });
  }
  // What a host page loads with plain tags (no CORS request) may be embedded by any page.
  for (const p of ['/widget.js', '/static/widget.css']) {
    const r = await fetch(hub.url + p);
    assert.equal(r.status, 200, p);
    assert.equal(r.headers.get('cross-origin-resource-policy'), 'cross-origin', p);
  }
});

for (const [lang, parent, question, answer, send] of [
  ['en', PARENTS.james, 'What is my balance?', /1,234\.50/, 'Send'],
  ['es', PARENTS.maria, '¿cuánto debo?', /667[.,]93/, 'Enviar'],
]) {
  test(`on the agency's own site (another origin) a parent logs in and asks (${lang})`, { timeout: 90000 }, async () => {
    const ctx = await browser.newContext({ ...B.DESKTOP, locale: lang === 'es' ? 'es-US' : 'en-US' });
    const page = await ctx.newPage();
    const problems = guardEmbed(page, hub.url, site.origin);
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(site.origin + (lang === 'es' ? '/es' : '/'));
    const w = B.W(page);
    await w.launcher.click({ timeout: 15000 });
    await w.pid.waitFor();
    assert.equal((await w.send.textContent()).trim(), send);
    // The widget's stylesheet applied inside its shadow root (the launcher is a fixed button).
    assert.equal(await page.evaluate(() => {
      const p = document.getElementById('connecthub-widget').shadowRoot.querySelector('.ch-panel');
      return getComputedStyle(p).position;
    }), 'fixed');
    await B.loginParent(page, parent);
    const reply = await B.ask(page, question);
    assert.match(reply, answer, reply);
    assert.deepEqual(sockets, [hub.url.replace(/^http/, 'ws') + '/ws/chat']);
    await page.waitForFunction(() => Array.from(document.getElementById('connecthub-widget').shadowRoot
      .querySelectorAll('.ch-from-participant')).every((m) => m.dataset.status === 'sent'));
    await B.shot(page, 'widget-embed-' + lang + '-chat');
    assert.deepEqual(problems, []);
    await ctx.close();
  });
}

test('a page of an origin that is not allowed gets a clear refusal and no chat', { timeout: 60000 }, async () => {
  const ctx = await browser.newContext({ ...B.DESKTOP, locale: 'en-US' });
  const page = await ctx.newPage();
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.addInitScript(() => {
    window.__unavailable = new Promise((resolve) =>
      document.addEventListener('connecthub:unavailable', (e) => resolve(e.detail)));
  });
  await page.goto(other.origin + '/');
  const detail = await page.evaluate(() => window.__unavailable);
  assert.deepEqual(detail, { reason: 'origin_not_allowed', origin: other.origin });
  assert.ok(errors.some((e) => e.includes('ConnectHub') && e.includes(other.origin) && e.includes('not allowed')),
    JSON.stringify(errors));
  assert.equal(await page.locator('#connecthub-widget').count(), 0, 'no half-working widget');
  assert.deepEqual(sockets, [], 'no chat connection attempted');
  await ctx.close();
  assert.match(hub.logs(), /"cors_refused"/);
});
