'use strict';
// Escalation to the caseworker inbox and the inbox API / push (SPEC §7, hub/API.md), end to end:
// a parent on /ws/chat (npm `ws`), caseworkers over HTTP (fetch) and /ws/inbox.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { PARENTS, CASEWORKERS, Client, prepare, startHub, loginParent, ask, api,
  loginCaseworker, threadHistory } = require('./lib/hub');

let env;
let hub;
const tokens = {};

before(async () => {
  env = prepare();
  // Always in office hours, so the hand-off quotes the usual wait whatever the time of the run
  // (tests/integration/office_hours.test.js covers the closed office).
  hub = await startHub(env.db, ['--office-hours', '1-7 00:00-24:00']);
  for (const [k, cw] of Object.entries(CASEWORKERS)) tokens[k] = await loginCaseworker(hub, cw);
});

after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

async function openInbox(token) {
  const inbox = await Client.open(`${hub.wsUrl}/ws/inbox`);
  inbox.send({ type: 'auth', token });
  await inbox.next('ready');
  return inbox;
}

test('caseworker login: bad password 401, no token 401, malformed body 400, me', async () => {
  const bad = await api(hub, 'POST', '/api/inbox/login',
    { body: { username: 'jdoe', password: 'wrong' } });
  assert.equal(bad.status, 401);
  assert.equal(typeof bad.json.error, 'string');
  assert.equal((await api(hub, 'POST', '/api/inbox/login', { raw: '{not json' })).status, 400);
  assert.equal((await api(hub, 'POST', '/api/inbox/login', { body: { username: 5 } })).status, 400);
  assert.equal((await api(hub, 'GET', '/api/inbox/threads')).status, 401);
  assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token: 'garbage' })).status, 401);
  const me = await api(hub, 'GET', '/api/inbox/me', { token: tokens.madera });
  assert.equal(me.status, 200);
  assert.deepEqual([me.json.username, me.json.county, me.json.supervisor],
    ['jdoe', 'MADERA', false]);
  const big = await api(hub, 'POST', '/api/inbox/login', { raw: 'x'.repeat(70 * 1024) });
  assert.equal(big.status, 413);
});

