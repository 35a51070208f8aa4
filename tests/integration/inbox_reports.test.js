'use strict';
// Supervisors' reports (GET /api/inbox/reports, issue 19) against a running hub: parents chat over
// /ws/chat, the bot hands some to the inbox, caseworkers reply and resolve through the API; the
// report counts bot answers by intent, escalations, first-reply waits and resolves per day (the
// agency's), county and language, as JSON and as CSV (escaped, no spreadsheet formulas). Only
// supervisors may read it; every read is audited.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { PARENTS, CASEWORKERS, prepare, startHub, loginParent, ask, api, loginCaseworker,
  threadHistory, run } = require('./lib/hub');

const ZONE = 'America/Los_Angeles';
// A county whose name a spreadsheet would run as a formula, with a comma and quotes in it.
const EVIL_COUNTY = '=HYPERLINK("HTTP://X.TEST","Y")';  // as stored (counties are upper case)
const PAT = { id: '100000009', pin: '314159', first: 'Pat', last: 'Quinn', lang: 'en' };

let env;
let hub;
const tokens = {};
const threads = {}; // first name -> thread id

// The agency's calendar day of an instant.
function agencyDay(ms) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit',
    day: '2-digit' }).format(new Date(ms));
}
function addDays(day, n) {
  const d = new Date(day + 'T12:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

before(async () => {
  env = prepare();
  const extra = path.join(env.dir, 'extra.jsonl');
  fs.writeFileSync(extra, [
    { participant: { participant_id: PAT.id, first_name: PAT.first, last_name: PAT.last,
      pin: PAT.pin, phones: ['+15595550109'], language: PAT.lang } },
    { case: { case_number: '200000009', county: EVIL_COUNTY, status: 'OPEN',
      opened_date: '2021-01-01', monthly_support: '1.00', past_due_installment: '0.00',
      past_due: '0.00', participants: [{ participant_id: PAT.id, role: 'PAYING' }] } },
  ].map((l) => JSON.stringify(l)).join('\n') + '\n');
  run(['import', '--db', env.db, extra]);
  hub = await startHub(env.db);  // office hours in the default zone, America/Los_Angeles
  tokens.madera = await loginCaseworker(hub, CASEWORKERS.madera);
  tokens.fresno = await loginCaseworker(hub, CASEWORKERS.fresno);
  tokens.super = await loginCaseworker(hub, CASEWORKERS.super);

  // John, Luis and Rosa (Madera, English) ask something, then for a person; Ana (Fresno,
  // Spanish) and Pat (the odd county) only ask for a person; Maria (Madera, Spanish) only asks.
  const chats = [
    [PARENTS.john, ['what is my balance', 'I want to talk to a person']],
    [PARENTS.lock, ['when is my next appointment', 'I want to talk to a person']],
    [PARENTS.tabs, ['what is my balance', 'I want to talk to a person']],
    [PARENTS.ana, ['quiero hablar con una persona']],
    [PAT, ['I want to talk to a person']],
    [PARENTS.maria, ['cuánto debo']],
  ];
  for (const [who, texts] of chats) {
    const { client } = await loginParent(hub, who);
    for (const [i, text] of texts.entries()) await ask(client, `c-${i + 1}`, text);
    await client.close();
  }
  const list = await api(hub, 'GET', '/api/inbox/threads?state=all', { token: tokens.super });
  for (const th of list.json.threads) threads[th.participant.first_name] = th.id;

  // Madera answers John and Luis (twice each: only the first counts) and resolves John; Rosa and
  // Ana stay unanswered; the supervisor resolves Pat's without a reply.
  for (const name of ['John', 'Luis']) {
    for (const text of ['Hello, this is Ms. Doe.', 'Anything else?']) {
      const r = await api(hub, 'POST', `/api/inbox/threads/${threads[name]}/reply`,
        { token: tokens.madera, body: { text } });
      assert.equal(r.status, 200, r.text);
    }
  }
  let r = await api(hub, 'POST', `/api/inbox/threads/${threads.John}/resolve`,
    { token: tokens.madera });
  assert.equal(r.status, 200, r.text);
  r = await api(hub, 'POST', `/api/inbox/threads/${threads.Pat}/resolve`, { token: tokens.super });
  assert.equal(r.status, 200, r.text);
});
after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

// What the report should hold, from the threads' own histories and the audit log: rows keyed
// "date|county|lang" with intents, escalations, the bounds of each first-reply wait (the
// histories' times are whole seconds) and resolves.
async function expected() {
  const rows = new Map();
  const row = (date, county, lang) => {
    const key = `${date}|${county}|${lang}`;
    if (!rows.has(key)) rows.set(key, { intents: {}, escalations: 0, waits: [], resolved: 0 });
    return rows.get(key);
  };
  for (const id of Object.values(threads)) {
    const h = await threadHistory(hub, tokens.super, id);
    const counties = h.thread.counties.length ? h.thread.counties : [''];
    const lang = h.thread.lang;
    const msgs = h.messages;
    const audit = await api(hub, 'GET', `/api/inbox/audit?thread_id=${id}`, { token: tokens.super });
    for (const county of counties) {
      for (const [i, m] of msgs.entries()) {
        if (m.from !== 'bot' || !m.intent) continue;
        const at = Date.parse(m.at);
        row(agencyDay(at), county, lang).intents[m.intent] =
          (row(agencyDay(at), county, lang).intents[m.intent] || 0) + 1;
        if (m.intent !== 'agent') continue;  // the hand-off: the thread starts waiting
        const r = row(agencyDay(at), county, lang);
        r.escalations += 1;
        const reply = msgs.slice(i + 1).find((x) => x.from === 'caseworker');
        if (reply) {
          const s = (Date.parse(reply.at) - at) / 1000;
          r.waits.push([Math.max(0, s - 1), s]);
        }
      }
      for (const e of audit.json.entries) {
        if (e.action === 'resolve') row(agencyDay(Date.parse(e.at)), county, lang).resolved += 1;
      }
    }
  }
  return rows;
}

function report(query, token = tokens.super) {
  return api(hub, 'GET', `/api/inbox/reports${query}`, { token });
}

test('the report counts intents, escalations, first-reply waits and resolves per day, county ' +
  'and language', async () => {
  const today = agencyDay(Date.now());
  const from = addDays(today, -1);  // the chats may have crossed the agency's midnight
  const r = await report(`?from=${from}&to=${today}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.from, from);
  assert.equal(r.json.to, today);
  const want = await expected();
  const got = new Map(r.json.days.map((d) => [`${d.date}|${d.county}|${d.lang}`, d]));
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  // Ordered by date, county, language.
  const keys = r.json.days.map((d) => [d.date, d.county, d.lang]);
  assert.deepEqual(keys, [...keys].sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1)));
  for (const [key, w] of want) {
    const d = got.get(key);
    assert.deepEqual(d.intents, w.intents, key);
    assert.equal(d.escalations, w.escalations, key);
    assert.equal(d.resolved, w.resolved, key);
    const f = d.first_reply_seconds;
    assert.equal(f.count, w.waits.length, key);
    if (!w.waits.length) {
      assert.equal(f.median, null, key);
      assert.equal(f.p90, null, key);
      continue;
    }
    const lo = Math.min(...w.waits.map((x) => x[0]));
    const hi = Math.max(...w.waits.map((x) => x[1]));
    assert.ok(Number.isInteger(f.median) && f.median >= Math.floor(lo) && f.median <= hi, key);
    assert.ok(Number.isInteger(f.p90) && f.p90 >= f.median && f.p90 <= hi, key);
  }

  // The figures of this scenario, summed over the days.
  const sum = (county, lang, field) => r.json.days
    .filter((d) => d.county === county && d.lang === lang)
    .reduce((n, d) => n + (typeof field === 'function' ? field(d) : d[field]), 0);
  assert.equal(sum('MADERA', 'en', 'escalations'), 3);  // John, Luis, Rosa
  assert.equal(sum('MADERA', 'en', (d) => d.first_reply_seconds.count), 2);  // John, Luis
  assert.equal(sum('MADERA', 'en', 'resolved'), 1);
  assert.equal(sum('MADERA', 'en', (d) => d.intents.balance || 0), 2);
  assert.equal(sum('MADERA', 'en', (d) => d.intents.next_appointment || 0), 1);
  assert.equal(sum('FRESNO', 'es', 'escalations'), 1);
  assert.equal(sum('FRESNO', 'es', (d) => d.first_reply_seconds.count), 0);
  assert.equal(sum(EVIL_COUNTY, 'en', 'escalations'), 1);
  assert.equal(sum(EVIL_COUNTY, 'en', 'resolved'), 1);
  assert.equal(sum('MADERA', 'es', 'escalations'), 0);  // Maria only asked
  assert.ok(sum('MADERA', 'es', (d) => Object.values(d.intents).reduce((a, b) => a + b, 0)) >= 1);
});

test('the default range is the agency\'s last 7 days; days with nothing are not listed',
  async () => {
    const today = agencyDay(Date.now());
    const r = await report('');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.to, today);
    assert.equal(r.json.from, addDays(today, -6));
    assert.ok(r.json.days.length > 0);
    const past = await report('?from=2025-01-01&to=2025-01-31');
    assert.equal(past.status, 200);
    assert.deepEqual(past.json.days, []);
  });

test('CSV: a download with a header row, escaped fields and no formulas', async () => {
  const today = agencyDay(Date.now());
  const from = addDays(today, -1);
  const json = (await report(`?from=${from}&to=${today}`)).json;
  const r = await report(`?from=${from}&to=${today}&format=csv`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(r.headers.get('content-disposition'),
    `attachment; filename="connecthub-report-${from}-${today}.csv"`);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.ok(r.text.endsWith('\r\n'));
  const lines = r.text.slice(0, -2).split('\r\n');
  const header = lines[0].split(',');
  assert.deepEqual(header.slice(0, 8), ['date', 'county', 'language', 'escalations',
    'first_replies', 'first_reply_median_seconds', 'first_reply_p90_seconds', 'resolved']);
  const intents = [...new Set(json.days.flatMap((d) => Object.keys(d.intents)))].sort();
  assert.deepEqual(header.slice(8), intents.map((i) => `intent:${i}`));
  assert.equal(lines.length, json.days.length + 1);
  // The odd county: quoted (comma, quotes) and defused (a leading quote, not a formula).
  const evil = `"'${EVIL_COUNTY.replaceAll('"', '""')}"`;
  assert.ok(lines.some((l) => l.split(',')[1] !== undefined && l.includes(`,${evil},en,`)),
    r.text);
  assert.ok(!/(^|,)[=+\-@]/.test(r.text.replaceAll(evil, '')), 'no cell starts a formula');
  // Each plain row is the JSON row.
  json.days.forEach((d, i) => {
    if (d.county === EVIL_COUNTY) return;
    const f = d.first_reply_seconds;
    const cells = [d.date, d.county, d.lang, d.escalations, f.count, f.median ?? '', f.p90 ?? '',
      d.resolved, ...intents.map((k) => d.intents[k] || 0)].map(String);
    assert.deepEqual(lines[i + 1].split(','), cells, lines[i + 1]);
  });
});

test('supervisors only: 403 for a caseworker, 401 without a token', async () => {
  for (const token of [tokens.madera, tokens.fresno]) {
    const r = await report('', token);
    assert.equal(r.status, 403);
    assert.equal(r.json.error, 'supervisors only');
    assert.equal((await report('?format=csv', token)).status, 403);
  }
  assert.equal((await api(hub, 'GET', '/api/inbox/reports')).status, 401);
});

test('bad dates and formats are 400s that say why', async () => {
  const cases = [
    ['?from=2026-02-30&to=2026-03-01', 'from must be a date YYYY-MM-DD'],
    ['?from=2026-01-01&to=tomorrow', 'to must be a date YYYY-MM-DD'],
    ['?from=2026/01/01', 'from must be a date YYYY-MM-DD'],
    ['?from=2026-03-02&to=2026-03-01', 'from must not be after to'],
    ['?from=2025-01-01&to=2026-01-02', 'a report covers at most 366 days'],
    ['?format=xlsx', 'format must be json or csv'],
  ];
  for (const [q, error] of cases) {
    const r = await report(q);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error, error, q);
  }
  assert.equal((await report('?from=2024-01-01&to=2024-12-31')).status, 200);  // 366 days
});

test('each report read is audited: action "report", thread 0, by the supervisor', async () => {
  const me = await api(hub, 'GET', '/api/inbox/me', { token: tokens.super });
  const rows = async () => (await api(hub, 'GET',
    `/api/inbox/audit?caseworker_id=${me.json.id}&limit=1000`, { token: tokens.super })).json.entries
    .filter((e) => e.action === 'report');
  const before = (await rows()).length;
  assert.equal((await report('')).status, 200);
  assert.equal((await report('?format=csv')).status, 200);
  assert.equal((await report('?from=nonsense')).status, 400);  // refused: nothing was read
  const now = await rows();
  assert.equal(now.length, before + 2);
  assert.equal(now[0].thread_id, 0);
  assert.equal(now[0].caseworker, CASEWORKERS.super.username);
  // A caseworker's refused attempt reads nothing and writes no report row.
  assert.equal((await report('', tokens.madera)).status, 403);
  assert.equal((await rows()).length, before + 2);
});
