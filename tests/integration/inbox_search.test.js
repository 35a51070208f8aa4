'use strict';
// Caseworker search (GET /api/inbox/search) within the thread list's scope, by participant id,
// case number, phone number (blind index, normalized like inbound numbers) and name (case and
// accents ignored); bad queries are 400s; searches are audited without their text. Waiting
// threads carry a reply target in office time (due_at, overdue) and the list sorts high
// priority, then overdue, then the rest.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { BINARY, PARENTS, CASEWORKERS, prepare, startHub, loginParent, ask, api,
  loginCaseworker } = require('./lib/hub');

let env;
let hub;
const tokens = {};
const TARGET_SECONDS = 4; // --reply-target-hours 0.001 = 3.6 s, rounded to whole seconds

before(async () => {
  env = prepare();
  // Open around the clock so that the target is plain elapsed time whatever the hour now.
  hub = await startHub(env.db, ['--office-hours', '1-7 00:00-24:00',
    '--reply-target-hours', '0.001']);
  tokens.madera = await loginCaseworker(hub, CASEWORKERS.madera);
  tokens.fresno = await loginCaseworker(hub, CASEWORKERS.fresno);
  tokens.super = await loginCaseworker(hub, CASEWORKERS.super);
  // Threads: John (Madera) and Ana (Fresno) waiting for a person; Rosa (Madera) with the bot.
  for (const [who, text] of [[PARENTS.john, 'I want to talk to a person'],
    [PARENTS.ana, 'quiero hablar con una persona'], [PARENTS.tabs, 'what is my balance']]) {
    const { client } = await loginParent(hub, who);
    await ask(client, 'c-1', text);
    await client.close();
  }
});
after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

async function search(token, q) {
  return api(hub, 'GET', `/api/inbox/search?q=${encodeURIComponent(q)}`, { token });
}

async function names(token, q) {
  const r = await search(token, q);
  assert.equal(r.status, 200, `${q}: ${r.text}`);
  return r.json.threads.map((t) => t.participant.first_name).sort();
}

test('search by participant id, case number, phone and name', async () => {
  assert.deepEqual(await names(tokens.madera, PARENTS.john.id), ['John']);
  // Case 200000001 (Madera): John and Rosa have threads.
  assert.deepEqual(await names(tokens.madera, '200000001'), ['John', 'Rosa']);
  // John's phone +15595550102, typed the ways people type it.
  for (const q of ['+15595550102', '(559) 555-0102', '559.555.0102', '1 559 555 0102']) {
    assert.deepEqual(await names(tokens.madera, q), ['John'], q);
  }
  assert.deepEqual(await names(tokens.madera, '5595550199'), []);
  // Names: case-insensitive, by the start of a word, first and last.
  assert.deepEqual(await names(tokens.madera, 'smith'), ['John']);
  assert.deepEqual(await names(tokens.madera, 'JOHN sm'), ['John']);
  assert.deepEqual(await names(tokens.madera, 'ro'), ['Rosa']);
  assert.deepEqual(await names(tokens.madera, 'nobody'), []);
  // The same summary JSON as the list.
  const list = await api(hub, 'GET', '/api/inbox/threads', { token: tokens.madera });
  const found = (await search(tokens.madera, 'Smith')).json.threads[0];
  assert.deepEqual(Object.keys(found).sort(), Object.keys(list.json.threads[0]).sort());
});

test('accents are ignored (Ruíz finds Ruiz, for the supervisor)', async () => {
  assert.deepEqual(await names(tokens.super, 'Ruíz'), ['Ana']);
  assert.deepEqual(await names(tokens.super, 'ANA RUIZ'), ['Ana']);
});

test('scope: a Madera caseworker does not find a Fresno thread; Fresno and the supervisor do',
  async () => {
    for (const q of [PARENTS.ana.id, '200000002', '+15595550103', 'Ruiz']) {
      assert.deepEqual(await names(tokens.madera, q), [], q);
      assert.deepEqual(await names(tokens.fresno, q), ['Ana'], q);
      assert.deepEqual(await names(tokens.super, q), ['Ana'], q);
    }
    assert.deepEqual(await names(tokens.fresno, 'Smith'), []);
    assert.deepEqual(await names(tokens.super, 'Smith'), ['John']);
  });

