'use strict';
// Reminders say the real number of days (counted in the agency's time zone), follow the extract's
// appointment status (a moved appointment: "has moved", then reminders for the new time; a
// cancelled one: a cancellation notice and no reminder), and reach the phones on file of a
// participant whose record says "sms_reminders": true, respecting STOP. English and Spanish.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const h = require('./lib/sms_helpers');

const BINARY = process.env.CONNECTHUB_BINARY || path.resolve(__dirname, '../../build/hub/connecthub');

const DAY = 86400e3;
// Calendar days from `now` to `at` in the agency's zone (America/Los_Angeles).
function localDays(now, at) {
  const day = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles' }).format(new Date(ms));
  return Math.round((Date.parse(day(at)) - Date.parse(day(now))) / DAY);
}

test('reminder texts: real days, moved, cancelled, consent on file, STOP (en, es)', async () => {
  const dir = h.tempDir();
  const now = Date.now();
  const rosa = '+15595550103';     // on file, consented, never texted the hub (es)
  const rosaOff = '+15595550104';  // on file, consented, but texted STOP
  const john = '+15559990002';     // linked by ID and PIN (en); no consent on file
  const appts = [];
  const add = (id, who, ms, status) => {
    const start = new Date(now + ms);
    appts.push({ id, who, at: start.getTime() });
    return { appointment: { appointment_id: id, case_number: '200000001', participant_id: who,
      start: start.toISOString(), end: new Date(start.getTime() + 1800e3).toISOString(),
      type: 'INTERVIEW', location: 'Madera County Child Support Office', ...(status ? { status } : {}) } };
  };
  const extra = [
    { participant: { participant_id: '100000003', first_name: 'Rosa', last_name: 'Diaz', pin: '246810',
      phones: [rosa, rosaOff], language: 'es', sms_reminders: true } },
    { case: { case_number: '200000001', county: 'MADERA', status: 'OPEN', opened_date: '2018-01-10',
      monthly_support: '10.00', past_due_installment: '667.93', past_due: '667.93',
      participants: [{ participant_id: '100000001', role: 'PAYING' }, { participant_id: '100000002', role: 'RECEIVING' },
        { participant_id: '100000003', role: 'RECEIVING' }] } },
  ];
  // 1, 2, 5 and 10 days away (less an hour, so each is inside its window), for both.
  for (const [who, tag] of [['100000003', 'R'], ['100000002', 'J']]) {
    for (const d of [1, 2, 5, 10]) extra.push(add(`${tag}-${d}`, who, d * DAY - 3600e3));
    extra.push(add(`${tag}-moved`, who, 4 * DAY, 'RESCHEDULED'));
    extra.push(add(`${tag}-cancelled`, who, 3 * DAY, 'CANCELLED'));
    extra.push(add(`${tag}-later`, who, 20 * DAY));  // nothing yet
  }
  // First the numbers' own doings (John links, Rosa's second number texts STOP), then the
  // appointments arrive with the next import.
  const participants = extra.filter((l) => !l.appointment);
  const db = h.prepareDb(dir, { now, extra: participants });
  const api = await h.fakeTwilio();
  let hub = await h.startHub({ db, apiBase: api.base });
  await h.text(hub, john, '100000002 135791');
  await h.text(hub, rosaOff, 'STOP');
  await hub.stop();
  const file = path.join(dir, 'appointments.jsonl');
  fs.writeFileSync(file, extra.filter((l) => l.appointment).map((l) => JSON.stringify(l)).join('\n') + '\n');
  const imported = spawnSync(BINARY, ['import', '--db', db, file], { encoding: 'utf8' });
  assert.equal(imported.status, 0, imported.stderr);
  hub = await h.startHub({ db, apiBase: api.base });
  try {
    const sent = () => (api.accepted || []).filter((r) => r.form.To !== undefined);
    // 6 messages each for Rosa and John: four reminders, one moved, one cancelled.
    await h.waitFor(() => sent().filter((r) => r.form.To === rosa || r.form.To === john).length >= 12,
      { timeout: 20000, what: 'reminders' });
    // Two more scheduler runs and the outbox after them: nothing is sent twice.
    await h.workerPasses(hub, 2, { scheduler: true });
    await h.workerPasses(hub, 2);

    const got = sent();
    // REMINDER_TRANSCRIPT=FILE writes the texts sent, by parent (for reviews and closing notes).
    if (process.env.REMINDER_TRANSCRIPT) {
      fs.writeFileSync(process.env.REMINDER_TRANSCRIPT, got.map((r) =>
        `${r.form.To === rosa ? 'Rosa (es)' : r.form.To === john ? 'John (en)' : 'other'}: ${r.form.Body}`)
        .join('\n') + '\n');
    }
    assert.equal(got.filter((r) => r.form.To === rosaOff).length, 0, 'STOP is respected');
    for (const [phone, tag, lang] of [[rosa, 'R', 'es'], [john, 'J', 'en']]) {
      const bodies = got.filter((r) => r.form.To === phone).map((r) => r.form.Body);
      assert.equal(bodies.length, 6, tag + ': ' + bodies.length + ' messages');
      for (const d of [1, 2, 5, 10]) {
        const a = appts.find((x) => x.id === `${tag}-${d}`);
        const n = localDays(now, a.at);
        const phrase = lang === 'en' ? (n === 0 ? 'today' : n === 1 ? 'tomorrow' : `in ${n} days`)
          : (n === 0 ? 'hoy' : n === 1 ? 'mañana' : `en ${n} días`);
        const prefix = lang === 'en' ? 'Child support reminder: ' : 'Recordatorio de manutención de menores: ';
        assert.equal(bodies.filter((b) => b.startsWith(prefix + phrase + ',')).length >= 1, true,
          `${tag}-${d}: "${phrase}"`);
      }
      const moved = bodies.filter((b) => (lang === 'en' ? /has moved\. New time: in \d days/ : /su cita cambió de fecha\. Nueva fecha: en \d días/).test(b));
      assert.equal(moved.length, 1, tag + ': one moved notice');
      const cancelled = bodies.filter((b) => (lang === 'en' ? /is cancelled: .* You do not need to go\./ : /se canceló su cita .* No necesita presentarse\./).test(b));
      assert.equal(cancelled.length, 1, tag + ': one cancellation notice');
      const reminders = bodies.filter((b) => /^(Child support reminder|Recordatorio de manutención)/.test(b));
      assert.equal(reminders.length, 4, tag + ': four reminders, none for the cancelled one');
    }
    // Spanish for Rosa throughout, English for John.
    for (const r of got.filter((x) => x.form.To === rosa)) assert.match(r.form.Body, /Llame al 1-866-901-3212/);
    for (const r of got.filter((x) => x.form.To === john)) assert.match(r.form.Body, /Call 1-866-901-3212/);
  } finally {
    await hub.stop();
    await api.close();
  }
});
