'use strict';
// SPEC §5 reminders: 10 and 2 days before, once each, in the parent's language, only to linked
// opted-in numbers, exactly once across a restart.
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/sms_helpers');

test('reminders fire exactly once each, across a restart', async () => {
  const dir = h.tempDir();
  // A-1 (Maria, es) in 9.5 days: the 10-day reminder; A-2 (John, en) in 1.5 days: the 2-day one;
  // A-3 (Maria) in 30 days: not yet; A-4 (John) in 5 days: 10-day reminder.
  const db = h.prepareDb(dir, { appointmentsInDays: [9.5, 1.5, 30, 5] });
  const api = await h.fakeTwilio();
  // The numbers link (and one opts out) while no reminder run is due (the first run is at start,
  // before any link), so none can slip between a link and its STOP.
  let hub = await h.startHub({ db, apiBase: api.base, env: { CONNECTHUB_REMINDER_INTERVAL_SECONDS: '3600' } });
  const maria = '+15559990001';
  const john = '+15559990002';
  const optedOut = '+15559990003';
  try {
    await h.text(hub, maria, '100000001 ' + h.PIN);
    await h.text(hub, john, '100000002 135791');
    await h.text(hub, optedOut, '100000002 135791');
    await h.text(hub, optedOut, 'STOP');
    // An unlinked number never gets one.
    await h.text(hub, '+15559990004', 'hello');
    await hub.stop();
    hub = null;
    hub = await h.startHub({ db, apiBase: api.base });

    // Linking John's second number told his first one (issue 16): that notice is no reminder.
    const isLinkNotice = (r) => /new phone number ending in 0003/.test(r.form.Body || '');
    const reminders = () => (api.accepted || []).filter((r) => r.form.To !== undefined &&
      !isLinkNotice(r));
    await h.waitFor(() => reminders().length >= 3, { timeout: 15000, what: 'reminders' });
    await hub.kill();
    hub = await h.startHub({ db, apiBase: api.base });
    await h.workerPasses(hub, 2, { scheduler: true });  // two reminder runs, then its outbox
    await h.workerPasses(hub, 2);
    await hub.stop();
    hub = await h.startHub({ db, apiBase: api.base });
    await h.workerPasses(hub, 2, { scheduler: true });
    await h.workerPasses(hub, 2);

    const got = reminders();
    const toMaria = got.filter((r) => r.form.To === maria);
    const toJohn = got.filter((r) => r.form.To === john);
    assert.equal(toMaria.length, 1, 'Maria: the 10-day reminder of A-1 only');
    assert.equal(toJohn.length, 2, 'John: A-2 (2 days) and A-4 (10 days)');
    assert.equal(api.accepted.filter((r) => r.form.To === john && isLinkNotice(r)).length, 1);
    assert.equal(got.filter((r) => r.form.To === optedOut).length, 0);
    assert.equal(got.filter((r) => r.form.To === '+15559990004').length, 0);
    // Spanish for Maria, English for John.
    assert.match(toMaria[0].form.Body, /Madera Superior Court/);
    assert.doesNotMatch(toMaria[0].form.Body, /Questions\?/);
    for (const r of toJohn) assert.match(r.form.Body, /reminder/i);
    for (const r of got) assert.equal(r.form.StatusCallback, h.PUBLIC_URL + '/sms/twilio/status');
  } finally {
    if (hub) await hub.stop();
    await api.close();
  }
});
