'use strict';
// Assignment (issue 19): release, transfer to a caseworker or a county queue, supervisor
// reassignment, disabled holders, the audit rows and the /ws/inbox pushes; and the triage queue
// of SMS threads with no county, with and without `serve --triage-county`.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { BINARY, PARENTS, CASEWORKERS, Client, prepare, startHub, loginParent, ask, api,
  loginCaseworker, run } = require('./lib/hub');
const sms = require('./lib/sms_helpers');
const totp = require('./lib/totp');

const KIM = { username: 'kim', password: 'kim-password-1', county: 'MADERA' };
const GONE = { username: 'gone', password: 'gone-password-1', county: 'MADERA' };
const SMS_ARGS = ['--office-hours', '1-7 00:00-24:00', '--public-url', sms.PUBLIC_URL,
  '--twilio-account-sid', sms.ACCOUNT_SID, '--twilio-from', sms.FROM,
  '--sms-api-base', 'http://127.0.0.1:9'];
const SMS_ENV = { CONNECTHUB_TWILIO_AUTH_TOKEN: sms.AUTH_TOKEN };

let env;
let hub;
const tokens = {};
const sockets = [];
let johnThread = 0;  // released back to waiting by the first test

function addCaseworker(db, cw) {
  run(['caseworker', 'add', '--db', db, '--username', cw.username, '--county', cw.county],
    `${cw.password}\n`);
  totp.enrol(BINARY, db, cw.username);
}

before(async () => {
  env = prepare();
  addCaseworker(env.db, KIM);
  addCaseworker(env.db, GONE);
  hub = await startHub(env.db, SMS_ARGS, SMS_ENV);
  for (const [k, cw] of Object.entries({ ...CASEWORKERS, kim: KIM, gone: GONE })) {
    tokens[k] = await loginCaseworker(hub, cw);
  }
});

