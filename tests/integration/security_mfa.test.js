'use strict';
// Issue 16 item 6: a TOTP second factor (RFC 6238) for caseworkers, enrolled from the CLI and
// required for the inbox by default; `serve --inbox-mfa off` is for demos only. Real `serve`,
// real sockets, codes computed with node's crypto as an authenticator app does.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { BINARY, CASEWORKERS, prepare, startHub, api, run } = require('./lib/hub');
const totp = require('./lib/totp');

const NEWHIRE = { username: 'newhire', password: 'newhire-password-1', county: 'MADERA' };

let env;
let hub;

before(async () => {
  env = prepare();  // enrols jdoe, fresno1 and boss with `caseworker mfa-enroll`
  run(['caseworker', 'add', '--db', env.db, '--username', NEWHIRE.username, '--county',
    NEWHIRE.county], `${NEWHIRE.password}\n`);
  hub = await startHub(env.db);
});

after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

const login = (h, body) => api(h, 'POST', '/api/inbox/login', { body });
const cw = CASEWORKERS.madera;
const codeAt = (username, step) => totp.hotp(totp.secretOf(env.db, username), step);

test('enrolment prints an otpauth URI with a 160-bit secret, kept sealed in the database',
  () => {
    const out = totp.enrol(BINARY, env.db, 'jdoe');  // re-enrol: a new secret replaces the old
    assert.match(out.uri, /^otpauth:\/\/totp\/ConnectHub:jdoe\?secret=[A-Z2-7]{32}&issuer=ConnectHub&algorithm=SHA1&digits=6&period=30$/);
    assert.ok(out.uri.includes(`secret=${out.secretText}&`));
    assert.equal(out.secret.length, 20);
    const bytes = fs.readFileSync(env.db);
    assert.equal(bytes.indexOf(out.secret), -1, 'raw secret in the database file');
    assert.equal(bytes.indexOf(Buffer.from(out.secretText)), -1, 'base32 secret in the database');
    for (const f of [`${env.db}-wal`]) {
      if (fs.existsSync(f)) assert.equal(fs.readFileSync(f).indexOf(out.secret), -1, f);
    }
    const unknown = spawnSync(BINARY, ['caseworker', 'mfa-enroll', '--db', env.db, '--username',
      'nobody'], { encoding: 'utf8' });
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /nobody: no such caseworker/);
    assert.doesNotMatch(unknown.stdout, /otpauth/);
  });

test('a password without a code, or with a wrong one, is refused', async () => {
  const missing = await login(hub, { username: cw.username, password: cw.password });
  assert.equal(missing.status, 401);
  assert.equal(missing.json.code, 'mfa_required');
  assert.doesNotMatch(missing.text, /token/);
  const now = totp.stepAt(Date.now());
  const valid = new Set([-1, 0, 1].map((d) => codeAt(cw.username, now + d)));
  let wrongCode = '000000';
  while (valid.has(wrongCode)) wrongCode = String(Number(wrongCode) + 1).padStart(6, '0');
  const wrong = await login(hub, { username: cw.username, password: cw.password, code: wrongCode });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.code, 'mfa_failed');
  // A code from five minutes ago is outside the window.
  const old = await login(hub, { username: cw.username, password: cw.password,
    code: codeAt(cw.username, now - 10) });
  assert.equal(old.status, 401);
  assert.equal(old.json.code, 'mfa_failed');
  // A right code with a wrong password tells nothing about the code.
  const badPassword = await login(hub, { username: cw.username, password: 'not-the-password',
    code: codeAt(cw.username, now) });
  assert.equal(badPassword.status, 401);
  assert.equal(badPassword.json.code, undefined);
  const garbage = await login(hub, { username: cw.username, password: cw.password, code: 123456 });
  assert.equal(garbage.status, 400);
});

