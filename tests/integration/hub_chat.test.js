'use strict';
// Parent chat over /ws/chat (SPEC §4) against the real hub, with the npm `ws` client.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { PARENTS, Client, prepare, startHub, loginParent, ask, longDate, dayDate } =
  require('./lib/hub');

let env;
let hub;
const ALLOWED = 'https://agency.example';

before(async () => {
  env = prepare();
  hub = await startHub(env.db, ['--allowed-origin', ALLOWED]);
});

after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

test('login: a wrong PIN is refused, the right one welcomes in the parent\'s language', async () => {
  const client = await Client.open(`${hub.wsUrl}/ws/chat`);
  client.send({ type: 'login', participant_id: PARENTS.maria.id, pin: '000000' });
  const err = await client.next('error');
  assert.equal(err.code, 'auth_failed');
  client.send({ type: 'login', participant_id: '999999999', pin: '123456' });
  assert.equal((await client.next('error')).code, 'auth_failed');
  client.send({ type: 'login', participant_id: PARENTS.maria.id, pin: PARENTS.maria.pin });
  const welcome = await client.next('welcome');
  assert.equal(welcome.first_name, 'Maria');
  assert.equal(welcome.lang, 'es');
  assert.equal(welcome.state, 'bot');
  assert.equal(welcome.participant_id, PARENTS.maria.id);
  assert.match(welcome.token, /^[A-Za-z0-9_-]{40,}$/);
  assert.equal(typeof welcome.last_seq, 'number');
  await client.close();
});

test('lockout: five wrong PINs lock the participant id, even with the right PIN', async () => {
  const client = await Client.open(`${hub.wsUrl}/ws/chat`);
  const codes = [];
  for (let i = 0; i < 5; i++) {
    client.send({ type: 'login', participant_id: PARENTS.lock.id, pin: `00000${i}` });
    codes.push((await client.next('error')).code);
  }
  assert.deepEqual(codes.slice(0, 4), ['auth_failed', 'auth_failed', 'auth_failed', 'auth_failed']);
  assert.equal(codes[4], 'locked_out');
  // From another connection, with the right PIN: still locked, and told until when.
  const other = await Client.open(`${hub.wsUrl}/ws/chat`);
  other.send({ type: 'login', participant_id: PARENTS.lock.id, pin: PARENTS.lock.pin });
  const locked = await other.next('error');
  assert.equal(locked.code, 'locked_out');
  const retryAt = Date.parse(locked.retry_at);
  assert.ok(retryAt > Date.now() + 14 * 60e3 && retryAt <= Date.now() + 15 * 60e3 + 5e3,
    `retry_at ${locked.retry_at}`);
  await client.close();
  await other.close();
});

