'use strict';
// Issue 16, item 8 (part): replacing the key file is durable. `connecthub rotate-key` run under
// strace: after the rename of the new key file over the old one, the directory is fsynced (or a
// power loss could bring the old file back after rows were sealed under the new key).
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BINARY, PARENTS, Client, prepare, startHub, loginParent, ask } = require('./lib/hub');
const h = require('./lib/sms_helpers');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connecthub-keys-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const haveStrace = spawnSync('strace', ['-o', '/dev/null', 'true']).status === 0;

test('rotate-key fsyncs the key file\'s directory after renaming the new file into place',
  { skip: !haveStrace && 'strace is not available' }, () => {
    const db = path.join(dir, 'hub.db');
    const created = spawnSync(BINARY, ['caseworker', 'add', '--db', db, '--username', 'x'],
      { input: 'long enough password\n', encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
    const log = path.join(dir, 'strace.log');
    const r = spawnSync('strace', ['-f', '-e', 'trace=open,openat,rename,renameat,renameat2,fsync',
      '-o', log, BINARY, 'rotate-key', '--db', db], { encoding: 'utf8', timeout: 60000,
      // LeakSanitizer cannot run under ptrace (the ASan build of CI): leaks are not this test's.
      env: { ...process.env,
        ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'detect_leaks=0'].filter(Boolean).join(':') } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /key id 2 is current/);
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    const renamed = lines.findIndex((l) => /rename.*hub\.db\.key\.tmp.*hub\.db\.key"/.test(l));
    assert.ok(renamed >= 0, 'the new key file is renamed into place');
    const after = lines.slice(renamed + 1);
    const openDir = /open(?:at)?\(.*"([^"]*)", O_RDONLY[^)]*O_DIRECTORY[^)]*\) = (\d+)$/;
    const opened = after.map((l) => l.match(openDir))
      .find((m) => m && path.resolve(m[1]) === dir);
    assert.ok(opened, 'the key file\'s directory is opened after the rename');
    assert.ok(after.some((l) => new RegExp(`fsync\\(${opened[2]}\\)\\s+= 0`).test(l)),
      'and fsynced');
  });

test('a running hub seals new messages under the key rotate-key made current, without a restart',
  async () => {
    const env = prepare();
    const hub = await startHub(env.db);
    const keyOf = (seq) => spawnSync('sqlite3', ['-cmd', '.timeout 5000', env.db,
      `SELECT hex(substr(body, 1, 4)) FROM messages WHERE seq = ${seq} AND thread_id = ` +
      `(SELECT id FROM threads WHERE participant_id = '${PARENTS.john.id}')`],
    { encoding: 'utf8' }).stdout.trim();
    try {
      const { client } = await loginParent(hub, PARENTS.john);
      const first = await ask(client, 'k-1', 'what is my balance');
      assert.equal(keyOf(first.ack.seq), '00000001');
      const r = spawnSync(BINARY, ['rotate-key', '--db', env.db], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      // Within the hub's refresh interval (1 s) its new messages are sealed under key 2.
      let seq = 0;
      const deadline = Date.now() + 10000;
      for (let i = 2; Date.now() < deadline; i++) {
        seq = (await ask(client, `k-${i}`, 'what is my balance')).ack.seq;
        if (keyOf(seq) === '00000002') break;
        await new Promise((done) => setTimeout(done, 200));
      }
      assert.equal(keyOf(seq), '00000002');
      assert.equal(keyOf(seq + 1), '00000002');  // the bot's answer too
      await client.close();
    } finally {
      await hub.stop();
      fs.rmSync(env.dir, { recursive: true, force: true });
    }
  });

test('rotate-key --retire removes an old key once nothing uses it, while the hub runs on',
  async () => {
    const env = prepare();
    const hub = await startHub(env.db);
    const keyFileIds = () => fs.readFileSync(env.db + '.key', 'utf8').trim().split('\n')
      .map((l) => l.split(' ')[0]);
    const cli = (...args) => spawnSync(BINARY, ['rotate-key', '--db', env.db, ...args],
      { encoding: 'utf8' });
    try {
      const { client } = await loginParent(hub, PARENTS.john);
      await ask(client, 'r-1', 'what is my balance');
      assert.equal(cli().status, 0);  // key 2
      let r = cli('--retire', '2');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /cannot retire key 2: key 2 is current/);
      r = cli('--retire', '1');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /still use key 1/);  // the PINs' pepper, until their next login
      assert.equal(cli('--retire', 'two').status, 2);
      assert.equal(cli().status, 0);  // key 3: everything re-sealed under it
      // Retiring waits for running hubs to pick up key 3, then checks nothing uses key 2.
      r = cli('--retire', '2');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /key id 2 retired/);
      assert.deepEqual(keyFileIds(), ['1', '3']);
      // The running hub goes on answering, and so does a new one on the shorter key file.
      const again = await ask(client, 'r-2', 'what is my balance');
      assert.match(again.reply.text, /\$/);
      await client.close();
      await hub.stop();
      const next = await startHub(env.db);
      const { client: c2 } = await loginParent(next, PARENTS.john);
      assert.match((await ask(c2, 'r-3', 'what is my balance')).reply.text, /\$/);
      await c2.close();
      await next.stop();
    } finally {
      await hub.stop();
      fs.rmSync(env.dir, { recursive: true, force: true });
    }
  });

