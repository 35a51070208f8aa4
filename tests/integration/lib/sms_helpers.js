'use strict';
// Helpers for the SMS integration tests: a temporary hub (real binary, port 0, temporary database),
// webhooks signed with the npm twilio package's own code, TwiML parsed with a real XML parser, and
// a fake Twilio REST API that records requests and fails on demand.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const twilio = require('twilio');
const { DOMParser } = require('@xmldom/xmldom');
const totp = require('./totp');

const BINARY = process.env.CONNECTHUB_BINARY ||
  path.resolve(__dirname, '../../../build/hub/connecthub');
const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const ACCOUNT_SID = 'AC00000000000000000000000000000001';
const FROM = '+15550001111';
const PUBLIC_URL = 'https://hub.example.test';
const PIN = '482913';
const BASIC_AUTH = 'Basic ' + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64');

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'connecthub-sms-'));
}

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

// A small case-data extract: two participants (es and en) with phones, one case, and
// appointments `appointmentsInDays` days from now; `extra` records are appended.
function extract({ now = Date.now(), appointmentsInDays = [], extra = [] } = {}) {
  const lines = [
    { participant: { participant_id: '100000001', first_name: 'Maria', last_name: 'Lopez',
      pin: PIN, phones: ['+15595550101'], language: 'es' } },
    { participant: { participant_id: '100000002', first_name: 'John', last_name: 'Smith',
      pin: '135791', phones: ['+15595550102'], language: 'en' } },
    { case: { case_number: '200000001', county: 'MADERA', status: 'OPEN', opened_date: '2018-01-10',
      monthly_support: '10.00', past_due_installment: '667.93', past_due: '667.93',
      participants: [{ participant_id: '100000001', role: 'PAYING' },
        { participant_id: '100000002', role: 'RECEIVING' }] } },
    { payment: { payment_id: 'P-1', case_number: '200000001', date: isoDay(now - 20 * 86400e3),
      amount: '83.08', type: 'INCOME WITHHOLDING ORDER' } },
  ];
  appointmentsInDays.forEach((days, i) => {
    const start = new Date(now + days * 86400e3);
    lines.push({ appointment: { appointment_id: `A-${i + 1}`, case_number: '200000001',
      participant_id: i % 2 === 0 ? '100000001' : '100000002', start: start.toISOString(),
      end: new Date(start.getTime() + 1800e3).toISOString(), type: 'APPELLATE COURT HEARING',
      location: 'Madera Superior Court' } });
  });
  lines.push(...extra);
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

function run(args, input) {
  const r = spawnSync(BINARY, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`connecthub ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

// Prepares a database: imports the extract, adds a supervisor caseworker.
function prepareDb(dir, options = {}) {
  const db = path.join(dir, 'hub.db');
  const file = path.join(dir, 'extract.jsonl');
  fs.writeFileSync(file, extract(options));
  run(['import', '--db', db, file]);
  run(['caseworker', 'add', '--db', db, '--username', 'super', '--supervisor'],
    'correct horse battery staple\n');
  totp.enrol(BINARY, db, 'super');
  return db;
}

// Starts `connecthub serve` on port 0. Resolves { url, proc, stop(), kill() }.
function startHub({ db, apiBase, env = {} }) {
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', db,
    '--public-url', PUBLIC_URL, '--twilio-account-sid', ACCOUNT_SID,
    '--twilio-from', FROM, '--sms-api-base', apiBase || 'http://127.0.0.1:9'];
  const proc = spawn(BINARY, args, {
    env: { ...process.env, CONNECTHUB_TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      CONNECTHUB_SMS_RETRY_BASE_MS: '40', CONNECTHUB_SMS_RETRY_MAX_MS: '200',
      CONNECTHUB_SMS_POLL_MS: '25', CONNECTHUB_SMS_SEND_TIMEOUT_MS: '800',
      CONNECTHUB_REMINDER_INTERVAL_SECONDS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${stderr}`)), 20000);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`hub exited ${code}: ${stderr}`)); });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        const hub = {
          url: m[1].replace(/\/$/, ''), db, proc, stderr: () => stderr,
          kill() {
            return new Promise((res) => { proc.once('exit', res); proc.kill('SIGKILL'); });
          },
          stop() {
            return new Promise((res) => { proc.once('exit', (c) => res(c)); proc.kill('SIGTERM'); });
          },
        };
        proc.removeAllListeners('exit');
        resolve(hub);
      }
    });
  });
}