test('escalation → claim → reply reaches the parent → note stays internal → resolve → bot',
  async () => {
    const maderaInbox = await openInbox(tokens.madera);
    const fresnoInbox = await openInbox(tokens.fresno);
    const { client: parent } = await loginParent(hub, PARENTS.john);

    // The parent asks for a person: the bot hands over, the parent is told, state → waiting.
    // One hand-off message: the bot's words plus the usual wait.
    const r = await ask(parent, 'esc-1', 'I want to talk to a person');
    assert.equal(r.reply.intent, 'agent');
    assert.match(r.reply.text, /caseworker/i);
    assert.match(r.reply.text, /usually takes about \d+ minutes?\./);
    const waiting = await parent.next('state');
    assert.equal(waiting.state, 'waiting');

    // The MADERA caseworker's inbox hears about it; the list shows it.
    const pushed = await maderaInbox.next((f) => f.type === 'thread' && f.thread.state === 'waiting');
    const threadId = pushed.thread.id;
    assert.equal(pushed.thread.participant.first_name, 'John');
    assert.deepEqual(pushed.thread.counties, ['MADERA']);
    const list = await api(hub, 'GET', '/api/inbox/threads?state=waiting', { token: tokens.madera });
    assert.equal(list.status, 200);
    const summary = list.json.threads.find((t) => t.id === threadId);
    assert.ok(summary, JSON.stringify(list.json));
    assert.equal(summary.channel, 'web');
    assert.equal(summary.lang, 'en');
    assert.equal(summary.priority, 'normal');
    assert.ok(summary.waiting_since);
    assert.equal(summary.assigned_to, null);
    assert.equal((await api(hub, 'GET', '/api/inbox/threads?state=bogus',
      { token: tokens.madera })).status, 400);

    // Another county sees nothing of it: not listed, 404 on every call.
    const fresnoList = await api(hub, 'GET', '/api/inbox/threads?state=all', { token: tokens.fresno });
    assert.ok(!fresnoList.json.threads.some((t) => t.id === threadId));
    for (const [method, suffix, body] of [['GET', ''], ['POST', '/claim'],
      ['POST', '/reply', { text: 'hi' }], ['POST', '/note', { text: 'n' }], ['POST', '/resolve']]) {
      const res = await api(hub, method, `/api/inbox/threads/${threadId}${suffix}`,
        { token: tokens.fresno, body });
      assert.ok(res.status === 404 || res.status === 403, `${method} ${suffix}: ${res.status}`);
    }
    assert.equal((await api(hub, 'GET', '/api/inbox/threads/999999',
      { token: tokens.madera })).status, 404);

    // Claim; a second caseworker (the supervisor) gets 409.
    const claim = await api(hub, 'POST', `/api/inbox/threads/${threadId}/claim`,
      { token: tokens.madera });
    assert.equal(claim.status, 200);
    assert.equal(claim.json.thread.state, 'assigned');
    assert.equal(claim.json.thread.assigned_to, 'jdoe');
    const second = await api(hub, 'POST', `/api/inbox/threads/${threadId}/claim`,
      { token: tokens.super });
    assert.equal(second.status, 409);
    const assigned = await parent.next('state');
    assert.equal(assigned.state, 'assigned');
    // Parents see the display name, never the login name.
    assert.equal(assigned.caseworker, 'Ms. Doe');

    // While assigned, the parent's messages go to the caseworker, not the bot.
    parent.send({ type: 'send', id: 'esc-2', text: 'what is my balance' });
    const ack2 = await parent.next((f) => f.type === 'ack' && f.id === 'esc-2');
    const toCaseworker = await maderaInbox.next((f) => f.type === 'message' &&
      f.thread_id === threadId && f.message.seq === ack2.seq);
    assert.equal(toCaseworker.message.from, 'participant');

    // A note (internal) then a reply: the parent receives only the reply.
    const note = await api(hub, 'POST', `/api/inbox/threads/${threadId}/note`,
      { token: tokens.madera, body: { text: 'Checked the ledger; payment pending.' } });
    assert.equal(note.status, 200);
    const reply = await api(hub, 'POST', `/api/inbox/threads/${threadId}/reply`,
      { token: tokens.madera, body: { text: 'Hi John, your balance is $667.93.' } });
    assert.equal(reply.status, 200);
    assert.ok(reply.json.seq > note.json.seq);
    const fromCw = await parent.next((f) => f.type === 'message' && f.seq > ack2.seq);
    assert.equal(fromCw.from, 'caseworker');
    assert.equal(fromCw.caseworker, 'Ms. Doe');
    assert.ok(!JSON.stringify(parent.frames).includes('jdoe'));
    assert.equal(fromCw.text, 'Hi John, your balance is $667.93.');
    assert.equal(fromCw.seq, reply.json.seq);
    assert.ok(!parent.frames.some((f) => f.type === 'message' && /ledger/.test(f.text)));
    assert.equal((await api(hub, 'POST', `/api/inbox/threads/${threadId}/reply`,
      { token: tokens.madera, raw: '{"text":' })).status, 400);
    assert.equal((await api(hub, 'POST', `/api/inbox/threads/${threadId}/reply`,
      { token: tokens.madera, body: { text: '' } })).status, 400);

    // Thread detail: decrypted messages including the note, the case summary.
    const detail = await api(hub, 'GET', `/api/inbox/threads/${threadId}`, { token: tokens.madera });
    assert.equal(detail.status, 200);
    const froms = detail.json.messages.map((m) => m.from);
    assert.ok(froms.includes('note') && froms.includes('caseworker') && froms.includes('bot'));
    assert.ok(detail.json.messages.some((m) => m.text === 'I want to talk to a person'));
    assert.equal(detail.json.cases[0].case_number, '200000001');
    assert.equal(detail.json.cases[0].past_due, env.facts.pastDue);
    assert.equal(detail.json.cases[0].role, 'RECEIVING');
    assert.equal(detail.json.appointments.length, 1);
    // A long thread opens at its newest messages and pages back: two at a time here, the same
    // messages in the same order as the whole thread in one page.
    const whole = detail.json.messages.map((m) => m.seq);
    assert.deepEqual(whole, whole.map((_, i) => i + 1), 'one page holds the whole short thread');
    assert.equal(detail.json.older, false);
    const newest = await api(hub, 'GET', `/api/inbox/threads/${threadId}?limit=2`,
      { token: tokens.madera });
    assert.deepEqual(newest.json.messages.map((m) => m.seq), whole.slice(-2));
    assert.equal(newest.json.older, true);
    const paged = await threadHistory(hub, tokens.madera, threadId, 2);
    assert.deepEqual(paged.messages.map((m) => m.seq), whole);
    assert.equal(paged.pages, Math.ceil(whole.length / 2));
    assert.equal((await api(hub, 'GET', `/api/inbox/threads/${threadId}?before_seq=x`,
      { token: tokens.madera })).status, 400);
    // The supervisor sees every county.
    assert.equal((await api(hub, 'GET', `/api/inbox/threads/${threadId}`,
      { token: tokens.super })).status, 200);

    // Resolve: the parent is told and the bot answers again.
    const resolved = await api(hub, 'POST', `/api/inbox/threads/${threadId}/resolve`,
      { token: tokens.madera });
    assert.equal(resolved.status, 200);
    assert.equal(resolved.json.thread.state, 'resolved');
    assert.equal((await parent.next('state')).state, 'resolved');
    await parent.next((f) => f.type === 'message' && f.from === 'system');
    const back = await ask(parent, 'esc-3', 'what is my balance');
    assert.equal(back.reply.from, 'bot');
    assert.equal(back.reply.intent, 'balance');
    assert.equal((await parent.next('state')).state, 'bot');

    // A FRESNO thread's events reach the FRESNO inbox; the MADERA ones never did.
    const { client: ana } = await loginParent(hub, PARENTS.ana);
    await ask(ana, 'ana-1', 'hola');
    const fresnoEvent = await fresnoInbox.next('thread');
    assert.deepEqual(fresnoEvent.thread.counties, ['FRESNO']);
    assert.ok(!fresnoInbox.frames.some((f) => f.thread && f.thread.id === threadId));
    await Promise.all([parent.close(), ana.close(), maderaInbox.close(), fresnoInbox.close()]);
  });

test('/ws/inbox refuses a bad token', async () => {
  const inbox = await Client.open(`${hub.wsUrl}/ws/inbox`);
  inbox.send({ type: 'auth', token: 'nope' });
  assert.equal((await inbox.next('error')).code, 'unauthenticated');
  await inbox.closed;
});