test('an account without an enrolled second factor cannot log in', async () => {
  const r = await login(hub, { username: NEWHIRE.username, password: NEWHIRE.password,
    code: '123456' });
  assert.equal(r.status, 403);
  assert.equal(r.json.code, 'mfa_not_enrolled');
  assert.match(r.json.error, /caseworker mfa-enroll/);
  assert.doesNotMatch(r.text, /token/);
});

test('the right code logs in, once: a replay of the same code is refused', async () => {
  const code = await totp.nextCode(env.db, cw.username);
  const ok = await login(hub, { username: cw.username, password: cw.password, code });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await api(hub, 'GET', '/api/inbox/me', { token: ok.json.token })).status, 200);
  const replay = await login(hub, { username: cw.username, password: cw.password, code });
  assert.equal(replay.status, 401);
  assert.equal(replay.json.code, 'mfa_failed');
  // Spaces, as authenticator apps show a code, are fine.
  const next = await totp.nextCode(env.db, cw.username);
  const spaced = await login(hub, { username: cw.username, password: cw.password,
    code: `${next.slice(0, 3)} ${next.slice(3)}` });
  assert.equal(spaced.status, 200, spaced.text);
  // Two concurrent logins with one fresh code: exactly one gets in.
  const shared = await totp.nextCode(env.db, cw.username);
  const both = await Promise.all([0, 1].map(() =>
    login(hub, { username: cw.username, password: cw.password, code: shared })));
  assert.deepEqual(both.map((r) => r.status).sort(), [200, 401]);
});

test('after rotate-key the sealed secret still opens (re-sealed under the new key)', async () => {
  const r = spawnSync(BINARY, ['rotate-key', '--db', env.db], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const sealed = spawnSync('sqlite3', [env.db,
    "SELECT hex(substr(totp_secret, 1, 4)) FROM caseworkers WHERE username = 'boss'"],
  { encoding: 'utf8' });
  assert.equal(sealed.stdout.trim(), '00000002');
  const boss = CASEWORKERS.super;
  const ok = await login(hub, { username: boss.username, password: boss.password,
    code: await totp.nextCode(env.db, boss.username) });
  assert.equal(ok.status, 200, ok.text);
});

test('failed codes count in the per-username throttle', async () => {
  const fresno = CASEWORKERS.fresno;
  const now = totp.stepAt(Date.now());
  const valid = new Set([-1, 0, 1, 2].map((d) => codeAt(fresno.username, now + d)));
  const wrong = [];
  for (let i = 0; wrong.length < 10; i++) {
    const c = String(100000 + i * 7919).slice(-6);
    if (!valid.has(c)) wrong.push(c);
  }
  for (const c of wrong) {
    const r = await login(hub, { username: fresno.username, password: fresno.password, code: c });
    assert.equal(r.status, 401);
    assert.equal(r.json.code, 'mfa_failed');
  }
  // Now even the right password with the right code waits.
  const blocked = await login(hub, { username: fresno.username, password: fresno.password,
    code: await totp.nextCode(env.db, fresno.username) });
  assert.equal(blocked.status, 429);
  assert.ok(blocked.json.retry_at);
  // The username is throttled, not the address: another caseworker logs in from it.
  const boss = CASEWORKERS.super;
  const other = await login(hub, { username: boss.username, password: boss.password,
    code: await totp.nextCode(env.db, boss.username) });
  assert.equal(other.status, 200, other.text);
});

test('--inbox-mfa off: the password alone logs in, and the hub says so loudly', async () => {
  const bad = spawnSync(BINARY, ['serve', '--db', env.db, '--inbox-mfa', 'maybe'],
    { encoding: 'utf8', timeout: 30000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--inbox-mfa must be on or off/);
  await hub.stop();
  hub = await startHub(env.db, ['--inbox-mfa', 'off']);
  const ok = await login(hub, { username: NEWHIRE.username, password: NEWHIRE.password });
  assert.equal(ok.status, 200, ok.text);
  assert.match(hub.stderr(), /WARNING: --inbox-mfa off/);
  const wrong = await login(hub, { username: NEWHIRE.username, password: 'not-the-password' });
  assert.equal(wrong.status, 401);
});