function post(url, body, headers = {}) {
  return fetch(url, { method: 'POST', body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
}

let sidCounter = 0;
function newSid() {
  sidCounter += 1;
  return 'SM' + String(Date.now()).slice(-9) + String(sidCounter).padStart(8, '0') +
    String(process.pid).padStart(6, '0').slice(-6) + 'aaaaaaaaaa'.slice(0, 1);
}

// Twilio's inbound SMS fields.
function inboundParams(from, body, sid = newSid()) {
  return { ToCountry: 'US', ToState: 'CA', SmsMessageSid: sid, NumMedia: '0', ToCity: '',
    FromZip: '93637', SmsSid: sid, FromState: 'CA', SmsStatus: 'received', FromCity: 'MADERA',
    Body: body, FromCountry: 'US', To: FROM, MessagingServiceSid: '', ToZip: '',
    NumSegments: '1', MessageSid: sid, AccountSid: ACCOUNT_SID, From: from, ApiVersion: '2010-04-01' };
}

// Twilio's inbound MMS fields: `media` is [{ url, type }], `url` a string or a function of the
// MessageSid (fakeTwilio's addMedia makes such URLs).
function mmsParams(from, body, media) {
  const params = inboundParams(from, body);
  params.NumMedia = String(media.length);
  media.forEach((m, i) => {
    params['MediaUrl' + i] = typeof m.url === 'function' ? m.url(params.MessageSid) : m.url;
    params['MediaContentType' + i] = m.type;
  });
  return params;
}

// Signs with the npm twilio package and checks the signature with its validator too.
function sign(urlPath, params, token = AUTH_TOKEN) {
  const url = PUBLIC_URL + urlPath;
  const signature = twilio.getExpectedTwilioSignature(token, url, params);
  if (token === AUTH_TOKEN && !twilio.validateRequest(AUTH_TOKEN, signature, url, params)) {
    throw new Error('twilio validateRequest disagrees with getExpectedTwilioSignature');
  }
  return signature;
}

async function sendSms(hub, params, { signature } = {}) {
  const sig = signature === undefined ? sign('/sms/twilio', params) : signature;
  const headers = sig === null ? {} : { 'x-twilio-signature': sig };
  const res = await post(hub.url + '/sms/twilio', new URLSearchParams(params).toString(), headers);
  const text = await res.text();
  return { status: res.status, text, type: res.headers.get('content-type') };
}

// Parses TwiML with a real XML parser; fails the test on anything malformed.
function parseTwiml(xml) {
  const errors = [];
  const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') errors.push(msg); } })
    .parseFromString(xml, 'text/xml');
  if (errors.length) throw new Error('malformed TwiML: ' + errors.join('; '));
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'Response') throw new Error('TwiML root is not <Response>');
  const messages = [];
  for (let n = root.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) {
      if (n.nodeName !== 'Message') throw new Error('unexpected TwiML element ' + n.nodeName);
      messages.push(n.textContent);
    }
  }
  return messages;
}

async function text(hub, from, body, sid) {
  const r = await sendSms(hub, inboundParams(from, body, sid));
  if (r.status !== 200) throw new Error(`webhook ${r.status}: ${r.text}`);
  return parseTwiml(r.text);
}

