'use strict';
// Issue 16 item 6 end to end: caseworker logins are throttled per username, and parents never
// see a caseworker's login name (only a display name, when one is set).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { PARENTS, CASEWORKERS, prepare, startHub, loginParent, ask, api,
  loginCaseworker, loginBody } = require('./lib/hub');

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

test('caseworker logins are throttled per username, not only per address', async () => {
  const login = (username, password) => api(hub, 'POST', '/api/inbox/login',
    { body: { username, password } });
  // 10 wrong passwords for one username (case does not make new ones)...
  for (let i = 0; i < 10; i++) {
    assert.equal((await login(i % 2 ? 'FRESNO1' : 'fresno1', `wrong-${i}`)).status, 401);
  }
  // ...and even the right password waits; the address is not blocked for others.
  const blocked = await login('fresno1', CASEWORKERS.fresno.password);
  assert.equal(blocked.status, 429);
  assert.ok(blocked.json.retry_at);
  assert.equal((await api(hub, 'POST', '/api/inbox/login',
    { body: await loginBody(hub, CASEWORKERS.super) })).status, 200);
});

test('parents see a display name or none, never the caseworker\'s username', async () => {
  const token = await loginCaseworker(hub, CASEWORKERS.super);  // no display name set
  const { client: parent } = await loginParent(hub, PARENTS.maria);
  await ask(parent, 'dn-1', 'quiero hablar con una persona');
  await parent.next((f) => f.type === 'state' && f.state === 'waiting');
  const threads = await api(hub, 'GET', '/api/inbox/threads?state=waiting', { token });
  const thread = threads.json.threads.find((t) => t.participant &&
    t.participant.first_name === 'Maria');
  assert.ok(thread, JSON.stringify(threads.json));
  assert.equal((await api(hub, 'POST', `/api/inbox/threads/${thread.id}/claim`,
    { token })).status, 200);
  const assigned = await parent.next((f) => f.type === 'state' && f.state === 'assigned');
  assert.equal(assigned.caseworker, undefined);
  assert.equal((await api(hub, 'POST', `/api/inbox/threads/${thread.id}/reply`,
    { token, body: { text: 'Hola Maria.' } })).status, 200);
  const reply = await parent.next((f) => f.type === 'message' && f.from === 'caseworker');
  assert.equal(reply.caseworker, undefined);
  assert.ok(!JSON.stringify(parent.frames.concat([assigned, reply])).includes('boss'));
  await parent.close();
});
