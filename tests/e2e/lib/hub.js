'use strict';
// Starts a real `connecthub serve` for browser tests: a temporary directory with a database and
// key file, a synthetic case-data extract imported with `connecthub import`, caseworkers added
// with `connecthub caseworker add`, the server on 127.0.0.1 port 0. Loopback only.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const totp = require('../../integration/lib/totp');

const ROOT = path.resolve(__dirname, '..', '..', '..');

function binary() {
  const candidates = [
    process.env.CONNECTHUB_BINARY,
    path.join(ROOT, 'build-web', 'hub', 'connecthub'),
    path.join(ROOT, 'build', 'hub', 'connecthub'),
  ].filter(Boolean);
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new Error('connecthub binary not found: set CONNECTHUB_BINARY (tried ' + candidates.join(', ') + ')');
}

function isoDate(daysFromToday) {
  const d = new Date(Date.now() + daysFromToday * 86400000);
  return d.toISOString().slice(0, 10);
}
// An appointment `days` from today at `hour`:00 Pacific time (fixed -08:00 offset is fine for a test).
function pacific(days, hour) {
  return isoDate(days) + 'T' + String(hour).padStart(2, '0') + ':00:00-08:00';
}

// Synthetic people and cases (no real person): dates relative to today.
const PARENTS = {
  maria: { participant_id: '100000001', first_name: 'Maria', last_name: 'Lopez', pin: '482913', phones: ['+15595550101'], email: 'maria@example.org', language: 'es' },
  james: { participant_id: '100000002', first_name: 'James', last_name: 'Carter', pin: '735164', phones: ['+15595550102'], email: 'james@example.org', language: 'en' },
  rosa: { participant_id: '100000003', first_name: 'Rosa', last_name: 'Diaz', pin: '246810', phones: ['+15595550103'], email: 'rosa@example.org', language: 'es' },
  lena: { participant_id: '100000004', first_name: 'Lena', last_name: 'Park', pin: '135790', phones: ['+15595550104'], email: 'lena@example.org', language: 'en' },
};
const CASEWORKERS = {
  ana: { username: 'ana.garcia', password: 'correct horse battery 1', county: 'MADERA', display: 'Ana' },
  ben: { username: 'ben.kim', password: 'correct horse battery 2', county: 'MADERA', display: 'Ben' },
};

function extractLines() {
  const p = PARENTS;
  return [
    ...Object.values(p).map((x) => ({ participant: x })),
    { case: { case_number: '200000001', county: 'MADERA', status: 'OPEN', opened_date: '2018-01-10', monthly_support: '250.00', past_due_installment: '50.00', past_due: '667.93',
      participants: [{ participant_id: p.maria.participant_id, role: 'PAYING' }, { participant_id: p.rosa.participant_id, role: 'RECEIVING' }] } },
    { case: { case_number: '200000002', county: 'MADERA', status: 'OPEN', opened_date: '2020-06-01', monthly_support: '410.00', past_due_installment: '100.00', past_due: '1234.50',
      participants: [{ participant_id: p.james.participant_id, role: 'PAYING' }, { participant_id: p.lena.participant_id, role: 'RECEIVING' }] } },
    { order: { case_number: '200000001', file_date: '2018-03-27', county: 'MADERA', court_case_number: 'MCV012345', status: 'ACTIVE' } },
    { order: { case_number: '200000002', file_date: '2020-07-15', county: 'MADERA', court_case_number: 'MCV054321', status: 'ACTIVE' } },
    { payment: { payment_id: 'P-1', case_number: '200000001', date: isoDate(-50), amount: '83.08', type: 'INCOME WITHHOLDING ORDER' } },
    { payment: { payment_id: 'P-2', case_number: '200000001', date: isoDate(-20), amount: '125.00', type: 'INCOME WITHHOLDING ORDER' } },
    { payment: { payment_id: 'P-3', case_number: '200000002', date: isoDate(-12), amount: '412.00', type: 'PERSONAL PAYMENT' } },
    { appointment: { appointment_id: 'A-1', case_number: '200000001', participant_id: p.maria.participant_id, start: pacific(9, 8), end: pacific(9, 9), type: 'APPELLATE COURT HEARING', location: 'Madera Superior Court' } },
    { appointment: { appointment_id: 'A-2', case_number: '200000002', participant_id: p.james.participant_id, start: pacific(6, 10), end: pacific(6, 11), type: 'CASE REVIEW', location: 'Madera County Child Support Office' } },
  ];
}

function run(bin, args, input) {
  const r = spawnSync(bin, args, { input: input || '', encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) {
    throw new Error(`connecthub ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

// Returns {url, dir, logs(), stop()}. Call stop() in after().
async function startHub(opts = {}) {
  const bin = binary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connecthub-e2e-'));
  const db = path.join(dir, 'hub.db');
  const extract = path.join(dir, 'extract.jsonl');
  fs.writeFileSync(extract, extractLines().map((l) => JSON.stringify(l)).join('\n') + '\n');
  run(bin, ['import', '--db', db, extract]);
  for (const cw of Object.values(CASEWORKERS)) {
    // Parents see the display name, never the username.
    run(bin, ['caseworker', 'add', '--db', db, '--username', cw.username, '--county', cw.county,
      '--display-name', cw.display], cw.password + '\n');
    totp.enrol(bin, db, cw.username);  // the inbox requires the second factor by default
  }
  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--db', db, ...(opts.args || [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hub did not start in 20 s:\n' + out)), 20000);
    const onData = (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/i.exec(out) || /"url":"(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error('hub exited ' + code + ':\n' + out)); });
  });
  totp.bindUrl(url, db);
  let exited = false;
  const exitPromise = new Promise((r) => child.on('exit', () => { exited = true; r(); }));
  return {
    url,
    dir,
    db,
    bin,
    logs: () => out,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exitPromise;
        clearTimeout(killer);
      }
      if (!process.env.CONNECTHUB_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Adds a supervisor account (all counties) with its second factor to a started hub's database.
function addSupervisor(hub, cw) {
  run(hub.bin, ['caseworker', 'add', '--db', hub.db, '--username', cw.username, '--supervisor'],
    cw.password + '\n');
  totp.enrol(hub.bin, hub.db, cw.username);
}

module.exports = { startHub, addSupervisor, PARENTS, CASEWORKERS, isoDate };
