'use strict';
// Caseworker accounts in the inbox (issue 19): supervisors list the accounts, disable, enable and
// reset passwords (the store audits each, on the account, thread 0). Disabling (and a reset) ends
// the account's sessions, and this hub closes the account's open /ws/inbox sockets at once (4401),
// not at the next periodic re-check (60 s by default, as here).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { CASEWORKERS, Client, prepare, startHub, api, loginCaseworker, loginBody,
  run } = require('./lib/hub');

let env;
let hub;
const tokens = {};

before(async () => {
  env = prepare();
  hub = await startHub(env.db);
  // TOTP codes are single-use per 30 s step: each caseworker logs in once here where possible.
  tokens.super = await loginCaseworker(hub, CASEWORKERS.super);
  tokens.madera = await loginCaseworker(hub, CASEWORKERS.madera);
  tokens.fresno = await loginCaseworker(hub, CASEWORKERS.fresno);
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

function closedWithin(client, ms) {
  return Promise.race([client.closed, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms))]);
}

const post = (username, verb, { token = tokens.super, body } = {}) =>
  api(hub, 'POST', `/api/inbox/accounts/${encodeURIComponent(username)}/${verb}`, { token, body });

async function accounts() {
  const r = await api(hub, 'GET', '/api/inbox/accounts', { token: tokens.super });
  assert.equal(r.status, 200, r.text);
  return r.json.accounts;
}

async function accountAudit() {
  const r = await api(hub, 'GET', '/api/inbox/audit?limit=1000', { token: tokens.super });
  assert.equal(r.status, 200, r.text);
  return r.json.entries.filter((e) => e.action.startsWith('caseworker '))
    .map((e) => `${e.caseworker}:${e.action}:${e.thread_id}`);
}

test('a supervisor lists every account, without hashes or secrets', async () => {
  const list = await accounts();
  assert.deepEqual(list.map((a) => a.username), ['boss', 'fresno1', 'jdoe']);
  const jdoe = list.find((a) => a.username === 'jdoe');
  assert.deepEqual(Object.keys(jdoe).sort(),
    ['county', 'disabled', 'display_name', 'id', 'supervisor', 'username']);
  assert.deepEqual({ ...jdoe, id: 0 }, { id: 0, username: 'jdoe', display_name: 'Ms. Doe',
    county: 'MADERA', supervisor: false, disabled: false });
  assert.equal(list.find((a) => a.username === 'boss').supervisor, true);
  const text = JSON.stringify(list);
  for (const cw of Object.values(CASEWORKERS)) assert.ok(!text.includes(cw.password));
  assert.doesNotMatch(text, /argon|hash|secret|totp/i);
});

test('caseworkers get 403, no token 401, and nothing changes', async () => {
  const before = await accountAudit();
  const list = await api(hub, 'GET', '/api/inbox/accounts', { token: tokens.madera });
  assert.equal(list.status, 403, list.text);
  assert.match(list.json.error, /supervisors only/);
  assert.equal((await api(hub, 'GET', '/api/inbox/accounts')).status, 401);
  for (const verb of ['disable', 'enable', 'reset-password']) {
    const body = verb === 'reset-password' ? { password: 'a-new-password-9' } : undefined;
    const r = await post('fresno1', verb, { token: tokens.madera, body });
    assert.equal(r.status, 403, `${verb}: ${r.text}`);
    assert.equal((await post('fresno1', verb, { token: null, body })).status, 401);
  }
  assert.equal((await api(hub, 'GET', '/api/inbox/me', { token: tokens.fresno })).status, 200);
  assert.deepEqual(await accountAudit(), before);
});

test('bad input is a 400, an unknown username a 404, disabling oneself a 409', async () => {
  const before = await accountAudit();
  for (const body of [undefined, {}, { password: 5 }, { password: 'short' }, { password: '1234567' }]) {
    const r = await post('fresno1', 'reset-password', { body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.match(r.json.error, /password|JSON object/);
  }
  const garbage = await api(hub, 'POST', '/api/inbox/accounts/fresno1/reset-password',
    { token: tokens.super, raw: '{not json' });
  assert.equal(garbage.status, 400);
  for (const verb of ['disable', 'enable']) {
    assert.equal((await post('nobody', verb)).status, 404);
  }
  assert.equal((await post('nobody', 'reset-password',
    { body: { password: 'a-new-password-9' } })).status, 404);
  const self = await post('boss', 'disable');
  assert.equal(self.status, 409, self.text);
  assert.match(self.json.error, /own account/);
  assert.equal((await api(hub, 'GET', '/api/inbox/me', { token: tokens.super })).status, 200);
  assert.deepEqual(await accountAudit(), before);
});

test('disable ends the API token and closes the open inbox socket at once; enable lets back',
  async () => {
    const inbox = await openInbox(tokens.madera);
    const r = await post('jdoe', 'disable');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.account.username, 'jdoe');
    assert.equal(r.json.account.disabled, true);
    // At once: the hub's periodic re-check is 60 s away.
    const closed = await closedWithin(inbox, 3000);
    assert.equal(closed.code, 4401);
    assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token: tokens.madera })).status, 401);
    assert.equal((await accounts()).find((a) => a.username === 'jdoe').disabled, true);
    const login = await api(hub, 'POST', '/api/inbox/login',
      { body: { username: 'jdoe', password: CASEWORKERS.madera.password } });
    assert.equal(login.status, 401);
    // Disabling again is harmless (and audited again); the supervisor's own socket stays.
    const boss = await openInbox(tokens.super);
    assert.equal((await post('jdoe', 'disable')).status, 200);
    assert.equal((await api(hub, 'GET', '/api/inbox/me', { token: tokens.super })).status, 200);
    boss.send({ type: 'ping' });
    await boss.next('pong');

    const enabled = await post('jdoe', 'enable');
    assert.equal(enabled.status, 200, enabled.text);
    assert.equal(enabled.json.account.disabled, false);
    tokens.madera = await loginCaseworker(hub, CASEWORKERS.madera);
    assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token: tokens.madera })).status, 200);
    await boss.close();
  });

test('reset-password ends the sessions; the old password is refused, the new one accepted',
  async () => {
    const inbox = await openInbox(tokens.fresno);
    const password = 'fresno-new-password-2';
    const r = await post('fresno1', 'reset-password', { body: { password } });
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes(password));
    assert.equal(r.json.account.disabled, false);
    assert.equal((await closedWithin(inbox, 3000)).code, 4401);
    assert.equal((await api(hub, 'GET', '/api/inbox/me', { token: tokens.fresno })).status, 401);
    // The password is checked before the code: a wrong one is refused without spending a code.
    const old = await api(hub, 'POST', '/api/inbox/login',
      { body: { username: 'fresno1', password: CASEWORKERS.fresno.password } });
    assert.equal(old.status, 401);
    const fresh = await api(hub, 'POST', '/api/inbox/login',
      { body: await loginBody(hub, { ...CASEWORKERS.fresno, password }) });
    assert.equal(fresh.status, 200, fresh.text);
    assert.ok(!hub.stderr().includes(password), 'the password is never logged');
  });

test('every change is audited on the account (thread 0) and the chain holds', async () => {
  const rows = await accountAudit();
  assert.deepEqual(rows.slice(0, 4), ['fresno1:caseworker password reset:0',
    'jdoe:caseworker enabled:0', 'jdoe:caseworker disabled:0', 'jdoe:caseworker disabled:0'],
  'newest first');
  assert.match(hub.stderr(), /"account_changed"/);
  assert.match(run(['audit', 'verify', '--db', env.db]), /audit log intact/);
});
