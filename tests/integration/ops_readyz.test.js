'use strict';
// Issue 19: /readyz reports the database, the outbox (oldest unsent item's age) and the SMS
// provider (last success and failure) as separate checks, 503 when one fails; /healthz stays
// liveness. The provider is a local fake Twilio REST API that fails on demand.
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/sms_helpers');

let dir; let db; let hub; let api;

test.before(async () => {
  dir = h.tempDir();
  db = h.prepareDb(dir);
  api = await h.fakeTwilio();
  hub = await h.startHub({ db, apiBase: api.base,
    env: { CONNECTHUB_SMS_MAX_ATTEMPTS: '100', CONNECTHUB_READY_OUTBOX_MAX_SECONDS: '1' } });
});

test.after(async () => {
  if (hub) await hub.stop();
  if (api) await api.close();
});

async function readyz() {
  const r = await fetch(hub.url + '/readyz');
  return { status: r.status, json: await r.json() };
}

test('readyz: ok, then the provider and the outbox fail separately, then recover', async () => {
  let r = await readyz();
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.checks.database.status, 'ok');
  assert.equal(r.json.checks.outbox.status, 'ok');
  assert.equal(r.json.checks.outbox.oldest_pending_age_seconds, 0);
  assert.equal(r.json.checks.sms_provider.status, 'ok');
  assert.equal(r.json.checks.sms_provider.last_success, null);

  // The provider fails: a claim notice is retried, the provider check fails, and once the item
  // is older than 1 s the outbox check fails too. /healthz stays 200.
  api.defaultMode = 'status:503';
  const from = '+15595550177';
  await h.text(hub, from, '100000002 135791');
  await h.text(hub, from, 'I want to talk to an agent');
  const box = await h.inbox(hub);
  const thread = (await box.threads()).find((t) => t.channel === 'sms');
  assert.equal((await box.call('POST', `/api/inbox/threads/${thread.id}/claim`)).status, 200);
  r = await h.waitFor(async () => {
    const x = await readyz();
    // Both checks are computed from the outbox rows of separate attempts: wait for both.
    return x.status === 503 && x.json.checks.outbox.status === 'fail' &&
      x.json.checks.sms_provider.status === 'fail' ? x : null;
  }, { what: 'outbox and provider failing' });
  assert.equal(r.json.status, 'unavailable');
  assert.equal(r.json.checks.sms_provider.status, 'fail');
  assert.match(r.json.checks.sms_provider.last_failure, /^\d{4}-\d\d-\d\dT/);
  assert.equal(r.json.checks.database.status, 'ok');
  assert.ok(!JSON.stringify(r.json).includes(from.slice(2)));
  assert.equal((await fetch(hub.url + '/healthz')).status, 200);

  // The provider recovers: the item goes, and every check is ok again.
  api.defaultMode = 'ok';
  r = await h.waitFor(async () => {
    const x = await readyz();
    return x.status === 200 ? x : null;
  }, { what: 'ready again' });
  assert.match(r.json.checks.sms_provider.last_success, /^\d{4}-\d\d-\d\dT/);
  assert.equal(r.json.checks.outbox.oldest_pending_age_seconds, 0);
});
