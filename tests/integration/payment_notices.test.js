'use strict';
// Payment notices (issue 23): an import that posts a new payment texts each consenting parent
// once (the receiving parent "was sent to you", the paying parent "posted"), in their language,
// with the case number's last 4 digits only; nothing on a re-import or after a restart, nothing
// for an old payment (history) or a reversal.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./lib/sms_helpers');

const DAY = 86400e3;
// The agency's calendar day (payments are dated in it).
const pacificDay = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles' })
  .format(new Date(ms));
const payment = (id, daysAgo, amount, type = 'INCOME WITHHOLDING ORDER') => ({ payment: {
  payment_id: id, case_number: '200000001', date: pacificDay(Date.now() - daysAgo * DAY), amount,
  type } });
// Maria (es) pays and John (en) receives on 200000001; both consented to texts.
const consent = [
  { participant: { participant_id: '100000001', first_name: 'Maria', last_name: 'Lopez',
    pin: h.PIN, phones: ['+15595550101'], language: 'es', sms_reminders: true } },
  { participant: { participant_id: '100000002', first_name: 'John', last_name: 'Smith',
    pin: '135791', phones: ['+15595550102'], language: 'en', sms_reminders: true } },
];

function importExtract(dir, db, extra) {
  // The base extract's participants without consent are replaced by the consenting ones.
  const lines = h.extract({ extra: [] }).trim().split('\n').map((l) => JSON.parse(l))
    .filter((l) => !l.participant).concat(consent, extra);
  const file = path.join(dir, 'extract-' + Date.now() + '.jsonl');
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const { spawnSync } = require('node:child_process');
  const r = spawnSync(process.env.CONNECTHUB_BINARY, ['import', '--db', db, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test('a new payment texts each consenting parent once; re-imports, history and reversals do not',
  async () => {
    const dir = h.tempDir();
    // A first import of history: P-1 is 20 days old (the helper's), P-OLD 5 days.
    const db = h.prepareDb(dir);
    importExtract(dir, db, [payment('P-OLD', 5, '50.00')]);
    const api = await h.fakeTwilio();
    let hub = await h.startHub({ db, apiBase: api.base });
    const sent = () => api.accepted.filter((r) => r.form.To !== undefined);
    const about = (needle) => sent().filter((r) => r.form.Body.includes(needle));
    try {
      // A new payment arrives with the next import, with a reversal and a backfilled old one.
      importExtract(dir, db, [payment('P-OLD', 5, '50.00'), payment('P-2', 0, '120.00'),
        payment('P-REV', 0, '-120.00', 'REVERSAL'), payment('P-BACK', 30, '75.00')]);
      await h.waitFor(() => sent().length >= 2, { timeout: 15000, what: 'payment notices' });
      const toJohn = sent().filter((r) => r.form.To === '+15595550102');
      const toMaria = sent().filter((r) => r.form.To === '+15595550101');
      assert.equal(toJohn.length, 1);
      assert.equal(toMaria.length, 1);
      assert.match(toJohn[0].form.Body, /^Child support: a payment of \$120\.00 dated .+ was sent to you on case ending 0001\./);
      assert.match(toMaria[0].form.Body, /^Manutención: su pago de \$?120[.,]00.* se registró en el caso que termina en 0001\./);
      for (const r of sent()) assert.ok(!r.form.Body.includes('200000001'), 'full case number');

      // A re-import, then a restart, then a later payment: the later one is texted (so the runs
      // after the re-import and the restart have happened), P-2 never again.
      importExtract(dir, db, [payment('P-OLD', 5, '50.00'), payment('P-2', 0, '120.00')]);
      await hub.stop();
      hub = await h.startHub({ db, apiBase: api.base });
      importExtract(dir, db, [payment('P-2', 0, '120.00'), payment('P-3', 1, '33.50')]);
      await h.waitFor(() => about('33.50').length >= 2 || about('33,50').length >= 2,
        { timeout: 15000, what: 'the later payment' });
      assert.equal(about('120').length, 2, 'P-2: once per parent');
      assert.equal(sent().length, 4, sent().map((r) => r.form.Body).join('\n'));
      assert.equal(about('50.00').length + about('75.00').length + about('83.08').length, 0);
      // No amount, number or message text in the log.
      const log = hub.stderr();
      for (const secret of ['+15595550101', '+15595550102', '120.00', 'was sent to you']) {
        assert.ok(!log.includes(secret), 'log leaks ' + secret);
      }
    } finally {
      if (hub) await hub.stop();
      await api.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
