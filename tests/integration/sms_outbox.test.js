'use strict';
// SPEC §5 outbound: caseworker replies through the durable outbox to a fake Twilio REST API that
// fails on demand; retries, give-up, opted-out numbers, delivery status, restart with a pending
// outbox (kill -9).
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/sms_helpers');
const { Client } = require('./lib/hub');

let dir; let db; let hub; let api;

test.before(async () => {
  dir = h.tempDir();
  db = h.prepareDb(dir);
  api = await h.fakeTwilio();
  hub = await h.startHub({ db, apiBase: api.base });
});

test.after(async () => {
  if (hub) await hub.stop();
  if (api) await api.close();
});

// Links `from` to participant 100000002 and hands the thread to the inbox. Returns the thread id.
async function escalatedThread(from) {
  await h.text(hub, from, '100000002 135791');
  await h.text(hub, from, 'I want to talk to an agent');
  const box = await h.inbox(hub);
  const threads = (await box.threads()).filter((t) => t.channel === 'sms');
  // The newest SMS thread of participant 100000002 with this number's messages.
  for (const t of threads) {
    const full = await box.thread(t.id);
    if (full.messages.some((m) => m.text === 'I want to talk to an agent')) {
      if (full.messages.filter((m) => m.from === 'participant').length >= 2) {
        // Claiming sends the parent a system notice ("A caseworker has joined") through the
        // outbox too; wait for it so the tests below see only their own messages.
        const claimed = await box.call('POST', `/api/inbox/threads/${t.id}/claim`);
        assert.equal(claimed.status, 200);
        await h.waitFor(() => (api.accepted || []).find((x) => x.form.To === from),
          { what: 'claim notice sent' });
        return { box, id: t.id };
      }
    }
  }
  throw new Error('thread not found');
}

// Requests for `to`, without the claim notice.
function sentTo(to) {
  return api.requests.filter((r) => r.form.To === to && !/joined/.test(r.form.Body));
}

test('a caseworker reply reaches the provider: basic auth, form fields, StatusCallback', async () => {
  const from = '+15558880001';
  const { box, id } = await escalatedThread(from);
  // A caseworker's live inbox sees the delivery state change without reopening the thread.
  const live = await Client.open(`${hub.url.replace('http', 'ws')}/ws/inbox`);
  live.send({ type: 'auth', token: box.token });
  await live.next('ready');
  const deliveryFrame = (state) => live.next((f) => f.type === 'message' && f.thread_id === id &&
    f.message.from === 'caseworker' && f.message.text.startsWith('Hola') &&
    f.message.delivery === state);
  const before = api.requests.length;
  const r = await box.reply(id, 'Hola, soy su trabajadora social. ¿En qué le ayudo?');
  assert.equal(r.status, 200);
  const req = await h.waitFor(() => api.requests.slice(before).find((x) => x.form.To === from &&
    x.form.Body.startsWith('Hola')),
    { what: 'outbound request' });
  assert.equal(req.method, 'POST');
  assert.equal(req.url, `/2010-04-01/Accounts/${h.ACCOUNT_SID}/Messages.json`);
  const expected = 'Basic ' + Buffer.from(`${h.ACCOUNT_SID}:${h.AUTH_TOKEN}`).toString('base64');
  assert.equal(req.headers.authorization, expected);
  assert.equal(req.form.From, h.FROM);
  assert.equal(req.form.Body, 'Hola, soy su trabajadora social. ¿En qué le ayudo?');
  assert.equal(req.form.StatusCallback, h.PUBLIC_URL + '/sms/twilio/status');
  // Delivery state shows in the inbox; a signed status callback moves it to delivered.
  await h.waitFor(async () => {
    const full = await box.thread(id);
    return full.messages.find((m) => m.from === 'caseworker' && m.delivery === 'sent');
  }, { what: 'delivery sent' });
  await deliveryFrame('sent');
  const params = { MessageSid: req.sid, MessageStatus: 'delivered', AccountSid: h.ACCOUNT_SID,
    To: from, From: h.FROM };
  const res = await h.post(hub.url + '/sms/twilio/status', new URLSearchParams(params).toString(),
    { 'x-twilio-signature': h.sign('/sms/twilio/status', params) });
  assert.ok(res.status === 204 || res.status === 200);
  const full = await box.thread(id);
  assert.ok(full.messages.find((m) => m.from === 'caseworker' && m.delivery === 'delivered'));
  const pushed = await deliveryFrame('delivered');
  assert.equal(pushed.message.text, 'Hola, soy su trabajadora social. ¿En qué le ayudo?');
  await live.close();
});

