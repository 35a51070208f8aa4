'use strict';
// Operations: pages and their security headers, /healthz, /metrics, body limits, and a graceful
// SIGTERM (sockets closed with 1001, exit 0).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const { PARENTS, prepare, startHub, loginParent, ask, api } = require('./lib/hub');

let env;
let hub;

before(async () => {
  env = prepare();
  hub = await startHub(env.db);
});

after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

test('/healthz answers ok', async () => {
  const r = await api(hub, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok' });
});

test('pages carry the CSP and security headers; unknown paths 404 as JSON', async () => {
  const page = await api(hub, 'GET', '/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.match(page.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  const widget = await api(hub, 'GET', '/widget.js');
  assert.equal(widget.status, 200);
  assert.match(widget.headers.get('content-type'), /javascript/);
  const i18n = await api(hub, 'GET', '/i18n/es.json');
  assert.equal(i18n.status, 200);
  assert.ok(Object.keys(i18n.json).every((k) => k.startsWith('web.')));
  assert.equal((await api(hub, 'GET', '/i18n/fr.json')).status, 404);
  const missing = await api(hub, 'GET', '/no/such/page');
  assert.equal(missing.status, 404);
  assert.equal(typeof missing.json.error, 'string');
  assert.equal((await api(hub, 'DELETE', '/healthz')).status, 405);
});

test('garbage HTTP gets 400 and the hub keeps serving', async () => {
  const reply = await new Promise((resolve, reject) => {
    const sock = net.connect(hub.port, '127.0.0.1');
    let data = '';
    sock.setTimeout(5000, () => reject(new Error('timeout')));
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
    sock.write('THIS IS NOT HTTP\r\n\r\n');
  });
  assert.match(reply, /^HTTP\/1\.1 400/);
  assert.equal((await api(hub, 'GET', '/healthz')).status, 200);
});

test('/metrics is Prometheus text with the hub\'s families', async () => {
  const { client } = await loginParent(hub, PARENTS.john);
  await ask(client, 'm-1', 'what is my balance');
  // The frame's duration is observed once its handler finishes, which can be
  // a moment after the answer reached the client: poll briefly for it.
  let r;
  for (let i = 0; i < 50; i++) {
    r = await api(hub, 'GET', '/metrics');
    if (/^connecthub_ws_frame_duration_seconds_count\{type="send"\}/m.test(r.text)) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const body = r.text;
  assert.match(body, /^# TYPE connecthub_connections gauge$/m);
  assert.match(body, /^connecthub_connections\{kind="chat"\} 1$/m);
  assert.match(body, /^connecthub_messages_total\{channel="web",sender="participant"\} \d+$/m);
  assert.match(body, /^connecthub_messages_total\{channel="web",sender="bot"\} \d+$/m);
  assert.match(body, /^connecthub_bot_intents_total\{intent="balance"\} \d+$/m);
  assert.match(body, /^# TYPE connecthub_queue_wait_seconds histogram$/m);
  assert.match(body, /^connecthub_http_request_duration_seconds_bucket\{method="GET",status="2xx",le="\+Inf"\} \d+$/m);
  assert.match(body, /^connecthub_ws_frame_duration_seconds_count\{type="send"\} \d+$/m);
  assert.match(body, /^connecthub_outbox_depth 0$/m);
  // No secrets or message text in the logs.
  assert.ok(!hub.stderr().includes(PARENTS.john.pin));
  assert.ok(!hub.stderr().includes('what is my balance'));
  await client.close();
});

test('SIGTERM closes sockets with 1001 and exits 0', async () => {
  const { client } = await loginParent(hub, PARENTS.maria);
  hub.proc.kill('SIGTERM');
  const closed = await client.closed;
  assert.equal(closed.code, 1001);
  const { code } = await hub.exited;
  assert.equal(code, 0);
  const lines = hub.stderr().trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.some((l) => l.event === 'listening'));
  assert.ok(lines.some((l) => l.event === 'stopped'));
});
