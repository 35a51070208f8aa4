'use strict';
// Helpers for the reliability and abuse tests (issue #8): one hub serving chat and SMS at once
// (the real binary on port 0, a fake Twilio REST API), kill -9 and restart on the same database,
// every stderr line of every run kept for the secrets scan, and sqlite3 checks of the database.
const { spawnSync } = require('node:child_process');
const hubLib = require('./hub');
const sms = require('./sms_helpers');

// Starts `connecthub serve` with both channels on `db`; pushes a function returning its stderr so
// far onto `logs` (an array the caller owns, one entry per run) when given.
async function startFullHub(db, { apiBase, extraArgs = [], env = {}, logs } = {}) {
  const args = ['--public-url', sms.PUBLIC_URL, '--twilio-account-sid', sms.ACCOUNT_SID,
    '--twilio-from', sms.FROM, '--sms-api-base', apiBase || 'http://127.0.0.1:9', ...extraArgs];
  const hub = await hubLib.startHub(db, args, {
    CONNECTHUB_TWILIO_AUTH_TOKEN: sms.AUTH_TOKEN, CONNECTHUB_SMS_RETRY_BASE_MS: '40',
    CONNECTHUB_SMS_RETRY_MAX_MS: '200', CONNECTHUB_SMS_POLL_MS: '25',
    CONNECTHUB_SMS_SEND_TIMEOUT_MS: '800', ...env });
  // No trailing slash, as sms_helpers expects (`hub.url + '/sms/twilio'`); api() resolves either.
  hub.url = hub.url.replace(/\/$/, '');
  // hub.stderr() keeps growing until the process is gone, kill -9 or not.
  if (logs) logs.push(hub.stderr);
  hub.kill9 = async () => {
    if (hub.proc.exitCode !== null || hub.proc.signalCode !== null) return;
    hub.proc.kill('SIGKILL');
    await hub.exited;
  };
  return hub;
}

// Runs one SQL statement with the sqlite3 CLI; returns its stdout lines.
function sql(db, statement) {
  const r = spawnSync('sqlite3', ['-batch', db, statement], { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.length > 0);
}

// Lines of `text` that contain any of `secrets` (strings); each finding names the secret's kind,
// never the secret itself, so a failure message does not leak it either.
function findSecrets(text, secrets) {
  const findings = [];
  const lines = text.split('\n');
  for (const { kind, value } of secrets) {
    if (!value || value.length < 4) continue;
    lines.forEach((line, i) => {
      if (line.includes(value)) findings.push(`line ${i + 1} contains a ${kind}`);
    });
  }
  return findings;
}

// A phone number in every form a log line could carry it: E.164, digits only, national.
function phoneForms(phone) {
  const digits = phone.replace(/\D/g, '');
  return [phone, digits, digits.slice(-10), encodeURIComponent(phone)];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { startFullHub, sql, findSecrets, phoneForms, sleep };