test('retries on 500, 429, a dropped connection and a slow answer, then sends once', async () => {
  const from = '+15558880002';
  const { box, id } = await escalatedThread(from);
  api.modes.push('status:500', 'status:429', 'drop', 'slow:2000', 'ok');
  await box.reply(id, 'Retry me');
  const ok = await h.waitFor(() => (api.accepted || []).find((x) => x.form.To === from &&
    x.form.Body === 'Retry me'), { timeout: 20000, what: 'eventual success' });
  assert.ok(ok.sid);
  const attempts = sentTo(from).filter((x) => x.form.Body === 'Retry me');
  assert.deepEqual(attempts.map((x) => x.mode), ['status:500', 'status:429', 'drop', 'slow:2000', 'ok']);
  // Nothing more is sent afterwards.
  await h.workerPasses(hub, 2);
  assert.equal(sentTo(from).filter((x) => x.form.Body === 'Retry me').length, 5);
  const full = await box.thread(id);
  assert.ok(full.messages.find((m) => m.text === 'Retry me' && m.delivery === 'sent'));
});

test('an answer lost after the provider created the message: looked up, not sent twice', async () => {
  const from = '+15558880007';
  const { box, id } = await escalatedThread(from);
  const lookupsBefore = api.lookups.length;
  api.modes.push('created-drop');
  await box.reply(id, 'Only once please');
  await h.waitFor(async () => (await box.thread(id)).messages.find((m) =>
    m.text === 'Only once please' && m.delivery === 'sent'), { timeout: 20000, what: 'sent' });
  assert.equal(sentTo(from).filter((x) => x.form.Body === 'Only once please').length, 1);
  const lookups = api.lookups.slice(lookupsBefore);
  assert.equal(lookups.length, 1, 'the provider was asked once');
  const q = new URL(lookups[0].url, 'http://fake').searchParams;
  assert.equal(q.get('To'), from);
  assert.equal(q.get('From'), h.FROM);
  const expected = 'Basic ' + Buffer.from(`${h.ACCOUNT_SID}:${h.AUTH_TOKEN}`).toString('base64');
  assert.equal(lookups[0].headers.authorization, expected);
  // A status callback for the looked-up sid reaches the message.
  const sid = api.accepted.find((x) => x.form.Body === 'Only once please').sid;
  const params = { MessageSid: sid, MessageStatus: 'delivered', AccountSid: h.ACCOUNT_SID,
    To: from, From: h.FROM };
  await h.post(hub.url + '/sms/twilio/status', new URLSearchParams(params).toString(),
    { 'x-twilio-signature': h.sign('/sms/twilio/status', params) });
  assert.ok((await box.thread(id)).messages.find((m) => m.text === 'Only once please' &&
    m.delivery === 'delivered'));
  // The same text again is a new message: the first one's sid is known, so it is sent.
  await box.reply(id, 'Only once please');
  await h.waitFor(() => sentTo(from).filter((x) => x.form.Body === 'Only once please' &&
    x.sid).length === 2, { what: 'second identical reply sent' });
});

test('another 4xx fails at once; endless 5xx gives up after max attempts', async () => {
  const from = '+15558880003';
  const { box, id } = await escalatedThread(from);
  api.modes.push('status:400');
  await box.reply(id, 'Bad number');
  await h.waitFor(async () => (await box.thread(id)).messages.find((m) => m.text === 'Bad number' &&
    m.delivery === 'failed'), { what: 'failed on 400' });
  assert.equal(sentTo(from).filter((x) => x.form.Body === 'Bad number').length, 1);

  api.defaultMode = 'status:503';
  try {
    await box.reply(id, 'Never arrives');
    await h.waitFor(async () => (await box.thread(id)).messages.find((m) =>
      m.text === 'Never arrives' && m.delivery === 'failed'), { timeout: 20000, what: 'give up' });
  } finally {
    api.defaultMode = 'ok';
  }
  assert.equal(sentTo(from).filter((x) => x.form.Body === 'Never arrives').length, 8);
});

