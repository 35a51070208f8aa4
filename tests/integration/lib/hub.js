'use strict';
// Shared helpers for the hub's integration tests: a temporary database with a synthetic extract
// (SPEC §6) and caseworkers, the real `connecthub serve` on port 0, a WebSocket client (npm `ws`)
// that queues frames so tests can wait for the next matching one, and a small inbox API client.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const WebSocket = require('ws');
const totp = require('./totp');

const BINARY = process.env.CONNECTHUB_BINARY ||
  path.resolve(__dirname, '../../../build/hub/connecthub');
const ZONE = 'America/Los_Angeles';
const DAY = 86400e3;

const PARENTS = {
  maria: { id: '100000001', pin: '482913', first: 'Maria', last: 'Lopez', lang: 'es' },
  john: { id: '100000002', pin: '135791', first: 'John', last: 'Smith', lang: 'en' },
  ana: { id: '100000003', pin: '246802', first: 'Ana', last: 'Ruiz', lang: 'es' },
  lock: { id: '100000004', pin: '975310', first: 'Luis', last: 'Vega', lang: 'en' },
  tabs: { id: '100000005', pin: '864200', first: 'Rosa', last: 'Diaz', lang: 'en' },
};
const CASEWORKERS = {
  madera: { username: 'jdoe', password: 'madera-password-1', county: 'MADERA', display: 'Ms. Doe' },
  fresno: { username: 'fresno1', password: 'fresno-password-1', county: 'FRESNO' },
  super: { username: 'boss', password: 'supervisor-password-1', supervisor: true },
};

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

// The facts the tests assert on: exact amounts, and dates computed the way a parent reads them.
function makeFacts(now = Date.now()) {
  const lastPaymentMs = now - 20 * DAY;
  const appointmentMs = Math.floor((now + 9 * DAY) / 60000) * 60000;
  return {
    now,
    pastDue: '667.93',
    monthly: '10.00',
    lastPaymentAmount: '83.08',
    lastPaymentDay: isoDay(lastPaymentMs),
    olderPaymentDay: isoDay(now - 50 * DAY),
    appointmentMs,
  };
}

function extract(facts) {
  const p = (who, phone) => ({ participant: { participant_id: who.id, first_name: who.first,
    last_name: who.last, pin: who.pin, phones: [phone], language: who.lang } });
  const lines = [
    p(PARENTS.maria, '+15595550101'), p(PARENTS.john, '+15595550102'),
    p(PARENTS.ana, '+15595550103'), p(PARENTS.lock, '+15595550104'),
    p(PARENTS.tabs, '+15595550105'),
    { case: { case_number: '200000001', county: 'MADERA', status: 'OPEN', opened_date: '2018-01-10',
      monthly_support: facts.monthly, past_due_installment: facts.pastDue, past_due: facts.pastDue,
      participants: [{ participant_id: PARENTS.maria.id, role: 'PAYING' },
        { participant_id: PARENTS.john.id, role: 'RECEIVING' },
        { participant_id: PARENTS.lock.id, role: 'RECEIVING' },
        { participant_id: PARENTS.tabs.id, role: 'RECEIVING' }] } },
    { case: { case_number: '200000002', county: 'FRESNO', status: 'OPEN', opened_date: '2020-05-01',
      monthly_support: '250.00', past_due_installment: '0.00', past_due: '0.00',
      participants: [{ participant_id: PARENTS.ana.id, role: 'PAYING' }] } },
    { order: { case_number: '200000001', file_date: '2018-03-27', county: 'MADERA',
      court_case_number: 'MCV012345', status: 'ACTIVE' } },
    { payment: { payment_id: 'P-1', case_number: '200000001', date: facts.lastPaymentDay,
      amount: facts.lastPaymentAmount, type: 'INCOME WITHHOLDING ORDER' } },
    { payment: { payment_id: 'P-2', case_number: '200000001', date: facts.olderPaymentDay,
      amount: '50.00', type: 'INCOME WITHHOLDING ORDER' } },
  ];
  [PARENTS.maria, PARENTS.john].forEach((who, i) => {
    lines.push({ appointment: { appointment_id: `A-${i + 1}`, case_number: '200000001',
      participant_id: who.id, start: new Date(facts.appointmentMs).toISOString(),
      end: new Date(facts.appointmentMs + 1800e3).toISOString(),
      type: 'APPELLATE COURT HEARING', location: 'Madera Superior Court' } });
  });
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

function run(args, input) {
  const r = spawnSync(BINARY, args, { input, encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`connecthub ${args.slice(0, 2).join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

// A temporary directory with an imported database and the caseworkers above.
function prepare(facts = makeFacts()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connecthub-hub-'));
  const db = path.join(dir, 'hub.db');
  const file = path.join(dir, 'extract.jsonl');
  fs.writeFileSync(file, extract(facts));
  run(['import', '--db', db, file]);
  for (const cw of Object.values(CASEWORKERS)) {
    const args = ['caseworker', 'add', '--db', db, '--username', cw.username];
    if (cw.county) args.push('--county', cw.county);
    if (cw.supervisor) args.push('--supervisor');
    if (cw.display) args.push('--display-name', cw.display);
    run(args, `${cw.password}\n`);
    totp.enrol(BINARY, db, cw.username);  // the second factor the hub requires by default
  }
  return { dir, db, facts };
}

// Starts `connecthub serve --listen 127.0.0.1:0`; resolves once it prints its URL.
function startHub(db, extraArgs = [], env = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BINARY, ['serve', '--listen', '127.0.0.1:0', '--db', db, ...extraArgs],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`hub did not start: ${err}`));
    }, 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/ConnectHub listening on (http:\/\/127\.0\.0\.1:(\d+)\/)/);
      if (m) {
        clearTimeout(timer);
        const hub = {
          proc, db, url: m[1], port: Number(m[2]), wsUrl: `ws://127.0.0.1:${m[2]}`,
          stderr: () => err,
          exited: new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal }))),
          async stop() {
            if (proc.exitCode !== null || proc.signalCode !== null) return;
            proc.kill('SIGTERM');
            const t = setTimeout(() => proc.kill('SIGKILL'), 8000);
            await hub.exited;
            clearTimeout(t);
          },
        };
        resolve(hub);
      }
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}: ${err}`));
    });
  });
}

// A WebSocket client that queues incoming frames; next() waits for the next frame matching a
// predicate (frames before it that do not match are kept for later calls).
class Client {
  constructor(ws) {
    this.ws = ws;
    this.frames = [];
    this.waiters = [];
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) =>
      resolve({ code, reason: reason.toString() })));
    ws.on('message', (data, isBinary) => {
      const text = data.toString();
      const frame = isBinary ? { binary: text } : JSON.parse(text);
      this.frames.push(frame);
      this.pump();
    });
  }

  static open(url, options = {}) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new Client(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (req, res) => {
        reject(Object.assign(new Error(`unexpected response ${res.statusCode}`),
          { status: res.statusCode }));
      });
    });
  }

  pump() {
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      const idx = this.frames.findIndex(w.pred);
      if (idx >= 0) {
        const [frame] = this.frames.splice(idx, 1);
        this.waiters.splice(i--, 1);
        clearTimeout(w.timer);
        w.resolve(frame);
      }
    }
  }

  next(pred = () => true, timeoutMs = 10000) {
    if (typeof pred === 'string') {
      const type = pred;
      pred = (f) => f.type === type;
    }
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out waiting for a frame; queued: ${JSON.stringify(this.frames)}`));
      }, timeoutMs);
      this.waiters.push(w);
      this.pump();
    });
  }

  send(obj) {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  close() {
    this.ws.close();
    return this.closed;
  }

  terminate() {
    this.ws.terminate();
    return this.closed;
  }
}

