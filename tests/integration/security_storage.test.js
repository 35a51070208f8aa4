'use strict';
// Issue 16, item 7: files and imported hashes, through the real CLI and `connecthub serve` on
// port 0 (a parent logging in over npm `ws`); the database read through sqlite3.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BINARY, startHub, loginParent } = require('./lib/hub');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connecthub-files-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const mode = (f) => fs.statSync(f).mode & 0o777;
const sql = (db, s) => spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, s],
  { encoding: 'utf8' }).stdout.trim();
const cli = (args, input) => spawnSync(BINARY, args, { input, encoding: 'utf8', timeout: 60000 });

// A plain Argon2id hash (no pepper) of PIN 246810 (libsodium's crypto_pwhash_str, interactive
// limits), as an agency's extract may carry it.
const PIN = '246810';
const PLAIN_HASH = '$argon2id$v=19$m=65536,t=2,p=1$B8eatrwFcovEXnMTBqtD/w$' +
  'WtOQ8lTPxuENK7dN/dhDbpm/xHRdfb64XJ8nOdgCSuU';

test('database, -wal and -shm are 0600; a database left 0644 is narrowed at open', async () => {
  const db = path.join(dir, 'demo.db');
  const r = cli(['demo-data', '--db', db, '--participants', '3']);
  assert.equal(r.status, 0, r.stderr);
  const hub = await startHub(db);
  try {
    for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}.key`]) {
      assert.equal(mode(f).toString(8), '600', f);
    }
  } finally {
    await hub.stop();
  }
  fs.chmodSync(db, 0o644);
  const again = await startHub(db);
  try {
    assert.equal(mode(db).toString(8), '600');
    for (const f of [`${db}-wal`, `${db}-shm`]) {
      if (fs.existsSync(f)) assert.equal(mode(f).toString(8), '600', f);
    }
  } finally {
    await again.stop();
  }
});

test('import refuses a pin_hash whose Argon2 parameters exceed the caps (m=4 GiB)', () => {
  const db = path.join(dir, 'caps.db');
  const file = path.join(dir, 'caps.jsonl');
  const person = (id, hash) => JSON.stringify({ participant: { participant_id: id,
    first_name: 'Ana', last_name: 'Diaz', pin_hash: hash } });
  fs.writeFileSync(file, [
    person('100000011', '$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$' +
      'RdescudvJCsgt3ub+b+dWRWJTmaaJObG'),
    person('100000012', '$argon2id$v=19$m=65536,t=4000,p=1$c29tZXNhbHQ$' +
      'RdescudvJCsgt3ub+b+dWRWJTmaaJObG'),
    person('100000013', PLAIN_HASH),
  ].join('\n') + '\n');
  const r = cli(['import', '--db', db, file]);
  assert.match(r.stderr, /line 1: .*pin_hash.*memory cost/);
  assert.match(r.stderr, /line 2: .*pin_hash.*time cost/);
  assert.doesNotMatch(r.stderr, /line 3/);
  assert.equal(sql(db, 'SELECT group_concat(participant_id) FROM participants'), '100000013');
});

test('an imported pin_hash is re-hashed with the pepper at the first successful login', async () => {
  const db = path.join(dir, 'caps.db');  // the participant imported above
  assert.equal(sql(db, "SELECT pin_peppered FROM participants WHERE participant_id = '100000013'"),
    '0');
  const hub = await startHub(db);
  try {
    const { client } = await loginParent(hub, { id: '100000013', pin: PIN });
    await client.close();
    assert.equal(sql(db,
      "SELECT pin_peppered FROM participants WHERE participant_id = '100000013'"), '1');
    assert.notEqual(sql(db,
      "SELECT pin_hash FROM participants WHERE participant_id = '100000013'"), PLAIN_HASH);
    // The PIN still works, now against the peppered hash.
    const again = await loginParent(hub, { id: '100000013', pin: PIN });
    await again.client.close();
  } finally {
    await hub.stop();
  }
});