// A fake Twilio REST API on 127.0.0.1:0. `mode` decides how the next message creations are
// answered: 'ok', 'status:<code>' (e.g. 'status:500'), 'drop' (close the socket), 'slow:<ms>',
// 'created-drop' (create the message, then close the socket without answering, as when the
// answer is lost), 'created-hang' (create it and never answer). `GET .../Messages.json?To=&From=` lists the created messages, newest first,
// like Twilio's message list (recorded in `lookups`, not in `requests`).
async function fakeTwilio() {
  const api = { requests: [], lookups: [], modes: [], defaultMode: 'ok', counter: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (req.method === 'GET' && api.media.has(new URL(req.url, 'http://fake').pathname)) {
        // MMS media (Twilio's Media subresource URLs): { type, body } or { redirect: url }.
        const file = api.media.get(new URL(req.url, 'http://fake').pathname);
        api.mediaRequests.push({ url: req.url, headers: req.headers });
        if (file.auth !== false && req.headers.authorization !== BASIC_AUTH) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"code":20003,"message":"Authenticate"}');
        } else if (file.redirect) {
          res.writeHead(307, { location: file.redirect });
          res.end();
        } else if (file.status) {
          res.writeHead(file.status, { 'content-type': 'application/json' });
          res.end('{"code":20404,"message":"not found"}');
        } else {
          res.writeHead(200, { 'content-type': file.type });
          res.end(file.body);
        }
        return;
      }
      if (req.method === 'GET') {
        const q = new URL(req.url, 'http://fake').searchParams;
        api.lookups.push({ url: req.url, headers: req.headers });
        const messages = api.accepted
          .filter((r) => r.form.To === q.get('To') && (!q.has('From') || r.form.From === q.get('From')))
          .reverse()
          .map((r) => ({ sid: r.sid, to: r.form.To, from: r.form.From, body: r.form.Body,
            status: 'queued', direction: 'outbound-api',
            date_created: r.created.toUTCString().replace('GMT', '+0000') }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ messages, page: 0, page_size: 50 }));
        return;
      }
      const mode = api.modes.length ? api.modes.shift() : api.defaultMode;
      const form = Object.fromEntries(new URLSearchParams(body));
      const record = { method: req.method, url: req.url, headers: req.headers, form, mode };
      api.requests.push(record);
      if (mode === 'drop') { req.socket.destroy(); return; }
      const answer = () => {
        if (mode.startsWith('status:')) {
          const code = Number(mode.slice(7));
          const headers = { 'content-type': 'application/json' };
          if (code === 429) headers['retry-after'] = '0';
          res.writeHead(code, headers);
          res.end(JSON.stringify({ code: code === 400 ? 21211 : 20000 + code,
            message: 'fake failure', status: code }));
          return;
        }
        api.counter += 1;
        const sid = 'SM' + String(api.counter).padStart(32, '0');
        record.sid = sid;
        record.created = new Date();
        api.accepted = (api.accepted || []).concat([record]);
        if (mode === 'created-drop') { req.socket.destroy(); return; }
        if (mode === 'created-hang') return;
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sid, status: 'queued', to: form.To, body: form.Body }));
      };
      if (mode.startsWith('slow:')) setTimeout(answer, Number(mode.slice(5)));
      else answer();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  api.base = `http://127.0.0.1:${server.address().port}`;
  api.close = () => new Promise((r) => { server.closeAllConnections(); server.close(r); });
  api.accepted = [];
  api.server = server;
  api.media = new Map();
  api.mediaRequests = [];
  // Stores a media file; returns its URL as Twilio gives it in MediaUrl{i}.
  api.addMedia = (messageSid, file) => {
    const p = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${messageSid}/Media/ME${String(api.media.size + 1).padStart(32, '0')}`;
    api.media.set(p, file);
    return api.base + p;
  };
  return api;
}

async function waitFor(predicate, { timeout = 10000, interval = 25, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// A counter's value in the hub's /metrics (0 when absent).
async function metric(hub, name) {
  const text = await (await fetch(hub.url + '/metrics')).text();
  const m = text.match(new RegExp('^' + name + '(?:\\{\\})? (\\S+)$', 'm'));
  return m ? Number(m[1]) : 0;
}

// Waits until the SMS worker has completed `n` more passes over the outbox (or, with
// `scheduler`, `n` more reminder runs): an observable point after which anything that was due
// would have been sent. Tests wait on this instead of sleeping to see that nothing more is sent.
async function workerPasses(hub, n = 2, { scheduler = false } = {}) {
  const name = scheduler ? 'connecthub_sms_scheduler_runs_total' : 'connecthub_sms_worker_passes_total';
  const start = await metric(hub, name);
  await waitFor(async () => (await metric(hub, name)) >= start + n,
    { timeout: 15000, interval: 20, what: `${n} more ${name}` });
}

// The caseworker inbox API as a supervisor (sees every thread).
async function inbox(hub) {
  const res = await fetch(hub.url + '/api/inbox/login', { method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'super', password: 'correct horse battery staple',
      code: await totp.nextCode(hub.db, 'super') }) });
  if (res.status !== 200) throw new Error('inbox login ' + res.status);
  const { token } = await res.json();
  const call = async (method, p, body) => {
    const r = await fetch(hub.url + p, { method,
      headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined });
    const t = await r.text();
    return { status: r.status, json: t ? JSON.parse(t) : null };
  };
  return {
    call,
    token,
    async threads() { return (await call('GET', '/api/inbox/threads?state=all')).json.threads; },
    async thread(id) { return (await call('GET', `/api/inbox/threads/${id}`)).json; },
    async reply(id, t) { return call('POST', `/api/inbox/threads/${id}/reply`, { text: t }); },
  };
}

module.exports = {
  AUTH_TOKEN, ACCOUNT_SID, FROM, PUBLIC_URL, PIN, tempDir, prepareDb, startHub, sendSms, sign,
  inboundParams, mmsParams, parseTwiml, text, fakeTwilio, waitFor, inbox, metric, workerPasses, newSid, post, extract,
};