// Opens /ws/chat and logs `who` in; resolves { client, welcome } (replayed frames stay queued).
async function loginParent(hub, who, extra = {}) {
  const client = await Client.open(`${hub.wsUrl}/ws/chat`);
  client.send({ type: 'login', participant_id: who.id, pin: who.pin, ...extra });
  const welcome = await client.next((f) => f.type === 'welcome' || f.type === 'error');
  if (welcome.type !== 'welcome') throw new Error(`login failed: ${JSON.stringify(welcome)}`);
  return { client, welcome };
}

// Sends a message; resolves { ack, replies } where replies are the message frames up to and
// including the bot's answer (or the `count` frames after the parent's own).
async function ask(client, id, text) {
  client.send({ type: 'send', id, text });
  const ack = await client.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === id);
  if (ack.type !== 'ack') throw new Error(`send failed: ${JSON.stringify(ack)}`);
  const own = await client.next((f) => f.type === 'message' && f.seq === ack.seq);
  const reply = await client.next((f) => f.type === 'message' && f.seq === ack.seq + 1);
  return { ack, own, reply };
}

async function api(hub, method, urlPath, { token, body, raw } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload;
  if (raw !== undefined) {
    payload = raw;
    headers['content-type'] = 'application/json';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(new URL(urlPath, hub.url), { method, headers, body: payload,
    signal: AbortSignal.timeout(10000) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text, headers: res.headers };
}

// The login body of a caseworker enrolled by prepare(): password and a fresh TOTP code.
async function loginBody(hub, cw) {
  return { username: cw.username, password: cw.password,
    code: await totp.nextCode(hub.db, cw.username) };
}

async function loginCaseworker(hub, cw) {
  const r = await api(hub, 'POST', '/api/inbox/login', { body: await loginBody(hub, cw) });
  if (r.status !== 200) throw new Error(`caseworker login failed: ${r.status} ${r.text}`);
  return r.json.token;
}

// A thread's whole history through the inbox API, paging back with ?before_seq= while the hub
// says there is older ("load older"); the detail of the newest page with every message in it.
async function threadHistory(hub, token, id, limit = 0) {
  const size = limit ? `&limit=${limit}` : '';
  const first = await api(hub, 'GET', `/api/inbox/threads/${id}?${size.slice(1)}`, { token });
  if (first.status !== 200) throw new Error(`thread ${id}: ${first.status}`);
  const detail = first.json;
  let page = detail;
  const pages = [detail.messages];
  while (page.older && page.messages.length) {
    const r = await api(hub, 'GET',
      `/api/inbox/threads/${id}?before_seq=${page.messages[0].seq}${size}`, { token });
    if (r.status !== 200) throw new Error(`thread ${id} page: ${r.status}`);
    page = r.json;
    pages.unshift(page.messages);
  }
  return { ...detail, messages: pages.flat(), pages: pages.length };
}

// "December 2, 2026" / "2 de diciembre de 2026" in the agency's zone.
function longDate(ms, lang) {
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US',
    { timeZone: ZONE, year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(ms));
}

function dayDate(isoDayText, lang) {
  const [y, m, d] = isoDayText.split('-').map(Number);
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US',
    { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

module.exports = { BINARY, PARENTS, CASEWORKERS, Client, prepare, makeFacts, startHub,
  loginParent, ask, api, loginCaseworker, loginBody, threadHistory, longDate, dayDate, run };