test('bad queries are 400s with a message; no token is a 401', async () => {
  for (const q of ['', '   ', 'a', 'x'.repeat(101)]) {
    const r = await search(tokens.madera, q);
    assert.equal(r.status, 400, JSON.stringify(q));
    assert.match(r.json.error, /^q /);
  }
  const missing = await api(hub, 'GET', '/api/inbox/search', { token: tokens.madera });
  assert.equal(missing.status, 400);
  assert.match(missing.json.error, /required/);
  assert.equal((await api(hub, 'GET', '/api/inbox/search?q=john')).status, 401);
  assert.equal((await search(tokens.madera, 'x'.repeat(100))).status, 200);
});

test('a search is audited without its text; so is each thread found', async () => {
  const me = (await api(hub, 'GET', '/api/inbox/me', { token: tokens.fresno })).json;
  const before = await api(hub, 'GET', `/api/inbox/audit?caseworker_id=${me.id}`,
    { token: tokens.super });
  const r = await search(tokens.fresno, '(559) 555-0103');
  assert.equal(r.json.threads.length, 1);
  const after = await api(hub, 'GET', `/api/inbox/audit?caseworker_id=${me.id}`,
    { token: tokens.super });
  const added = after.json.entries.filter((e) => !before.json.entries.some((b) => b.id === e.id));
  assert.deepEqual(added.map((e) => [e.action, e.thread_id]).sort(),
    [['search', 0], ['search', r.json.threads[0].id]]);
  assert.doesNotMatch(after.text, /555|0103/);
  // A search that finds nothing is audited too.
  await search(tokens.fresno, 'nobody at all');
  const last = await api(hub, 'GET', `/api/inbox/audit?caseworker_id=${me.id}&limit=1`,
    { token: tokens.super });
  assert.deepEqual([last.json.entries[0].action, last.json.entries[0].thread_id], ['search', 0]);
});

test('due_at and overdue: waiting threads only, overdue once the target has passed', async () => {
  let list = await api(hub, 'GET', '/api/inbox/threads', { token: tokens.super });
  for (const t of list.json.threads) {
    assert.equal(typeof t.overdue, 'boolean');
    if (t.state !== 'waiting') {
      assert.equal(t.due_at, null);
      assert.equal(t.overdue, false);
      continue;
    }
    const wait = Date.parse(t.due_at) - Date.parse(t.waiting_since);
    assert.ok(wait > (TARGET_SECONDS - 1) * 1000 && wait <= TARGET_SECONDS * 1000, `${wait} ms`);
    if (Date.now() < Date.parse(t.due_at)) assert.equal(t.overdue, false);
  }
  // Wait until the hub calls John's thread overdue (polling; bounded).
  const deadline = Date.now() + 15000;
  let john;
  for (;;) {
    list = await api(hub, 'GET', '/api/inbox/threads', { token: tokens.madera });
    john = list.json.threads.find((t) => t.participant.participant_id === PARENTS.john.id);
    if (john.overdue || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(john.overdue, true);
  assert.ok(Date.now() >= Date.parse(john.due_at));
  // Search results carry the same fields.
  const found = (await search(tokens.madera, 'Smith')).json.threads[0];
  assert.equal(found.due_at, john.due_at);
  assert.equal(found.overdue, true);
});

test('the list sorts high priority first, then overdue, then the rest', async () => {
  // Luis (Madera) writes safety words: high priority, waiting, not yet overdue.
  const { client } = await loginParent(hub, PARENTS.lock);
  await ask(client, 'c-1', 'he said he will hurt me');
  await client.close();
  const list = (await api(hub, 'GET', '/api/inbox/threads', { token: tokens.madera })).json.threads;
  const rank = (t) => (t.priority === 'high' ? 0 : t.overdue ? 1 : 2);
  assert.deepEqual(list.map(rank), list.map(rank).slice().sort());
  assert.equal(list[0].participant.participant_id, PARENTS.lock.id);
  assert.equal(list[0].priority, 'high');
  assert.ok(list.some((t) => t.overdue) && list.some((t) => rank(t) === 2), JSON.stringify(list));
});

test('--reply-target-hours must be a positive number of hours', () => {
  for (const v of ['0', '-1', 'abc', '']) {
    const r = spawnSync(BINARY, ['serve', '--db', env.db, '--listen', '127.0.0.1:0',
      '--reply-target-hours', v], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2, v + ': ' + r.stderr);
    assert.match(r.stderr, /--reply-target-hours/);
  }
});