test('English answers: balance, next appointment and last payment with exact amounts and dates',
  async () => {
    const { client } = await loginParent(hub, PARENTS.john);
    const f = env.facts;
    const balance = await ask(client, 'en-1', 'what is my balance');
    assert.equal(balance.own.from, 'participant');
    assert.equal(balance.reply.from, 'bot');
    assert.equal(balance.reply.intent, 'balance');
    assert.ok(balance.reply.text.includes(`$${f.pastDue}`), balance.reply.text);

    const appt = await ask(client, 'en-2', 'when is my next appointment');
    assert.equal(appt.reply.intent, 'next_appointment');
    assert.ok(appt.reply.text.includes(longDate(f.appointmentMs, 'en')), appt.reply.text);

    const pay = await ask(client, 'en-3', 'when was my last payment');
    assert.equal(pay.reply.intent, 'last_payment');
    assert.ok(pay.reply.text.includes(`$${f.lastPaymentAmount}`), pay.reply.text);
    assert.ok(pay.reply.text.includes(dayDate(f.lastPaymentDay, 'en')), pay.reply.text);
    assert.match(pay.reply.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await client.close();
  });

test('Spanish answers: saldo, próxima cita y último pago con montos y fechas exactos', async () => {
  const { client } = await loginParent(hub, PARENTS.maria);
  const f = env.facts;
  const balance = await ask(client, 'es-1', 'cuánto debo');
  assert.equal(balance.reply.intent, 'balance');
  assert.ok(balance.reply.text.includes('667.93') || balance.reply.text.includes('667,93'),
    balance.reply.text);
  assert.match(balance.reply.text, /debe/);

  const appt = await ask(client, 'es-2', 'cuándo es mi próxima cita');
  assert.equal(appt.reply.intent, 'next_appointment');
  assert.ok(appt.reply.text.includes(longDate(f.appointmentMs, 'es')), appt.reply.text);

  const pay = await ask(client, 'es-3', 'cuál fue mi último pago');
  assert.equal(pay.reply.intent, 'last_payment');
  assert.ok(pay.reply.text.includes('83.08') || pay.reply.text.includes('83,08'), pay.reply.text);
  assert.ok(pay.reply.text.includes(dayDate(f.lastPaymentDay, 'es')), pay.reply.text);
  await client.close();
});

test('a resent id is acked with the original seq and neither stored nor answered again',
  async () => {
    const { client } = await loginParent(hub, PARENTS.john);
    const first = await ask(client, 'dup-1', 'what is my balance');
    client.send({ type: 'send', id: 'dup-1', text: 'what is my balance' });
    const again = await client.next((f) => f.type === 'ack' && f.id === 'dup-1');
    assert.equal(again.seq, first.ack.seq);
    // The next message gets the seq right after the first answer: nothing was added in between.
    const next = await ask(client, 'dup-2', 'thanks');
    assert.equal(next.ack.seq, first.reply.seq + 1);
    assert.ok(!client.frames.some((f) => f.type === 'message' && f.seq > first.ack.seq),
      `unexpected frames ${JSON.stringify(client.frames)}`);
    // A reconnect that resends it is deduplicated too.
    const { client: again2 } = await loginParent(hub, PARENTS.john);
    again2.send({ type: 'send', id: 'dup-1', text: 'what is my balance' });
    const ack = await again2.next((f) => f.type === 'ack' && f.id === 'dup-1');
    assert.equal(ack.seq, first.ack.seq);
    await client.close();
    await again2.close();
  });

test('several tabs see the thread live; resume after a dropped socket replays exactly once',
  async () => {
    const who = PARENTS.tabs;
    const { client: a, welcome } = await loginParent(hub, who);
    const { client: b } = await loginParent(hub, who);
    const first = await ask(b, 't-1', 'what is my balance');
    // Tab A sees B's message and the answer live, in order.
    const seenByA1 = await a.next((f) => f.type === 'message' && f.seq === first.ack.seq);
    const seenByA2 = await a.next((f) => f.type === 'message' && f.seq === first.reply.seq);
    assert.equal(seenByA1.from, 'participant');
    assert.equal(seenByA2.from, 'bot');
    const lastSeenByA = seenByA2.seq;

    await a.terminate();  // dropped, no close handshake
    const second = await ask(b, 't-2', 'when was my last payment');
    const third = await ask(b, 't-3', 'when is my next appointment');

    const resumed = await Client.open(`${hub.wsUrl}/ws/chat`);
    resumed.send({ type: 'resume', token: welcome.token, after_seq: lastSeenByA });
    const w = await resumed.next('welcome');
    assert.equal(w.first_name, who.first);
    assert.equal(w.last_seq, third.reply.seq);
    const replayed = [];
    while (replayed.length < 4) replayed.push(await resumed.next('message'));
    assert.deepEqual(replayed.map((m) => m.seq),
      [second.ack.seq, second.reply.seq, third.ack.seq, third.reply.seq]);
    // Live again: a new message arrives once, with the next seq.
    const fourth = await ask(b, 't-4', 'thanks');
    const live = await resumed.next('message');
    assert.equal(live.seq, fourth.ack.seq);
    const liveReply = await resumed.next('message');
    assert.equal(liveReply.seq, fourth.reply.seq);
    assert.deepEqual(resumed.frames.filter((f) => f.type === 'message'), []);

    // A bogus token is refused.
    const bad = await Client.open(`${hub.wsUrl}/ws/chat`);
    bad.send({ type: 'resume', token: 'not-a-real-token', after_seq: 0 });
    assert.equal((await bad.next('error')).code, 'unauthenticated');
    await Promise.all([b.close(), resumed.close(), bad.close()]);
  });

test('logout ends the session: its token no longer resumes', async () => {
  const { client, welcome } = await loginParent(hub, PARENTS.john);
  client.send({ type: 'logout' });
  await client.next('logged_out');
  client.send({ type: 'send', id: 'after-logout', text: 'hello' });
  const err = await client.next('error');
  assert.equal(err.code, 'unauthenticated');
  assert.equal(err.id, 'after-logout');
  const again = await Client.open(`${hub.wsUrl}/ws/chat`);
  again.send({ type: 'resume', token: welcome.token, after_seq: 0 });
  assert.equal((await again.next('error')).code, 'unauthenticated');
  await client.close();
  await again.close();
});

test('the handshake Origin is checked against the allow-list', async () => {
  await assert.rejects(Client.open(`${hub.wsUrl}/ws/chat`, { origin: 'https://evil.example' }),
    (e) => e.status === 403);
  const ok = await Client.open(`${hub.wsUrl}/ws/chat`, { origin: ALLOWED });
  await ok.close();
  const same = await Client.open(`${hub.wsUrl}/ws/chat`, { origin: `http://127.0.0.1:${hub.port}` });
  await same.close();
  await assert.rejects(Client.open(`${hub.wsUrl}/ws/nothing`), (e) => e.status === 404);
});

test('malformed and oversized frames get error frames and the socket survives', async () => {
  const client = await Client.open(`${hub.wsUrl}/ws/chat`);
  client.send('this is not json');
  assert.equal((await client.next('error')).code, 'bad_request');
  client.send('[1,2,3]');
  assert.equal((await client.next('error')).code, 'bad_request');
  client.send({ type: 'teleport' });
  assert.equal((await client.next('error')).code, 'bad_request');
  client.send({ type: 'login', participant_id: 100000001, pin: '1' });
  assert.equal((await client.next('error')).code, 'bad_request');
  client.send({ type: 'resume', token: 'x', after_seq: -1 });
  assert.equal((await client.next('error')).code, 'bad_request');
  client.send({ type: 'send', id: 's-1', text: 'hello' });
  const unauth = await client.next('error');
  assert.equal(unauth.code, 'unauthenticated');
  assert.equal(unauth.id, 's-1');
  client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  assert.equal((await client.next('error')).code, 'bad_request');

  client.send({ type: 'login', participant_id: PARENTS.john.id, pin: PARENTS.john.pin });
  await client.next('welcome');
  client.send({ type: 'send', id: 'big', text: 'x'.repeat(5000) });
  const tooLarge = await client.next((f) => f.type === 'error' && f.id === 'big');
  assert.equal(tooLarge.code, 'too_large');
  client.send({ type: 'send', id: 'wrong', text: 42 });
  const wrong = await client.next((f) => f.type === 'error' && f.id === 'wrong');
  assert.equal(wrong.code, 'bad_request');
  // Still alive and answering.
  const r = await ask(client, 'after-errors', 'what is my balance');
  assert.equal(r.reply.intent, 'balance');

  // A frame over 16 KiB closes the socket with 1009.
  client.send(JSON.stringify({ type: 'send', id: 'huge', text: 'y'.repeat(20000) }));
  const closed = await client.closed;
  assert.equal(closed.code, 1009);
});

test('a flood of frames is rate limited per connection', async () => {
  const client = await Client.open(`${hub.wsUrl}/ws/chat`);
  for (let i = 0; i < 40; i++) client.send({ type: 'nonsense' });
  const limited = await client.next((f) => f.type === 'error' && f.code === 'rate_limited');
  assert.ok(limited.retry_after_ms > 0);
  await client.close();
});

// Issue 15: the crash test's final replay once stalled. A replay read the thread in batches of 200
// and queued each batch at once, without waiting for the client to take it, so a long thread
// overran the hub's own slow-client limit (--ws-max-queue) and the hub closed the socket in the
// middle of its replay. A small limit shows it with a thread of a few hundred messages.
test('a replay longer than the write queue waits for the client instead of being cut off',
  async () => {
    const small = await startHub(env.db, ['--ws-max-queue', '16', '--ws-rate', '1000']);
    try {
      const { client, welcome } = await loginParent(small, PARENTS.tabs);
      for (let i = 0; i < 40; i++) await ask(client, `replay-${i}`, 'what is my balance');
      await client.close();
      const again = await Client.open(`${small.wsUrl}/ws/chat`);
      again.send({ type: 'resume', token: welcome.token, after_seq: 0 });
      const w = await again.next('welcome');
      assert.ok(w.last_seq >= 80, `last_seq ${w.last_seq}`);
      const seqs = [];
      while (seqs.length < w.last_seq) {
        const m = await Promise.race([again.next('message'), again.closed.then((c) => {
          throw new Error(`closed with ${c.code} after ${seqs.length} of ${w.last_seq} replayed`);
        })]);
        seqs.push(m.seq);
      }
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'every seq once, in order');
      await again.close();
    } finally {
      await small.stop();
    }
  });
