'use strict';
// Issue 19, operators: `connecthub backup` while `serve` writes, `connecthub purge`, and
// `serve --retention-days`. Old conversations are made by moving a thread's times back with the
// sqlite3 shell (messages are sealed by thread and seq, not by time, so they still open).
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BINARY, PARENTS, CASEWORKERS, prepare, startHub, loginParent, ask, api,
  loginCaseworker, run } = require('./lib/hub');

const DAY = 86400e3;
const envs = [];
const hubs = [];

after(async () => {
  for (const h of hubs) await h.stop();
  for (const e of envs) fs.rmSync(e.dir, { recursive: true, force: true });
});

function cli(args, input) {
  return spawnSync(BINARY, args, { input, encoding: 'utf8', timeout: 60000 });
}

function sql(db, statement) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, statement], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}

// A parent's web thread with a few messages; resolves its id.
async function conversation(hub, who, text) {
  const { client } = await loginParent(hub, who);
  await ask(client, `${who.id}-1`, text);
  await client.close();
  const token = await loginCaseworker(hub, CASEWORKERS.super);
  const threads = await api(hub, 'GET', '/api/inbox/threads', { token });
  const thread = threads.json.threads.find((t) => t.participant &&
    t.participant.first_name === who.first);
  assert.ok(thread, JSON.stringify(threads.json));
  return thread.id;
}

function age(db, threadId, days) {
  const shift = Math.round(days * DAY);
  sql(db, `UPDATE messages SET at_ms = at_ms - ${shift} WHERE thread_id = ${threadId};` +
    `UPDATE threads SET created_ms = created_ms - ${shift}, last_message_ms = last_message_ms - ` +
    `${shift} WHERE id = ${threadId};`);
}

test('backup copies the database while the hub writes, checks it, and the copy serves', async () => {
  const env = prepare();
  envs.push(env);
  const hub = await startHub(env.db);
  hubs.push(hub);
  const { client } = await loginParent(hub, PARENTS.john);
  // Writes keep going while the backup runs.
  let sent = 0;
  let stop = false;
  const writing = (async () => {
    while (!stop) {
      await ask(client, `w-${sent}`, 'when is my next appointment');
      sent++;
    }
  })();
  const out = path.join(env.dir, 'copy.db');
  const r = cli(['backup', '--db', env.db, '--out', out]);
  stop = true;
  await writing;
  await client.close();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /checked/);
  assert.equal(fs.statSync(out).mode & 0o777, 0o600);
  assert.equal(sql(out, 'PRAGMA integrity_check'), 'ok');
  // An existing file is never overwritten.
  const again = cli(['backup', '--db', env.db, '--out', out]);
  assert.equal(again.status, 1);
  // A wrong key file does not open it.
  const wrong = cli(['backup', '--db', out, '--key-file', path.join(env.dir, 'absent.key'),
    '--out', path.join(env.dir, 'copy2.db')]);
  assert.equal(wrong.status, 1);

  // Restore = put the copy (and the key file) in place: a hub on it answers and logs in.
  const restored = path.join(env.dir, 'restored.db');
  fs.copyFileSync(out, restored);
  fs.copyFileSync(`${env.db}.key`, `${restored}.key`);
  fs.chmodSync(`${restored}.key`, 0o600);
  require('./lib/totp').copySecrets(env.db, restored);  // the backup keeps the second factors
  const hub2 = await startHub(restored);
  hubs.push(hub2);
  const { client: again2 } = await loginParent(hub2, PARENTS.john);
  const { reply } = await ask(again2, 'r-1', 'what is my balance');
  assert.equal(reply.from, 'bot');
  assert.ok(reply.text.length > 0);
  await again2.close();
  await loginCaseworker(hub2, CASEWORKERS.madera);
  assert.match(run(['audit', 'verify', '--db', restored]), /audit log intact/);
});

test('purge deletes old conversations only, is audited, and bad dates are refused', async () => {
  const env = prepare();
  envs.push(env);
  const hub = await startHub(env.db);
  hubs.push(hub);
  const oldThread = await conversation(hub, PARENTS.maria, 'quiero hablar con una persona');
  const newThread = await conversation(hub, PARENTS.john, 'I want to talk to a person');
  age(env.db, oldThread, 400);
  const cutoff = new Date(Date.now() - 365 * DAY).toISOString().slice(0, 10);

  for (const bad of ['2026-13-01', 'yesterday', '']) {
    const r = cli(['purge', '--db', env.db, '--before', bad]);
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, /YYYY-MM-DD/);
  }
  const future = cli(['purge', '--db', env.db, '--before', '2999-01-01']);
  assert.equal(future.status, 2);
  const later = cli(['purge', '--db', env.db, '--before', cutoff, '--audit-before', '2999-01-01']);
  assert.equal(later.status, 2);

  const r = cli(['purge', '--db', env.db, '--before', cutoff]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /purged 1 threads, [1-9]\d* messages/);
  assert.equal(sql(env.db, `SELECT COUNT(*) FROM threads WHERE id = ${oldThread}`), '0');
  assert.equal(sql(env.db, `SELECT COUNT(*) FROM messages WHERE thread_id = ${oldThread}`), '0');
  assert.notEqual(sql(env.db, `SELECT COUNT(*) FROM messages WHERE thread_id = ${newThread}`),
    '0');
  assert.match(sql(env.db, "SELECT action FROM audit_log WHERE action LIKE 'purge %'"),
    /^purge before=\d+ threads=1 /);
  assert.match(run(['audit', 'verify', '--db', env.db]), /audit log intact/);
  // The running hub still shows the kept thread.
  const token = await loginCaseworker(hub, CASEWORKERS.super);
  const read = await api(hub, 'GET', `/api/inbox/threads/${newThread}`, { token });
  assert.equal(read.status, 200);
});

test('serve --retention-days purges old conversations by itself; a bad value is refused', async () => {
  const env = prepare();
  envs.push(env);
  let hub = await startHub(env.db);
  const oldThread = await conversation(hub, PARENTS.ana, 'quiero hablar con una persona');
  await hub.stop();
  age(env.db, oldThread, 40);

  const bad = cli(['serve', '--db', env.db, '--listen', '127.0.0.1:0', '--retention-days', '-1']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--retention-days/);
  assert.equal(sql(env.db, `SELECT COUNT(*) FROM threads WHERE id = ${oldThread}`), '1');

  hub = await startHub(env.db, ['--session-recheck-seconds', '1', '--retention-days', '30']);
  hubs.push(hub);
  await waitFor(() => sql(env.db, `SELECT COUNT(*) FROM threads WHERE id = ${oldThread}`) === '0',
    10000);
  assert.match(hub.stderr(), /retention_purged/);
  assert.match(sql(env.db, "SELECT action FROM audit_log WHERE action LIKE 'purge %'"),
    /^purge before=\d+ threads=1 /);
});

async function waitFor(pred, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
