'use strict';
// Issue 16 items 1 and 2: live sockets follow their session (logout, idle expiry, absolute
// lifetime close them with 4401), end to end against the real `connecthub serve`.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { PARENTS, CASEWORKERS, Client, prepare, startHub, loginParent, api,
  loginCaseworker } = require('./lib/hub');

let env;
const hubs = [];

before(() => { env = prepare(); });

after(async () => {
  for (const h of hubs) await h.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

// One hub at a time: they share the database, and an earlier hub's session sweep (with its own,
// shorter limits) would end the sessions of the next test.
async function hubWith(args) {
  while (hubs.length) await hubs.pop().stop();
  const h = await startHub(env.db, args);
  hubs.push(h);
  return h;
}

async function openInbox(hub, token) {
  const inbox = await Client.open(`${hub.wsUrl}/ws/inbox`);
  inbox.send({ type: 'auth', token });
  await inbox.next('ready');
  return inbox;
}

// Resolves with the close, or rejects after `ms` (the socket stayed open).
function closedWithin(client, ms) {
  return Promise.race([client.closed, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms))]);
}

test('logout closes the caseworker\'s /ws/inbox with 4401 and nothing more is pushed', async () => {
  const hub = await hubWith([]);
  const token = await loginCaseworker(hub, CASEWORKERS.madera);
  const other = await loginCaseworker(hub, CASEWORKERS.madera);
  const inbox = await openInbox(hub, token);
  const still = await openInbox(hub, other);
  assert.equal((await api(hub, 'POST', '/api/inbox/logout', { token })).status, 200);
  const closed = await closedWithin(inbox, 5000);
  assert.equal(closed.code, 4401);
  assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token })).status, 401);
  // The same caseworker's other session is not affected: it still gets pushes.
  const { client: parent } = await loginParent(hub, PARENTS.john);
  parent.send({ type: 'send', id: 'lo-1', text: 'I want to talk to a person' });
  await still.next((f) => f.type === 'message');
  assert.ok(!inbox.frames.some((f) => f.type === 'message' || f.type === 'thread'),
    JSON.stringify(inbox.frames));
  await parent.close();
  await still.close();
});

test('an idle-expired session closes /ws/inbox and /ws/chat with 4401', async () => {
  const hub = await hubWith(['--session-idle-seconds', '2', '--session-recheck-seconds', '1']);
  const token = await loginCaseworker(hub, CASEWORKERS.madera);
  const inbox = await openInbox(hub, token);
  const { client: parent } = await loginParent(hub, PARENTS.ana);
  const [a, b] = await Promise.all([closedWithin(inbox, 8000), closedWithin(parent, 8000)]);
  assert.equal(a.code, 4401);
  assert.equal(b.code, 4401);
  const ended = parent.frames.find((f) => f.type === 'error');
  assert.equal(ended && ended.code, 'unauthenticated');
});

test('sessions have an absolute lifetime however active (API 401, sockets 4401)', async () => {
  const hub = await hubWith(['--session-max-seconds', '3', '--session-recheck-seconds', '1']);
  const started = Date.now();  // before the login: the session is created after this
  const token = await loginCaseworker(hub, CASEWORKERS.fresno);
  const inbox = await openInbox(hub, token);
  // Busy all along: never idle, yet the session ends about 3 s after login.
  let status = 200;
  while (status === 200 && Date.now() - started < 10000) {
    status = (await api(hub, 'GET', '/api/inbox/me', { token })).status;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(status, 401);
  assert.ok(Date.now() - started >= 2500, 'ended before its lifetime');
  assert.equal((await closedWithin(inbox, 5000)).code, 4401);
});

test('a parent\'s logout closes its other tabs on the same session with 4401', async () => {
  const hub = await hubWith([]);
  const { client: first, welcome } = await loginParent(hub, PARENTS.tabs);
  const second = await Client.open(`${hub.wsUrl}/ws/chat`);
  second.send({ type: 'resume', token: welcome.token, after_seq: 0 });
  await second.next('welcome');
  first.send({ type: 'logout' });
  await first.next('logged_out');
  assert.equal((await closedWithin(second, 5000)).code, 4401);
  await first.close();
});
