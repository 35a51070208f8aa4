'use strict';
// What the bot must not answer, and enforcement (issue 18), over /ws/chat against the real hub
// with the npm `ws` client: out-of-scope questions get a plain no and the right referral, domestic
// trouble goes to a caseworker at once, enforcement gives the payer's own past-due figure, and
// several questions in one message get an answer each.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { PARENTS, prepare, startHub, loginParent, ask, longDate } = require('./lib/hub');

let env;
let hub;

before(async () => {
  env = prepare();
  hub = await startHub(env.db, []);
});

after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

test('es: enforcement for a payer gives the notices and her own past-due balance', async () => {
  const { client } = await loginParent(hub, PARENTS.maria);
  const r = await ask(client, 'enf-1', 'me pueden suspender la licencia si no pago');
  assert.equal(r.reply.intent, 'enforcement');
  assert.match(r.reply.text, /Aviso de Advertencia de Manutención/);
  assert.ok(r.reply.text.includes(`Su saldo vencido: $${env.facts.pastDue}`), r.reply.text);
  const oos = await ask(client, 'oos-1', 'me ayudan a pagar el recibo del agua');
  assert.equal(oos.reply.intent, 'unknown');
  assert.match(oos.reply.text, /No puedo ayudarle con eso aquí/);
  await client.close();
});

test('en: custody gets the facilitator, two questions two answers, domestic trouble a person',
  async () => {
    const { client } = await loginParent(hub, PARENTS.john);
    const custody = await ask(client, 'c-1', 'how do I ask a judge for custody of my boy');
    assert.equal(custody.reply.intent, 'unknown');
    assert.match(custody.reply.text, /family law facilitator/);
    assert.doesNotMatch(custody.reply.text, /\$\d/);

    const two = await ask(client, 'two-1', 'when is my next appointment and is my case still open');
    assert.equal(two.reply.intent, 'next_appointment');
    assert.ok(two.reply.text.includes(longDate(env.facts.appointmentMs, 'en')), two.reply.text);
    assert.match(two.reply.text, /status open/);

    const scared = await ask(client, 'd-1', 'i am scared of my ex, he keeps following me');
    assert.equal(scared.reply.intent, 'unknown');
    assert.match(scared.reply.text, /1-800-799-7233/);
    const waiting = await client.next('state');
    assert.equal(waiting.state, 'waiting');
    await client.close();
  });
