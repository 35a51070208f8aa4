'use strict';
// Issue 19, operators: `connecthub caseworker list|disable|enable|reset-password` against a
// running `serve` (another process): a disabled caseworker's API calls fail at once and the
// inbox socket closes with 4401 at the next session re-check.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { BINARY, CASEWORKERS, Client, prepare, startHub, api, loginCaseworker,
  run } = require('./lib/hub');

let env;
let hub;

before(async () => {
  env = prepare();
  hub = await startHub(env.db, ['--session-recheck-seconds', '1']);
});

after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

function cli(args, input) {
  return spawnSync(BINARY, args, { input, encoding: 'utf8', timeout: 60000 });
}

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

test('caseworker list shows every account and its status', () => {
  const out = run(['caseworker', 'list', '--db', env.db]);
  const lines = out.trim().split('\n');
  assert.match(lines[0], /^id\tusername\tcounty\trole\tstatus/);
  const jdoe = lines.find((l) => l.split('\t')[1] === 'jdoe').split('\t');
  assert.deepEqual(jdoe.slice(2, 6), ['MADERA', 'caseworker', 'active', 'Ms. Doe']);
  const boss = lines.find((l) => l.split('\t')[1] === 'boss').split('\t');
  assert.equal(boss[3], 'supervisor');
  assert.ok(!out.includes(CASEWORKERS.madera.password));
  // Who still has to enrol a second factor: every prepared account has one; a new one has not.
  assert.match(lines[0], /\tsecond factor$/);
  assert.equal(jdoe[6], 'totp');
  const added = cli(['caseworker', 'add', '--db', env.db, '--username', 'newhire',
    '--county', 'FRESNO'], 'newhire-password-1\n');
  assert.equal(added.status, 0, added.stderr);
  const again = run(['caseworker', 'list', '--db', env.db]).trim().split('\n');
  assert.equal(again.find((l) => l.split('\t')[1] === 'newhire').split('\t')[6], 'none');
  assert.ok(!again.join('\n').includes(CASEWORKERS.madera.password));
});

test('disable ends a running hub\'s sessions and sockets; enable lets the caseworker back',
  async () => {
    const token = await loginCaseworker(hub, CASEWORKERS.madera);
    const inbox = await openInbox(token);
    assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token })).status, 200);

    const r = cli(['caseworker', 'disable', '--db', env.db, '--username', 'jdoe']);
    assert.equal(r.status, 0, r.stderr);
    // The next request is refused, and the socket closes at the next re-check (1 s here).
    assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token })).status, 401);
    const closed = await closedWithin(inbox, 5000);
    assert.equal(closed.code, 4401);
    const login = await api(hub, 'POST', '/api/inbox/login',
      { body: { username: 'jdoe', password: CASEWORKERS.madera.password } });
    assert.equal(login.status, 401);
    assert.match(run(['caseworker', 'list', '--db', env.db]), /\tjdoe\tMADERA\tcaseworker\tdisabled/);

    assert.equal(cli(['caseworker', 'enable', '--db', env.db, '--username', 'jdoe']).status, 0);
    const back = await loginCaseworker(hub, CASEWORKERS.madera);
    assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token: back })).status, 200);

    // Both changes went into the audit log, and its chain holds.
    assert.match(run(['audit', 'verify', '--db', env.db]), /audit log intact/);
  });

test('reset-password reads stdin, ends the sessions, and only the new password works',
  async () => {
    const token = await loginCaseworker(hub, CASEWORKERS.fresno);
    const inbox = await openInbox(token);
    const short = cli(['caseworker', 'reset-password', '--db', env.db, '--username', 'fresno1'],
      'short\n');
    assert.equal(short.status, 1);
    assert.match(short.stderr, /at least 8 characters/);
    assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token })).status, 200);

    const r = cli(['caseworker', 'reset-password', '--db', env.db, '--username', 'fresno1'],
      'a-new-fresno-pass\n');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stdout.includes('a-new-fresno-pass'));
    assert.equal((await api(hub, 'GET', '/api/inbox/threads', { token })).status, 401);
    assert.equal((await closedWithin(inbox, 5000)).code, 4401);
    const old = await api(hub, 'POST', '/api/inbox/login',
      { body: { username: 'fresno1', password: CASEWORKERS.fresno.password } });
    assert.equal(old.status, 401);
    await loginCaseworker(hub, { username: 'fresno1', password: 'a-new-fresno-pass' });
  });

test('unknown usernames and missing options are clear errors', () => {
  const unknown = cli(['caseworker', 'disable', '--db', env.db, '--username', 'nobody']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no caseworker named nobody/);
  const missing = cli(['caseworker', 'enable', '--db', env.db]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--username is required/);
});
