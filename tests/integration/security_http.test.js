'use strict';
// Issue 16, items 10 and 11: /metrics labels from fixed sets, and the headers and origins of the
// real `connecthub serve` (port 0, raw node:http requests so Host and methods can be chosen, npm
// `ws` for the upgrades).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const { spawnSync } = require('node:child_process');
const WebSocket = require('ws');
const { BINARY, CASEWORKERS, prepare, startHub, loginCaseworker } = require('./lib/hub');

let env;
let hub;
let httpsHub;
const WIDGET_ORIGIN = 'https://agency.example';

before(async () => {
  env = prepare();
  hub = await startHub(env.db, ['--allowed-origin', WIDGET_ORIGIN,
    '--allowed-host', 'hub.internal.example']);
});

after(async () => {
  if (hub) await hub.stop();
  if (httpsHub) await httpsHub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

// One raw request: any method, any Host.
function raw(target, port, { method = 'GET', host, headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target,
      headers: { ...(host ? { host } : {}), ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

function upgrade(url, headers) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => { ws.close(); resolve(101); });
    ws.once('unexpected-response', (req, res) => { resolve(res.statusCode); req.destroy(); });
    ws.once('error', () => resolve('error'));
  });
}

test('/metrics: invented HTTP methods add no series', async () => {
  for (let i = 0; i < 20; i++) await raw('/healthz', hub.port, { method: `FOO${i}` });
  await raw('/healthz', hub.port, { method: 'GET' });
  const metrics = await raw('/metrics', hub.port);
  assert.equal(metrics.status, 200);
  assert.doesNotMatch(metrics.text, /FOO/);
  const methods = new Set([...metrics.text.matchAll(/method="([^"]*)"/g)].map((m) => m[1]));
  assert.ok(methods.has('other'));
  for (const m of methods) {
    assert.ok(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'other'].includes(m), m);
  }
  const series = metrics.text.split('\n').filter((l) => l && !l.startsWith('#')).length;
  for (let i = 20; i < 40; i++) await raw('/healthz', hub.port, { method: `FOO${i}` });
  const again = await raw('/metrics', hub.port);
  assert.equal(again.text.split('\n').filter((l) => l && !l.startsWith('#')).length, series);
});

test('API JSON is Cache-Control: no-store; pages keep their CSP, naming only the hub\'s ws ' +
  'origin; no HSTS over plain http', async () => {
  const token = await loginCaseworker(hub, CASEWORKERS.madera);
  const me = await raw('/api/inbox/me', hub.port, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200);
  assert.equal(me.headers['cache-control'], 'no-store');
  const denied = await raw('/api/inbox/threads', hub.port);
  assert.equal(denied.status, 401);
  assert.equal(denied.headers['cache-control'], 'no-store');
  assert.equal((await raw('/healthz', hub.port)).headers['cache-control'], 'no-store');
  assert.equal(me.headers['strict-transport-security'], undefined);
  const page = await raw('/inbox', hub.port);
  const csp = page.headers['content-security-policy'];
  const connect = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
  assert.equal(connect,
    `connect-src 'self' ws://127.0.0.1:${hub.port} wss://127.0.0.1:${hub.port}`);
  assert.doesNotMatch(csp, /ws: |wss:;/);
});

test('with an https --public-url: HSTS, and connect-src is its wss:// origin', async () => {
  httpsHub = await startHub(env.db, ['--public-url', 'https://hub.example.org/']);
  const r = await raw('/', httpsHub.port, { host: 'hub.example.org' });
  assert.equal(r.status, 200);
  assert.match(r.headers['strict-transport-security'], /^max-age=31536000/);
  assert.match(r.headers['content-security-policy'], /connect-src 'self' wss:\/\/hub\.example\.org;/);
  const api = await raw('/api/inbox/me', httpsHub.port);
  assert.match(api.headers['strict-transport-security'], /^max-age=/);
  // The hub's own public origin may open the inbox socket.
  assert.equal(await upgrade(`ws://127.0.0.1:${httpsHub.port}/ws/inbox`,
    { origin: 'https://hub.example.org' }), 101);
  await httpsHub.stop();
  httpsHub = null;
});

test('/ws/inbox is same-origin only; /ws/chat also takes the widget\'s allowed origin',
  async () => {
    const base = `ws://127.0.0.1:${hub.port}`;
    assert.equal(await upgrade(`${base}/ws/chat`, { origin: WIDGET_ORIGIN }), 101);
    assert.equal(await upgrade(`${base}/ws/inbox`, { origin: WIDGET_ORIGIN }), 403);
    assert.equal(await upgrade(`${base}/ws/inbox`, { origin: 'https://evil.example' }), 403);
    assert.equal(await upgrade(`${base}/ws/inbox`, { origin: `http://127.0.0.1:${hub.port}` }),
      101);
  });

test('"*" is refused as an allowed origin', () => {
  for (const value of ['*', 'https://*.example']) {
    const r = spawnSync(BINARY, ['serve', '--db', env.db, '--listen', '127.0.0.1:0',
      '--allowed-origin', value], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /allowed-origin.*refused/);
  }
});

test('Host allow-list: a DNS-rebinding name gets 421 on pages, the API and upgrades', async () => {
  const evil = `rebind.attacker.example:${hub.port}`;
  for (const target of ['/', '/api/inbox/me', '/metrics']) {
    const r = await raw(target, hub.port, { host: evil });
    assert.equal(r.status, 421, target);
  }
  const login = await raw('/api/inbox/login', hub.port, { method: 'POST', host: evil,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'jdoe', password: CASEWORKERS.madera.password }) });
  assert.equal(login.status, 421);
  assert.doesNotMatch(login.text, /token/);
  assert.equal(await upgrade(`ws://127.0.0.1:${hub.port}/ws/chat`, { host: evil }), 421);
  for (const host of [`localhost:${hub.port}`, `127.0.0.1:${hub.port}`, `[::1]:${hub.port}`,
    'HUB.internal.example']) {
    assert.equal((await raw('/healthz', hub.port, { host })).status, 200, host);
  }
});