after(async () => {
  for (const s of sockets) s.close();
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

async function openInbox(h, token) {
  const inbox = await Client.open(`${h.wsUrl}/ws/inbox`);
  sockets.push(inbox);
  inbox.send({ type: 'auth', token });
  await inbox.next('ready');
  return inbox;
}

// A parent's web thread handed to the inbox (state waiting); its id.
async function waitingThread(parent, token) {
  const { client } = await loginParent(hub, parent);
  await ask(client, `esc-${parent.id}-${Date.now()}`, 'I want to talk to a person');
  await client.next((f) => f.type === 'state' && f.state === 'waiting');
  client.close();
  const list = await api(hub, 'GET', '/api/inbox/threads?state=waiting', { token });
  const t = list.json.threads.find((x) => x.participant.participant_id === parent.id);
  assert.ok(t, JSON.stringify(list.json));
  return t.id;
}

const move = (h, token, id, what, body) =>
  api(h, 'POST', `/api/inbox/threads/${id}/${what}`, { token, body });

async function auditActions(h, id) {
  const boss = await loginCaseworker(h, CASEWORKERS.super);
  const r = await api(h, 'GET', `/api/inbox/audit?thread_id=${id}`, { token: boss });
  assert.equal(r.status, 200);
  return r.json.entries.map((e) => `${e.caseworker}:${e.action}`);
}

test('release: only the holder (or a supervisor), only a claimed thread; audited', async () => {
  const id = await waitingThread(PARENTS.john, tokens.madera);
  assert.equal((await move(hub, tokens.madera, id, 'release')).status, 409, 'not claimed yet');
  assert.equal((await move(hub, tokens.madera, id, 'claim')).status, 200);
  assert.equal((await move(hub, tokens.fresno, id, 'release')).status, 404, 'other county');
  const other = await move(hub, tokens.kim, id, 'release');
  assert.equal(other.status, 409);
  assert.match(other.json.error, /claimed by another/);
  assert.equal((await move(hub, tokens.madera, 999999, 'release')).status, 404);
  assert.equal((await api(hub, 'POST', `/api/inbox/threads/${id}/release`)).status, 401);

  const kimInbox = await openInbox(hub, tokens.kim);
  const r = await move(hub, tokens.madera, id, 'release');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.thread.state, 'waiting');
  assert.equal(r.json.thread.assigned_to, null);
  assert.ok(r.json.thread.waiting_since);
  const pushed = await kimInbox.next((f) => f.type === 'thread' && f.thread.id === id &&
    f.thread.state === 'waiting');
  assert.equal(pushed.thread.assigned_to, null);
  assert.ok((await auditActions(hub, id)).includes('jdoe:release'));

  // A supervisor releases a thread someone else holds.
  assert.equal((await move(hub, tokens.kim, id, 'claim')).status, 200);
  assert.equal((await move(hub, tokens.super, id, 'release')).status, 200);
  assert.ok((await auditActions(hub, id)).includes('boss:release'));
  johnThread = id;
});

test('transfer to a caseworker: body checks, refusals, push to the receiver, audit', async () => {
  const id = await waitingThread(PARENTS.maria, tokens.madera);
  assert.equal((await move(hub, tokens.madera, id, 'claim')).status, 200);
  for (const body of [{}, { username: 'kim', county: 'MADERA' }, { username: 5 },
    { username: '' }, { county: null }, []]) {
    const r = await move(hub, tokens.madera, id, 'transfer', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(typeof r.json.error, 'string');
  }
  assert.equal((await api(hub, 'POST', `/api/inbox/threads/${id}/transfer`,
    { token: tokens.madera, raw: '{nope' })).status, 400);
  assert.equal((await move(hub, tokens.madera, id, 'transfer', { username: 'nobody' })).status,
    404);
  const outside = await move(hub, tokens.madera, id, 'transfer', { username: 'fresno1' });
  assert.equal(outside.status, 409, 'a FRESNO caseworker does not see a MADERA thread');
  assert.equal((await move(hub, tokens.madera, id, 'transfer', { username: 'jdoe' })).status, 409,
    'already theirs');
  assert.equal((await move(hub, tokens.kim, id, 'transfer', { username: 'kim' })).status, 409,
    'kim does not hold it');
  // Nothing moved on a refusal.
  let detail = await api(hub, 'GET', `/api/inbox/threads/${id}`, { token: tokens.madera });
  assert.equal(detail.json.thread.assigned_to, 'jdoe');

  const kimInbox = await openInbox(hub, tokens.kim);
  const r = await move(hub, tokens.madera, id, 'transfer', { username: 'KIM' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.thread.state, r.json.thread.assigned_to], ['assigned', 'kim']);
  const pushed = await kimInbox.next((f) => f.type === 'thread' && f.thread.id === id &&
    f.thread.assigned_to === 'kim');
  assert.equal(pushed.thread.state, 'assigned');
  // The receiver holds it now: they reply, the former holder may not.
  assert.equal((await move(hub, tokens.kim, id, 'reply', { text: 'Hi, Kim here.' })).status, 200);
  assert.equal((await move(hub, tokens.madera, id, 'reply', { text: 'me too' })).status, 409);
  assert.ok((await auditActions(hub, id)).includes('jdoe:transfer'));

  // A supervisor reassigns a thread they do not hold.
  const back = await move(hub, tokens.super, id, 'transfer', { username: 'jdoe' });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.thread.assigned_to, 'jdoe');
  assert.ok((await auditActions(hub, id)).includes('boss:transfer'));
  detail = await api(hub, 'GET', `/api/inbox/threads/${id}`, { token: tokens.madera });
  assert.equal(detail.json.thread.assigned_to, 'jdoe');
});

test('transfer to a county: waiting in that queue, seen there only; resolve ends it', async () => {
  const id = await waitingThread(PARENTS.tabs, tokens.madera);
  assert.equal((await move(hub, tokens.madera, id, 'claim')).status, 200);
  assert.equal((await move(hub, tokens.madera, id, 'transfer', { county: 'NOWHERE' })).status,
    404);
  const fresnoInbox = await openInbox(hub, tokens.fresno);
  const r = await move(hub, tokens.madera, id, 'transfer', { county: 'FRESNO' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.thread.state, r.json.thread.assigned_to, r.json.thread.queue_county],
    ['waiting', null, 'FRESNO']);
  assert.equal(r.json.visible, false, 'the MADERA mover no longer sees it');
  const pushed = await fresnoInbox.next((f) => f.type === 'thread' && f.thread.id === id);
  assert.equal(pushed.thread.queue_county, 'FRESNO');
  const list = await api(hub, 'GET', '/api/inbox/threads?state=waiting', { token: tokens.fresno });
  assert.ok(list.json.threads.some((t) => t.id === id));
  assert.equal((await api(hub, 'GET', `/api/inbox/threads/${id}`, { token: tokens.madera })).status,
    404, 'out of MADERA now');
  assert.equal((await move(hub, tokens.fresno, id, 'transfer', { county: 'FRESNO' })).status, 409,
    'already waiting there');
  assert.ok((await auditActions(hub, id)).includes('jdoe:transfer_county'));
  // FRESNO takes it and resolves it: the next conversation goes by the cases again (MADERA).
  assert.equal((await move(hub, tokens.fresno, id, 'claim')).status, 200);
  const done = await move(hub, tokens.fresno, id, 'resolve');
  assert.equal(done.status, 200);
  assert.equal(done.json.thread.queue_county, null);
  assert.equal((await api(hub, 'GET', `/api/inbox/threads/${id}`, { token: tokens.madera })).status,
    200);
  assert.equal((await move(hub, tokens.madera, id, 'release')).status, 409, 'resolved');
});

test('a disabled caseworker\'s thread shows so and can be moved on', async () => {
  const id = await waitingThread(PARENTS.lock, tokens.madera);
  assert.equal((await move(hub, tokens.gone, id, 'claim')).status, 200);
  assert.equal((await move(hub, tokens.madera, id, 'release')).status, 409, 'gone is active');
  run(['caseworker', 'disable', '--db', env.db, '--username', GONE.username]);
  const seen = await api(hub, 'GET', `/api/inbox/threads/${id}`, { token: tokens.super });
  assert.deepEqual([seen.json.thread.assigned_to, seen.json.thread.assigned_disabled],
    ['gone', true]);
  // A disabled account cannot receive one.
  assert.ok(johnThread);
  const refused = await move(hub, tokens.madera, johnThread, 'transfer', { username: 'gone' });
  assert.equal(refused.status, 409);
  assert.match(refused.json.error, /disabled/);
  const r = await move(hub, tokens.super, id, 'transfer', { username: 'kim' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.thread.assigned_to, r.json.thread.assigned_disabled], ['kim', false]);
});

// An SMS number linked to no participant asks for a person: a waiting thread with no county.
async function unlinkedEscalation(h, from) {
  const res = await sms.sendSms({ url: h.url.replace(/\/$/, '') },
    sms.inboundParams(from, 'I want to talk to a person'));
  assert.equal(res.status, 200);
}

async function findTriage(h, token) {
  const list = await api(h, 'GET', '/api/inbox/threads?state=waiting', { token });
  assert.equal(list.status, 200);
  return list.json.threads.find((t) => t.triage && t.channel === 'sms');
}

test('triage queue: without --triage-county every caseworker sees unlinked SMS threads',
  async () => {
    await unlinkedEscalation(hub, '+15595559901');
    const seen = await findTriage(hub, tokens.fresno);
    assert.ok(seen, 'FRESNO sees the triage thread');
    assert.deepEqual(seen.counties, []);
    assert.ok(await findTriage(hub, tokens.madera), 'MADERA too');
    assert.equal((await move(hub, tokens.madera, seen.id, 'claim')).status, 200);
  });

test('triage queue: --triage-county FRESNO,KERN reaches only those counties', async () => {
  const env2 = prepare();
  const hub2 = await startHub(env2.db, [...SMS_ARGS, '--triage-county', 'FRESNO,KERN'], SMS_ENV);
  try {
    const madera = await loginCaseworker(hub2, CASEWORKERS.madera);
    const fresno = await loginCaseworker(hub2, CASEWORKERS.fresno);
    const fresnoInbox = await openInbox(hub2, fresno);
    await unlinkedEscalation(hub2, '+15595559902');
    const pushed = await fresnoInbox.next((f) => f.type === 'thread' && f.thread.triage &&
      f.thread.state === 'waiting');
    const id = pushed.thread.id;
    assert.ok(await findTriage(hub2, fresno));
    assert.equal(await findTriage(hub2, madera), undefined, 'MADERA is not a triage county');
    assert.equal((await api(hub2, 'GET', `/api/inbox/threads/${id}`, { token: madera })).status,
      404);
    // Triage hands it to MADERA's queue.
    const r = await move(hub2, fresno, id, 'transfer', { county: 'MADERA' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.thread.triage, false);
    assert.equal((await api(hub2, 'GET', `/api/inbox/threads/${id}`, { token: madera })).status,
      200);
  } finally {
    await hub2.stop();
    fs.rmSync(env2.dir, { recursive: true, force: true });
  }
});

test('serve refuses an empty --triage-county', () => {
  assert.throws(() => run(['serve', '--db', env.db, '--triage-county', 'FRESNO,,KERN']),
    /triage-county/);
});