test('nothing is sent to an opted-out number', async () => {
  const from = '+15558880004';
  const { box, id } = await escalatedThread(from);
  const [confirm] = await h.text(hub, from, 'STOP');
  assert.match(confirm, /no longer/);
  const before = sentTo(from).length;
  await box.reply(id, 'Are you there?');
  await h.waitFor(async () => (await box.thread(id)).messages.find((m) =>
    m.text === 'Are you there?' && m.delivery === 'failed'), { what: 'dropped as opted out' });
  await h.workerPasses(hub, 2);
  assert.equal(sentTo(from).length, before);
  const summary = (await box.threads()).find((t) => t.id === id);
  assert.equal(summary.opted_out, true);
});

test('a long reply is split into parts on word boundaries', async () => {
  const from = '+15558880005';
  const { box, id } = await escalatedThread(from);
  const long = Array.from({ length: 150 }, (_, i) => `Palabra número ${i}.`).join(' ');
  await box.reply(id, long);
  const parts = await h.waitFor(() => {
    const got = (api.accepted || []).filter((x) => x.form.To === from && x.form.Body.startsWith('Palabra'));
    return got.length >= 2 ? got : null;
  }, { what: 'parts' });
  await h.workerPasses(hub, 2);
  const all = (api.accepted || []).filter((x) => x.form.To === from && x.form.Body.includes('Palabra'));
  for (const p of all) {
    assert.ok([...p.form.Body].length <= 1600);
    assert.ok(p.form.Body.endsWith('.') || p.form.Body.endsWith('…'), 'ends on a boundary');
  }
  assert.ok(parts.length >= 2);
  assert.ok(all.map((p) => p.form.Body).join(' ').length <= 1600 + all.length);
});

test('restart with a pending outbox: kill -9, nothing lost, nothing confirmed sent twice', async () => {
  const from = '+15558880006';
  const { box, id } = await escalatedThread(from);
  api.defaultMode = 'status:503';
  await box.reply(id, 'Survives a crash');
  await h.waitFor(() => sentTo(from).some((x) => x.form.Body === 'Survives a crash'),
    { what: 'first failing attempt' });
  await box.reply(id, 'Second after crash');
  await hub.kill();
  hub = null;
  api.defaultMode = 'ok';
  const beforeRestart = (api.accepted || []).filter((x) => x.form.To === from &&
    !/joined/.test(x.form.Body)).length;
  assert.equal(beforeRestart, 0);
  hub = await h.startHub({ db, apiBase: api.base });
  const done = await h.waitFor(() => {
    const got = (api.accepted || []).filter((x) => x.form.To === from && !/joined/.test(x.form.Body));
    return got.length >= 2 ? got : null;
  }, { timeout: 15000, what: 'sent after restart' });
  assert.deepEqual(done.map((x) => x.form.Body).sort(), ['Second after crash', 'Survives a crash']);
  // Another restart sends nothing again.
  await hub.kill();
  hub = await h.startHub({ db, apiBase: api.base });
  await h.workerPasses(hub, 2);
  assert.equal((api.accepted || []).filter((x) => x.form.To === from &&
    !/joined/.test(x.form.Body)).length, 2);
});

test('kill -9 after the provider created the message but before its answer: not sent again',
  async () => {
    const from = '+15558880008';
    const { box, id } = await escalatedThread(from);
    api.modes.push('created-hang');
    await box.reply(id, 'In flight at the crash');
    await h.waitFor(() => api.accepted.find((x) => x.form.Body === 'In flight at the crash'),
      { what: 'created by the provider' });
    await hub.kill();
    hub = await h.startHub({ db, apiBase: api.base });
    const box2 = await h.inbox(hub);
    await h.waitFor(async () => (await box2.thread(id)).messages.find((m) =>
      m.text === 'In flight at the crash' && m.delivery === 'sent'),
    { timeout: 15000, what: 'reconciled after restart' });
    assert.equal(sentTo(from).filter((x) => x.form.Body === 'In flight at the crash').length, 1);
  });
