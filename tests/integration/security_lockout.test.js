'use strict';
// Issue 16 items 3, 4 and 5 end to end against the real `connecthub serve`: client addresses
// behind a trusted proxy (X-Forwarded-For, IPv6 by /64), the PIN lockout under concurrent guesses,
// per-phone SMS limits, escalating lockouts and the hard cap only the agency lifts.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { PARENTS, Client, prepare, startHub, run } = require('./lib/hub');
const h = require('./lib/sms_helpers');

let env;
const hubs = [];

before(() => { env = prepare(); });

after(async () => {
  for (const hub of hubs) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

async function hubWith(args) {
  const hub = await startHub(env.db, args);
  hubs.push(hub);
  return hub;
}

// One login over a fresh /ws/chat, as seen from `forwardedFor` (header omitted when null).
async function tryLogin(hub, id, pin, forwardedFor = null) {
  const headers = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  const client = await Client.open(`${hub.wsUrl}/ws/chat`, { headers });
  const sent = Date.now();
  client.send({ type: 'login', participant_id: id, pin });
  const frame = await client.next((f) => f.type === 'welcome' || f.type === 'error');
  await client.terminate();
  return { ...frame, sent };
}

let unknownId = 100000500;
const nextUnknown = () => String(unknownId++);

test('behind a trusted proxy each client is limited by its own X-Forwarded-For address', async () => {
  const hub = await hubWith(['--trusted-proxy', '127.0.0.1/32,::1/128']);
  // 20 bad PINs from one client (each against another id, so no participant lockout).
  for (let i = 0; i < 20; i++) {
    const r = await tryLogin(hub, nextUnknown(), '000000', '198.51.100.1, 203.0.113.7');
    assert.equal(r.type, 'error');
  }
  const blocked = await tryLogin(hub, PARENTS.john.id, PARENTS.john.pin, '203.0.113.7');
  assert.equal(blocked.code, 'locked_out');
  // Another client behind the same proxy is not affected; a spoofed leftmost hop does not help
  // the first one, the rightmost untrusted hop counts.
  assert.equal((await tryLogin(hub, PARENTS.john.id, PARENTS.john.pin, '203.0.113.8')).type,
    'welcome');
  assert.equal((await tryLogin(hub, PARENTS.john.id, PARENTS.john.pin,
    '203.0.113.99, 203.0.113.7')).code, 'locked_out');
});

test('IPv6 clients are limited by /64', async () => {
  const hub = await hubWith(['--trusted-proxy', '127.0.0.0/8']);
  for (let i = 0; i < 20; i++) {
    const r = await tryLogin(hub, nextUnknown(), '000000', `2001:db8:1:2::${(i + 1).toString(16)}`);
    assert.equal(r.type, 'error');
  }
  assert.equal((await tryLogin(hub, PARENTS.maria.id, PARENTS.maria.pin,
    '2001:db8:1:2:abcd::ffff')).code, 'locked_out');
  assert.equal((await tryLogin(hub, PARENTS.maria.id, PARENTS.maria.pin, '2001:db8:1:3::1')).type,
    'welcome');
});

test('X-Forwarded-For from an untrusted peer is ignored; the socket cap is per client', async () => {
  const hub = await hubWith(['--trusted-proxy', '10.0.0.0/8', '--ws-unauthenticated-per-address',
    '2']);
  // The peer (127.0.0.1) is not a trusted proxy: every socket counts as 127.0.0.1.
  const a = await Client.open(`${hub.wsUrl}/ws/chat`, { headers: { 'x-forwarded-for': '192.0.2.1' } });
  const b = await Client.open(`${hub.wsUrl}/ws/chat`, { headers: { 'x-forwarded-for': '192.0.2.2' } });
  await assert.rejects(Client.open(`${hub.wsUrl}/ws/chat`,
    { headers: { 'x-forwarded-for': '192.0.2.3' } }), (e) => e.status === 429);
  await a.close();
  await b.close();
  // Trusted: the cap counts each client.
  const proxied = await hubWith(['--trusted-proxy', '127.0.0.1', '--ws-unauthenticated-per-address',
    '2']);
  const open = (xff) => Client.open(`${proxied.wsUrl}/ws/chat`, { headers: { 'x-forwarded-for': xff } });
  const sockets = [await open('192.0.2.1'), await open('192.0.2.1')];
  await assert.rejects(open('192.0.2.1'), (e) => e.status === 429);
  sockets.push(await open('192.0.2.2'));
  for (const s of sockets) await s.close();
});

test('concurrent guesses: at most max-failures are verified, and a hit among them is refused',
  async () => {
    const hub = await hubWith([]);
    const who = PARENTS.lock;
    // 32 sockets, connected first; then 31 wrong PINs at once, and the right one once they are
    // answered. (Sent together with them, the right PIN may be among the first five attempts the
    // hub reserves, and then it rightly logs in: arrival order across sockets is not fixed.)
    const clients = await Promise.all(Array.from({ length: 32 },
      () => Client.open(`${hub.wsUrl}/ws/chat`)));
    const answer = (c) => c.next((f) => f.type === 'error' || f.type === 'welcome');
    clients.slice(0, 31).forEach((c) => c.send({ type: 'login', participant_id: who.id,
      pin: '000000' }));
    const answers = await Promise.all(clients.slice(0, 31).map(answer));
    clients[31].send({ type: 'login', participant_id: who.id, pin: who.pin });
    answers.push(await answer(clients[31]));
    for (const c of clients) await c.terminate();
    const codes = answers.map((a) => a.code || a.type);
    assert.equal(codes.filter((c) => c === 'auth_failed').length, 4, JSON.stringify(codes));
    assert.equal(codes.filter((c) => c === 'locked_out').length, 28, JSON.stringify(codes));
    // The right PIN came after five counted guesses: refused, and it cleared nothing.
    assert.equal(codes[31], 'locked_out', JSON.stringify(codes));
    assert.equal((await tryLogin(hub, who.id, who.pin)).code, 'locked_out');
  });

test('lockouts escalate and a hard cap holds until the agency unlocks', async () => {
  // retry_at has whole seconds: 2 s and 4 s lockouts are told apart.
  const hub = await hubWith(['--lockout-seconds', '2', '--pin-failure-cap', '15']);
  const who = PARENTS.tabs;
  const guess = () => tryLogin(hub, who.id, '000000');
  const lockFor = async () => {
    let r;
    for (let i = 0; i < 5; i++) r = await guess();
    assert.equal(r.code, 'locked_out');
    assert.ok(r.retry_at, JSON.stringify(r));
    return Date.parse(r.retry_at) - r.sent;
  };
  // retry_at is rounded down to the second: the lock may last up to a second longer.
  const waitUntilFree = async (r) => new Promise((res) => setTimeout(res, Math.max(0, r) + 1100));
  const first = await lockFor();
  assert.ok(first > 900 && first <= 2100, `first lockout ${first} ms`);
  await waitUntilFree(first);
  const second = await lockFor();
  assert.ok(second > 2900 && second <= 4100, `second lockout ${second} ms (doubled)`);
  await waitUntilFree(second);
  let r;
  for (let i = 0; i < 5; i++) r = await guess();
  assert.equal(r.code, 'locked_out');
  assert.equal(r.retry_at, undefined, `a hard lock has no end: ${JSON.stringify(r)}`);
  await waitUntilFree(4500);  // longer than the last lockout lasted
  assert.equal((await tryLogin(hub, who.id, who.pin)).code, 'locked_out');
  run(['unlock', '--db', env.db, '--participant', who.id]);
  assert.equal((await tryLogin(hub, who.id, who.pin)).type, 'welcome');
});

test('SMS linking: one phone is limited across participant ids; other phones still link',
  async () => {
    const dir = h.tempDir();
    const db = h.prepareDb(dir);
    const hub = await h.startHub({ db });
    try {
      const phone = '+15595550177';
      // A common PIN against five ids from one phone: that phone is locked out.
      let reply;
      for (let i = 0; i < 5; i++) [reply] = await h.text(hub, phone, `10000090${i}-123456`);
      assert.match(reply, /Too many wrong PINs/);
      [reply] = await h.text(hub, phone, `100000001-${h.PIN}`);
      assert.match(reply, /Too many wrong PINs/);
      // The parent on another phone is not locked out by it.
      [reply] = await h.text(hub, '+15595550178', `100000001-${h.PIN}`);
      assert.match(reply, /vinculado|linked/i);
    } finally {
      await hub.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

test('SMS: linking a new phone tells the parent on the phones already linked', async () => {
  const dir = h.tempDir();
  const db = h.prepareDb(dir);
  const twilioApi = await h.fakeTwilio();
  const hub = await h.startHub({ db, apiBase: twilioApi.base });
  try {
    const first = '+15595550181';
    const second = '+15595550182';
    let [reply] = await h.text(hub, first, `100000002-135791`);
    assert.match(reply, /linked/);
    [reply] = await h.text(hub, second, `100000002-135791`);
    assert.match(reply, /linked/);
    const notice = await h.waitFor(() => twilioApi.requests.find((r) => r.form.To === first),
      { what: 'the notice to the first phone' });
    assert.match(notice.form.Body, /new phone number ending in 0182/);
    // Nothing about it goes to the new phone itself (its answer was the TwiML reply).
    assert.ok(!twilioApi.requests.some((r) => r.form.To === second), JSON.stringify(twilioApi.requests));
  } finally {
    await hub.stop();
    await twilioApi.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
