'use strict';
// Issue 16, item 9: the audit trail. Real `connecthub serve` on port 0, a parent on /ws/chat
// (npm `ws`), caseworkers over HTTP; the database is read and tampered with through sqlite3, and
// the chain is checked with `connecthub audit verify`.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { BINARY, PARENTS, CASEWORKERS, prepare, startHub, loginParent, ask, api,
  loginCaseworker } = require('./lib/hub');

let env;
let hub;
const tokens = {};

function sql(statement) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', env.db, statement], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout.trim(), err: r.stderr };
}

function verify() {
  const r = spawnSync(BINARY, ['audit', 'verify', '--db', env.db], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const FAIL_AUDIT = "CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_log " +
  "BEGIN SELECT RAISE(ABORT, 'audit disk full'); END;";
const ALLOW_AUDIT = 'DROP TRIGGER test_fail_audit;';

let threadId;

before(async () => {
  env = prepare();
  hub = await startHub(env.db);
  for (const [k, cw] of Object.entries(CASEWORKERS)) tokens[k] = await loginCaseworker(hub, cw);
  const { client } = await loginParent(hub, PARENTS.john);
  const r = await ask(client, 'audit-1', 'I want to talk to a person');
  assert.equal(r.reply.intent, 'agent');
  await client.close();
  threadId = Number(sql(`SELECT id FROM threads WHERE participant_id = '${PARENTS.john.id}'`).out);
  assert.ok(threadId > 0);
});

after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

const post = (what, body) => api(hub, 'POST', `/api/inbox/threads/${threadId}/${what}`,
  { token: tokens.madera, body });

test('claim, reply, note and resolve fail, and change nothing, when their audit row cannot be ' +
  'written', async () => {
  assert.equal(sql(FAIL_AUDIT).status, 0);
  const claim = await post('claim');
  assert.equal(claim.status, 500);
  assert.equal(sql(`SELECT COALESCE(assigned_to, 'none') FROM threads WHERE id = ${threadId}`).out,
    'none');
  // Reads and lists are audited too: they are refused rather than served unaudited.
  assert.equal((await api(hub, 'GET', `/api/inbox/threads/${threadId}`,
    { token: tokens.madera })).status, 500);
  assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token: tokens.madera })).status, 500);

  assert.equal(sql(ALLOW_AUDIT).status, 0);
  assert.equal((await post('claim')).status, 200);
  assert.equal(sql(FAIL_AUDIT).status, 0);
  const count = (sender) => sql(`SELECT count(*) FROM messages WHERE thread_id = ${threadId} ` +
    `AND sender = '${sender}'`).out;
  assert.equal((await post('reply', { text: 'Hello from the agency' })).status, 500);
  assert.equal(count('caseworker'), '0');
  assert.equal((await post('note', { text: 'internal note' })).status, 500);
  assert.equal(count('note'), '0');
  assert.equal((await post('resolve')).status, 500);
  assert.equal(sql(`SELECT state FROM threads WHERE id = ${threadId}`).out, 'assigned');

  assert.equal(sql(ALLOW_AUDIT).status, 0);
  assert.equal((await post('reply', { text: 'Hello from the agency' })).status, 200);
  assert.equal((await post('note', { text: 'internal note' })).status, 200);
  assert.equal((await post('resolve')).status, 200);
  const actions = sql(`SELECT group_concat(action, ',') FROM (SELECT action FROM audit_log ` +
    `WHERE thread_id = ${threadId} ORDER BY id)`).out;
  assert.equal(actions, 'claim,reply,note,resolve');
});

test('supervisors read the audit log by thread and by caseworker; others get 403', async () => {
  assert.equal((await api(hub, 'GET', `/api/inbox/threads/${threadId}`,
    { token: tokens.madera })).status, 200);
  assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token: tokens.madera })).status, 200);
  const denied = await api(hub, 'GET', `/api/inbox/audit?thread_id=${threadId}`,
    { token: tokens.madera });
  assert.equal(denied.status, 403);
  const byThread = await api(hub, 'GET', `/api/inbox/audit?thread_id=${threadId}`,
    { token: tokens.super });
  assert.equal(byThread.status, 200);
  const actions = byThread.json.entries.map((e) => e.action);
  // Newest first: the list, the read, then the actions of the first test.
  assert.deepEqual(actions.slice(0, 6), ['list', 'read', 'resolve', 'note', 'reply', 'claim']);
  assert.ok(byThread.json.entries.every((e) => e.thread_id === threadId &&
    e.caseworker === 'jdoe' && /^\d{4}-\d\d-\d\dT/.test(e.at)));
  const jdoeId = byThread.json.entries[0].caseworker_id;
  // The supervisor's own list is audited as well, and filtering by caseworker separates them.
  assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token: tokens.super })).status, 200);
  const bySuper = await api(hub, 'GET', '/api/inbox/audit?caseworker_id=' +
    `${jdoeId + 100}`, { token: tokens.super });
  assert.deepEqual(bySuper.json.entries, []);
  const byJdoe = await api(hub, 'GET', `/api/inbox/audit?caseworker_id=${jdoeId}&limit=2`,
    { token: tokens.super });
  assert.equal(byJdoe.json.entries.length, 2);
  assert.ok(byJdoe.json.entries.every((e) => e.caseworker === 'jdoe'));
  const all = await api(hub, 'GET', '/api/inbox/audit', { token: tokens.super });
  assert.ok(all.json.entries.some((e) => e.caseworker === 'boss' && e.action === 'list'));
  const bad = await api(hub, 'GET', '/api/inbox/audit?thread_id=abc', { token: tokens.super });
  assert.equal(bad.status, 400);
});

test('the audit log is append-only and `audit verify` finds an edited or removed row',
  async () => {
    await hub.stop();
    hub = null;
    const ok = verify();
    assert.equal(ok.status, 0, ok.err);
    assert.match(ok.out, /audit log intact: \d+ chained rows/);
    // The database itself refuses to change or remove audit rows.
    assert.notEqual(sql("UPDATE audit_log SET action = 'read' WHERE id = 2").status, 0);
    assert.notEqual(sql('DELETE FROM audit_log WHERE id = 2').status, 0);
    // Someone who drops the triggers can edit rows, but the chain shows it.
    const copy = `${env.db}.tampered`;
    const edited = spawnSync('sqlite3', [env.db, `VACUUM INTO '${copy}'`], { encoding: 'utf8' });
    assert.equal(edited.status, 0, edited.stderr);
    fs.copyFileSync(`${env.db}.key`, `${copy}.key`);
    fs.chmodSync(`${copy}.key`, 0o600);
    const tamper = (statement) => spawnSync('sqlite3', [copy,
      `DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; ${statement}`],
    { encoding: 'utf8' });
    assert.equal(tamper("UPDATE audit_log SET action = 'read' WHERE id = 2").status, 0);
    const changed = spawnSync(BINARY, ['audit', 'verify', '--db', copy], { encoding: 'utf8' });
    assert.equal(changed.status, 1);
    assert.match(changed.stderr, /audit row 2: chain link does not match/);

    fs.rmSync(copy);
    assert.equal(spawnSync('sqlite3', [env.db, `VACUUM INTO '${copy}'`]).status, 0);
    assert.equal(tamper('DELETE FROM audit_log WHERE id = 3').status, 0);
    const removed = spawnSync(BINARY, ['audit', 'verify', '--db', copy], { encoding: 'utf8' });
    assert.equal(removed.status, 1);
    assert.match(removed.stderr, /audit row 4: row ids are not consecutive/);
  });