test('after rotate-key, a session made before it still resumes, a PIN hashed under the old ' +
  'pepper still logs in and is re-hashed under the new key, and the audit chain verifies',
async () => {
  const env = prepare();
  const hub = await startHub(env.db);
  const pinPrefix = () => spawnSync('sqlite3', ['-cmd', '.timeout 5000', env.db,
    `SELECT substr(pin_hash, 1, 3) FROM participants WHERE participant_id = '${PARENTS.john.id}'`],
  { encoding: 'utf8' }).stdout.trim();
  try {
    const { client, welcome } = await loginParent(hub, PARENTS.john);
    await client.close();
    assert.equal(pinPrefix().startsWith('k2:'), false);
    const r = spawnSync(BINARY, ['rotate-key', '--db', env.db], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // The token was hashed under key 1: it still resumes once the hub has key 2.
    const resumed = await Client.open(`${hub.wsUrl}/ws/chat`);
    resumed.send({ type: 'resume', token: welcome.token, after_seq: 0 });
    const back = await resumed.next((f) => f.type === 'welcome' || f.type === 'error');
    assert.equal(back.type, 'welcome', JSON.stringify(back));
    await resumed.close();
    // Logging in again with the same PIN works, and (within the hub's 1 s key refresh) leaves
    // the hash peppered under key 2.
    const deadline = Date.now() + 10000;
    while (!pinPrefix().startsWith('k2:') && Date.now() < deadline) {
      const again = await loginParent(hub, PARENTS.john);
      await again.client.close();
      if (!pinPrefix().startsWith('k2:')) await new Promise((done) => setTimeout(done, 250));
    }
    assert.equal(pinPrefix(), 'k2:');
    const fresh = await loginParent(hub, PARENTS.john);
    assert.match((await ask(fresh.client, 'p-1', 'what is my balance')).reply.text, /\$/);
    await fresh.client.close();
    const v = spawnSync(BINARY, ['audit', 'verify', '--db', env.db], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
  } finally {
    await hub.stop();
    fs.rmSync(env.dir, { recursive: true, force: true });
  }
});

test('a linked phone keeps working across rotate-key and retiring the old key, and a reminder ' +
  'sent before is not sent again', async () => {
  const dir = h.tempDir();
  const db = h.prepareDb(dir, { appointmentsInDays: [9.5] });  // A-1 (Maria): the 10-day one
  const api = await h.fakeTwilio();
  let hub = await h.startHub({ db, apiBase: api.base });
  const maria = '+15559990021';
  const john = '+15559990022';
  const cli = (...args) => spawnSync(BINARY, ['rotate-key', '--db', db, ...args],
    { encoding: 'utf8' });
  const reminders = () => (api.accepted || []).filter((r) => r.form.To === maria &&
    /Madera Superior Court/.test(r.form.Body || ''));
  try {
    assert.match((await h.text(hub, john, '100000002 135791'))[0], /John/);
    assert.match((await h.text(hub, maria, '100000001 ' + h.PIN))[0], /Maria/);
    await h.waitFor(() => reminders().length >= 1, { timeout: 15000, what: 'the reminder' });
    let r = cli();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /key id 2 is current/);
    // The running hub finds the link, re-indexed under key 2.
    assert.match((await h.text(hub, john, 'when was my last payment'))[0], /83\.08/);
    // What key 1 still peppers moves at the next login: both PINs (linking another number) and
    // the caseworker's password (the inbox).
    assert.match((await h.text(hub, '+15559990023', '100000001 ' + h.PIN))[0], /Maria/);
    assert.match((await h.text(hub, '+15559990024', '100000002 135791'))[0], /John/);
    await h.inbox(hub);
    r = cli('--retire', '1');  // waits for the hub to have read the key file (5 s)
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /key id 1 retired/);
    assert.match((await h.text(hub, john, 'when was my last payment'))[0], /83\.08/);
    await hub.stop();
    // A new hub on the key file without key 1: the links hold, and the reminder is not re-sent.
    hub = await h.startHub({ db, apiBase: api.base });
    assert.match((await h.text(hub, john, 'when was my last payment'))[0], /83\.08/);
    assert.match((await h.text(hub, maria, 'cuándo fue mi último pago'))[0], /83[.,]08/);
    await h.workerPasses(hub, 2, { scheduler: true });
    await h.workerPasses(hub, 2);
    assert.equal(reminders().length, 1);
    const log = hub.stderr();
    for (const secret of [h.PIN, '135791', maria, john, '5559990021', '5559990022']) {
      assert.ok(!log.includes(secret), 'log leaks a secret or personal data');
    }
  } finally {
    await hub.stop();
    await api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
