'use strict';
// Issue 16, item 12: demo data and secrets. The real CLI and `connecthub serve` on port 0; SMS
// webhooks signed with the npm `twilio` package; web chat over npm `ws`; the database read
// through sqlite3 and the supervisor's inbox API.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const sms = require('./lib/sms_helpers');
const hubLib = require('./lib/hub');

const dirs = [];
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });
function tempDir() {
  const d = sms.tempDir();
  dirs.push(d);
  return d;
}
const cli = (args, opts = {}) => spawnSync(hubLib.BINARY, args,
  { encoding: 'utf8', timeout: 60000, ...opts });
const sql = (db, statement) => spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, statement],
  { encoding: 'utf8' }).stdout.trim();

test('demo-data refuses a database with participants or caseworkers, and changes nothing', () => {
  const dir = tempDir();
  const db = sms.prepareDb(dir);
  const before = sql(db, 'SELECT count(*) FROM participants') + '/' +
    sql(db, 'SELECT count(*) FROM caseworkers');
  const r = cli(['demo-data', '--db', db, '--participants', '5']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already holds participants or caseworkers/);
  assert.equal(sql(db, 'SELECT count(*) FROM participants') + '/' +
    sql(db, 'SELECT count(*) FROM caseworkers'), before);
  // Only caseworkers is enough to refuse.
  const only = path.join(dir, 'cw.db');
  assert.equal(cli(['caseworker', 'add', '--db', only, '--username', 'x'],
    { input: 'long enough password\n' }).status, 0);
  assert.equal(cli(['demo-data', '--db', only, '--participants', '5']).status, 1);
});

test('demo passwords come from libsodium: the same seed gives the same PINs, new passwords', () => {
  const dir = tempDir();
  const outs = ['a.db', 'b.db'].map((name) => {
    const r = cli(['demo-data', '--db', path.join(dir, name), '--participants', '8', '--seed', '3']);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  });
  const pins = (o) => [...o.matchAll(/PIN (\d+)/g)].map((m) => m[1]);
  const passwords = (o) => [...o.matchAll(/ \/ (demo-[a-z0-9]+)/g)].map((m) => m[1]);
  assert.deepEqual(pins(outs[0]), pins(outs[1]));
  assert.equal(passwords(outs[0]).length, 2);
  for (const p of passwords(outs[0])) {
    assert.match(p, /^demo-[a-z0-9]{12}$/);
    assert.ok(!passwords(outs[1]).includes(p));
  }
});

function startServe(args, env = {}) {
  return new Promise((resolve) => {
    const proc = spawn(hubLib.BINARY, ['serve', '--listen', '127.0.0.1:0', ...args],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) resolve({ proc, url: m[1].replace(/\/$/, ''), err: () => err });
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => resolve({ code, err: () => err }));
  });
}

test('the Twilio auth token is refused on the command line and in a config file others can ' +
  'read; taken from the environment or a 0600 config file', async () => {
  const dir = tempDir();
  const db = sms.prepareDb(dir);
  const secret = 'cmdline-token-0123456789';
  const base = ['--db', db, '--public-url', sms.PUBLIC_URL, '--twilio-account-sid',
    sms.ACCOUNT_SID, '--twilio-from', sms.FROM];
  for (const form of [['--twilio-auth-token', secret], [`--twilio-auth-token=${secret}`]]) {
    const r = cli(['serve', '--listen', '127.0.0.1:0', ...base, ...form]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not accepted on the command line.*CONNECTHUB_TWILIO_AUTH_TOKEN/);
    assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));
  }
  const config = path.join(dir, 'hub.conf');
  fs.writeFileSync(config, `twilio-auth-token = ${sms.AUTH_TOKEN}\n`, { mode: 0o644 });
  fs.chmodSync(config, 0o644);
  const open = cli(['serve', '--listen', '127.0.0.1:0', ...base, '--config', config]);
  assert.equal(open.status, 2);
  assert.match(open.stderr, /group or others may read it: chmod 600/);
  assert.ok(!open.stderr.includes(sms.AUTH_TOKEN));

  fs.chmodSync(config, 0o600);
  const hub = await startServe([...base, '--config', config]);
  assert.ok(hub.url, hub.err());
  try {
    const r = await sms.sendSms(hub, sms.inboundParams('+15595550177', 'HELP'));
    assert.equal(r.status, 200);  // the signature made with the token verified
    const forged = await sms.sendSms(hub, sms.inboundParams('+15595550177', 'HELP'),
      { signature: sms.sign('/sms/twilio', sms.inboundParams('+15595550177', 'x'), 'wrong') });
    assert.equal(forged.status, 403);
  } finally {
    hub.proc.kill('SIGTERM');
  }
});

test('a cached TwiML reply expires after 48 h and is purged', async () => {
  const dir = tempDir();
  const db = sms.prepareDb(dir);
  const hub = await sms.startHub({ db });
  try {
    const old = sms.newSid();
    const first = await sms.sendSms(hub, sms.inboundParams('+15595550178', 'HELP', old));
    assert.equal(first.status, 200);
    assert.equal(sql(db, `SELECT count(*) FROM inbound_sms WHERE message_sid = '${old}'`), '1');
    // Its redelivery within 48 h gets the same reply and stores nothing.
    const again = await sms.sendSms(hub, sms.inboundParams('+15595550178', 'HELP', old));
    assert.equal(again.text, first.text);
    // 48 h pass (the row is dated back; the hub reads the real clock).
    sql(db, `UPDATE inbound_sms SET at_ms = at_ms - ${48 * 3600e3 + 1000} ` +
      `WHERE message_sid = '${old}'`);
    const fresh = await sms.sendSms(hub, sms.inboundParams('+15595550179', 'HELP'));
    assert.equal(fresh.status, 200);
    assert.equal(sql(db, `SELECT count(*) FROM inbound_sms WHERE message_sid = '${old}'`), '0');
    assert.equal(sql(db, 'SELECT count(*) FROM inbound_sms'), '1');
  } finally {
    await hub.stop();
  }
});

test('a PIN typed into web chat or into an SMS the link parser gives up on is stored redacted',
  async () => {
    const dir = tempDir();
    const db = sms.prepareDb(dir);
    const hub = await sms.startHub({ db });
    try {
      const wsUrl = hub.url.replace('http://', 'ws://');
      const { client } = await hubLib.loginParent({ wsUrl }, { id: '100000001', pin: sms.PIN });
      const typed = `hola, mi NIP es ${sms.PIN}, no puedo ver mi pago`;
      client.send({ type: 'send', id: 'c-pin', text: typed });
      const ack = await client.next((f) => f.type === 'ack' && f.id === 'c-pin');
      const own = await client.next((f) => f.type === 'message' && f.seq === ack.seq);
      assert.equal(own.text, 'hola, mi NIP es ••••••, no puedo ver mi pago');
      await client.close();

      const text = `hi this is 100000001 and my pin would be ${sms.PIN} thanks`;
      const r = await sms.sendSms(hub, sms.inboundParams('+15595550180', text));
      assert.equal(r.status, 200);

      const box = await sms.inbox(hub);
      const bodies = [];
      for (const t of await box.threads()) {
        for (const m of (await box.thread(t.id)).messages) bodies.push(m.text);
      }
      assert.ok(bodies.includes('hola, mi NIP es ••••••, no puedo ver mi pago'));
      assert.ok(bodies.includes('hi this is 100000001 and my pin would be •••••• thanks'));
      assert.ok(!bodies.some((b) => b.includes(sms.PIN)), 'no stored message holds the PIN');
    } finally {
      await hub.stop();
    }
  });
