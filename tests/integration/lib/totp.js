'use strict';
// The caseworkers' second factor in tests: enrol with the real CLI (`connecthub caseworker
// mfa-enroll`), keep the printed secret, and compute RFC 6238 codes (HMAC-SHA1, 30 s, 6 digits)
// with node's crypto, the way an authenticator app does.
//
// The hub accepts each code once, and only the codes of the current step and one step either
// side. nextCode() hands out the steps of one caseworker in order (now-1, now, now+1) so that
// logins in quick succession each get a fresh valid code; when all three are spent it waits for
// the clock to reach the next step (only tests logging one account in more than three times in
// 30 s ever wait).
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const STEP_MS = 30000;
const secrets = new Map();  // `${db}\n${username}` -> secret (Buffer)
const lastStep = new Map(); // the same key -> the last step handed out
const aliases = new Map();  // a hub's URL -> its database, for helpers that only know the URL

// Lets nextCode() find a hub's secrets by its URL.
function bindUrl(url, db) {
  aliases.set(url.replace(/\/+$/, ''), db);
}
function dbOf(dbOrUrl) {
  return aliases.get(String(dbOrUrl).replace(/\/+$/, '')) || dbOrUrl;
}

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error('not base32');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 4226 HOTP of `counter` under `secret` (a Buffer), `digits` digits.
function hotp(secret, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac('sha1', secret).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) |
    (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 10 ** digits).padStart(digits, '0');
}

function stepAt(ms) {
  return Math.floor(ms / STEP_MS);
}

// Runs `connecthub caseworker mfa-enroll` and parses what it prints once.
function enrol(binary, db, username) {
  const r = spawnSync(binary, ['caseworker', 'mfa-enroll', '--db', db, '--username', username],
    { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`mfa-enroll ${username} failed: ${r.stderr}`);
  const uri = (r.stdout.match(/^otpauth: (otpauth:\/\/totp\/\S+)$/m) || [])[1];
  const secretText = (r.stdout.match(/^secret: ([A-Z2-7]+)$/m) || [])[1];
  if (!uri || !secretText) throw new Error(`mfa-enroll printed no URI/secret: ${r.stdout}`);
  const secret = base32Decode(secretText);
  const key = `${db}\n${username}`;
  secrets.set(key, secret);
  lastStep.delete(key);
  return { uri, secretText, secret, stdout: r.stdout };
}

function secretOf(dbOrUrl, username) {
  return secrets.get(`${dbOf(dbOrUrl)}\n${username}`);
}

// A code the hub has not seen yet for this caseworker (see above).
async function nextCode(dbOrUrl, username) {
  const db = dbOf(dbOrUrl);
  const key = `${db}\n${username}`;
  const secret = secrets.get(key);
  if (!secret) throw new Error(`no TOTP secret enrolled for ${username} in this test`);
  for (;;) {
    const t = Date.now();
    const now = stepAt(t);
    // The previous step's code stays valid only until the current step ends: use it only with
    // a margin, so the hub's clock cannot move past it before the request arrives.
    const oldest = (now + 1) * STEP_MS - t > 5000 ? now - 1 : now;
    const step = Math.max(oldest, (lastStep.get(key) ?? -Infinity) + 1);
    if (step <= now + 1) {
      lastStep.set(key, step);
      return hotp(secret, step);
    }
    await new Promise((r) => setTimeout(r, (now + 1) * STEP_MS - Date.now() + 50));
  }
}

// A copy of a database (a backup, a restore) holds the same enrolled secrets as the original.
function copySecrets(fromDb, toDb) {
  for (const [key, secret] of [...secrets.entries()]) {
    if (!key.startsWith(`${fromDb}\n`)) continue;
    const user = key.slice(fromDb.length + 1);
    secrets.set(`${toDb}\n${user}`, secret);
    if (lastStep.has(key)) lastStep.set(`${toDb}\n${user}`, lastStep.get(key));
  }
}

module.exports = { bindUrl, copySecrets, hotp, stepAt, enrol, secretOf, nextCode, base32Decode, STEP_MS };
