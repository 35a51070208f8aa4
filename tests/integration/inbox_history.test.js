'use strict';
// Issue 19, "one history": a participant's web, SMS and voice threads appear together in the case
// summary of any of them (GET /api/inbox/threads/{id} → participant_threads), within the
// caseworker's scope, each listed one audited.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('./lib/sms_helpers');
const { Client } = require('./lib/hub');

test('the case summary lists the parent\'s conversations on every channel', async () => {
  const dir = h.tempDir();
  const db = h.prepareDb(dir);
  const api = await h.fakeTwilio();
  const hub = await h.startHub({ db, apiBase: api.base });
  try {
    // Maria texts (and links her phone), then chats on the web.
    await h.text(hub, '+15595550101', `100000001 ${h.PIN}`);
    await h.text(hub, '+15595550101', 'cuanto debo');
    const client = await Client.open(hub.url.replace('http://', 'ws://') + '/ws/chat');
    client.send({ type: 'login', participant_id: '100000001', pin: h.PIN });
    await client.next('welcome');
    client.send({ type: 'send', id: 'c-1', text: '¿cuándo es mi cita?' });
    await client.next((f) => f.type === 'message' && f.from === 'bot');
    await client.close();
    // Another number, not hers, is not in her history.
    await h.text(hub, '+15595550177', 'hello');

    const box = await h.inbox(hub);
    const threads = await box.threads();
    const web = threads.find((t) => t.channel === 'web');
    const sms = threads.find((t) => t.channel === 'sms' && t.participant.participant_id === '100000001');
    assert.ok(web && sms);
    for (const [open, other] of [[web, sms], [sms, web]]) {
      const d = await box.thread(open.id);
      assert.deepEqual(d.participant_threads.map((x) => [x.id, x.channel]).sort(),
        [[web.id, 'web'], [sms.id, 'sms']].sort());
      const listed = d.participant_threads.find((x) => x.id === other.id);
      assert.equal(listed.state, other.state);
      assert.ok(listed.messages >= 2);
      assert.ok(Date.parse(listed.last_message_at) > 0);
      const raw = JSON.stringify(d.participant_threads);
      assert.ok(!raw.includes('cuanto') && !raw.includes('cita'), 'no message text in the list');
    }
    // Listing the other thread is audited.
    const audit = await box.call('GET', `/api/inbox/audit?thread_id=${sms.id}`);
    assert.ok(audit.json.entries.some((e) => e.action === 'list'));
    // An unlinked number's thread has no participant: no history.
    const stranger = threads.find((t) => t.channel === 'sms' && !t.participant.participant_id);
    assert.deepEqual((await box.thread(stranger.id)).participant_threads, []);
  } finally {
    await hub.stop();
    await api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
