'use strict';
// Issue 17 item 7: a parent who left the web chat before the caseworker answered learns of the
// reply. The first reply of an absence queues one short SMS, without the reply's content, to
// the parent's linked or consented numbers, in their language; the next login shows the reply
// first, marked new (welcome's new_from_seq, and a replay that reaches back to it). A parent
// still connected gets the reply live and no SMS; an opted-out number gets nothing.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./lib/sms_helpers');
const { Client } = require('./lib/hub');

const JOHN = { id: '100000002', pin: '135791', phone: '+15595550102' };  // links his phone by SMS
const MARIA = { id: '100000001', pin: h.PIN, phone: '+15595550101' };   // consent on file, es
const SECRET_REPLY = 'Your hearing moved to room 4B';

// The base extract, with Maria's consent to texts at her phone on file.
function prepare(dir) {
  const db = h.prepareDb(dir);
  const lines = h.extract().trim().split('\n').map((l) => JSON.parse(l));
  for (const l of lines) {
    if (l.participant && l.participant.participant_id === MARIA.id) l.participant.sms_reminders = true;
  }
  const file = path.join(dir, 'consent.jsonl');
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const { spawnSync } = require('node:child_process');
  const r = spawnSync(process.env.CONNECTHUB_BINARY || path.join(__dirname, '../../build/hub/connecthub'),
    ['import', '--db', db, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return db;
}

async function login(hub, who) {
  const client = await Client.open(hub.url.replace('http://', 'ws://') + '/ws/chat');
  client.send({ type: 'login', participant_id: who.id, pin: who.pin });
  const welcome = await client.next((f) => f.type === 'welcome' || f.type === 'error');
  assert.equal(welcome.type, 'welcome', JSON.stringify(welcome));
  return { client, welcome };
}

// Asks for a person, and waits until the thread is waiting.
async function askForPerson(client, text) {
  client.send({ type: 'send', id: 'c-' + Math.random().toString(36).slice(2), text });
  await client.next((f) => f.type === 'state' && f.state === 'waiting');
}

test('a reply to a parent who left is announced once by SMS and shown first, marked new, at the next login',
  async () => {
    const dir = h.tempDir();
    const db = prepare(dir);
    const api = await h.fakeTwilio();
    const hub = await h.startHub({ db, apiBase: api.base });
    const to = (phone) => api.accepted.filter((r) => r.form.To === phone);
    try {
      // John links his phone by SMS (answered in TwiML: nothing through the REST API).
      const linked = await h.text(hub, JOHN.phone, `${JOHN.id} ${JOHN.pin}`);
      assert.match(linked.join(' '), /linked/);

      // He asks for a person on the web, then leaves before anyone answers.
      let { client } = await login(hub, JOHN);
      await askForPerson(client, 'I need to talk to a person');
      await client.close();

      const box = await h.inbox(hub);
      const john = (await box.threads()).find((t) => t.participant.participant_id === JOHN.id && t.channel === 'web');
      assert.ok(john, 'John\'s web thread is in the inbox');
      const first = await box.reply(john.id, SECRET_REPLY);
      assert.equal(first.status, 200, JSON.stringify(first.json));
      const second = await box.reply(john.id, 'Bring your letter, please.');
      assert.equal(second.status, 200);
      await h.waitFor(() => to(JOHN.phone).length >= 1, { what: 'the notice to John' });
      const notice = to(JOHN.phone)[0].form.Body;
      assert.match(notice, /a caseworker has answered your chat message/);
      assert.ok(!notice.includes('4B') && !notice.includes('letter'), 'the notice quotes the reply');

      // Maria (Spanish, consent on file, never linked) asks, leaves, is answered: her notice comes
      // after John's second reply was handled, so John's count is final by then.
      ({ client } = await login(hub, MARIA));
      await askForPerson(client, 'quiero hablar con un agente');
      await client.close();
      const maria = (await box.threads()).find((t) => t.participant.participant_id === MARIA.id && t.channel === 'web');
      assert.equal((await box.reply(maria.id, 'Hola Maria, ya revisé su caso.')).status, 200);
      await h.waitFor(() => to(MARIA.phone).length >= 1, { what: 'the notice to Maria' });
      assert.match(to(MARIA.phone)[0].form.Body, /^Departamento de Servicios de Manutención de Menores: un trabajador de casos respondió su mensaje del chat\./);
      assert.ok(!to(MARIA.phone)[0].form.Body.includes('revisé'));
      assert.equal(to(JOHN.phone).length, 1, 'one notice per absence, not per reply');

      // John's next login: the welcome names the first unseen reply and the replay includes it.
      let welcome;
      ({ client, welcome } = await login(hub, JOHN));
      assert.equal(welcome.new_from_seq, first.json.seq);
      const shown = await client.next((f) => f.type === 'message' && f.seq === first.json.seq);
      assert.equal(shown.text, SECRET_REPLY);
      assert.equal(shown.from, 'caseworker');
      await client.next((f) => f.type === 'message' && f.seq === second.json.seq);

      // While he is connected a reply is live, with no SMS.
      const live = await box.reply(john.id, 'Are you still there?');
      await client.next((f) => f.type === 'message' && f.seq === live.json.seq);
      await client.close();
      // Seen: the next login names no unseen reply.
      ({ client, welcome } = await login(hub, JOHN));
      assert.equal(welcome.new_from_seq, undefined);
      await client.close();

      // Maria opts out by SMS; her next absence is answered with no text to her. John's next
      // absence (after her reply) gives him his second notice, so hers would have come by then.
      assert.match((await h.text(hub, MARIA.phone, "STOP")).join(' '), /no recibir|no longer|ya no/i);
      ({ client } = await login(hub, MARIA));
      await client.close();
      assert.equal((await box.reply(maria.id, 'Una pregunta más.')).status, 200);
      assert.equal((await box.reply(john.id, 'One more thing.')).status, 200);
      await h.waitFor(() => to(JOHN.phone).length >= 2, { what: 'John\'s second notice' });
      assert.equal(to(MARIA.phone).length, 1, 'an opted-out number is not texted');

      // No reply text or phone number in the log.
      const log = hub.stderr();
      for (const secret of [SECRET_REPLY, JOHN.phone, MARIA.phone, 'revisé']) {
        assert.ok(!log.includes(secret), 'log leaks ' + secret);
      }
    } finally {
      await hub.stop();
      await api.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
