'use strict';
// Issue 19: correcting imported data while the hub runs (hub/API.md "Extract corrections"). An
// operator imports a reversed payment, then deletes a payment and an appointment, with
// `connecthub import` from another process; the running hub's answers follow within its re-read
// interval, and the caseworker's case summary agrees. A bad line is reported by number and the
// good lines of the same file are kept.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BINARY, PARENTS, CASEWORKERS, prepare, makeFacts, startHub, loginParent, ask, api,
  loginCaseworker } = require('./lib/hub');

const facts = makeFacts();
let env;
let hub;
before(async () => {
  env = prepare(facts);
  hub = await startHub(env.db);
});
after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

let files = 0;
function importLines(lines) {
  const file = path.join(env.dir, `correction-${++files}.jsonl`);
  fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return spawnSync(BINARY, ['import', '--db', env.db, file], { encoding: 'utf8' });
}

// Asks until the answer matches `re` (the hub re-reads case data within about a second of an
// import by another process), at most 10 s.
let asked = 0;
async function answerUntil(client, text, re) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const { reply } = await ask(client, `q-${++asked}`, text);
    if (re.test(reply.text)) return reply.text;
    if (Date.now() > deadline) assert.fail(`"${text}" never answered ${re}: ${reply.text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a reversed payment, a deleted payment and a deleted appointment leave the answers', async () => {
  const { client } = await loginParent(hub, PARENTS.john);
  let text = await answerUntil(client, 'when was my last payment', /\$83\.08/);
  assert.match(text, /\$83\.08/, 'before: P-1');
  // The caseworker's case summary lists it too (the thread is in the bot's hands: a supervisor
  // sees every thread).
  const token = await loginCaseworker(hub, CASEWORKERS.super);
  const summaryPayments = async () => {
    const list = await api(hub, 'GET', '/api/inbox/threads', { token });
    const thread = list.json.threads.find((t) => t.participant && t.participant.participant_id === PARENTS.john.id);
    assert.ok(thread, 'John\'s thread is in the inbox');
    const detail = await api(hub, 'GET', `/api/inbox/threads/${thread.id}`, { token });
    return { payments: detail.json.cases.flatMap((c) => c.payments || []), detail: detail.json };
  };
  assert.ok((await summaryPayments()).payments.some((p) => p.amount === facts.lastPaymentAmount));

  // P-1 reversed: the last payment is now P-2 ($50.00), and P-1 is not in the history.
  const reversed = importLines([{ payment: { payment_id: 'P-1', case_number: '200000001',
    date: facts.lastPaymentDay, amount: facts.lastPaymentAmount, type: 'INCOME WITHHOLDING ORDER',
    reversed: true } }]);
  assert.equal(reversed.status, 0, reversed.stderr);
  text = await answerUntil(client, 'when was my last payment', /\$50\.00/);
  assert.match(text, /\$50\.00/);
  assert.doesNotMatch(text, /83\.08/);
  const history = (await ask(client, 'h-1', 'show my payment history')).reply.text;
  assert.doesNotMatch(history, /83\.08/, history);

  // A bad line among good ones: reported by its number, the others kept. Then the deletes.
  const mixed = importLines([
    '{"delete":{"payment_id":"P-2"}}',
    '{"delete":{"nothing":"x"}}',
    'not json at all',
    '{"delete":{"appointment_id":"A-2"}}',
  ]);
  assert.notEqual(mixed.status, 0, 'bad lines make import fail');
  assert.match(mixed.stderr, /line 2/);
  assert.match(mixed.stderr, /line 3/);
  text = await answerUntil(client, 'when was my last payment', /no payment|No payments|haven't|not find/i);
  assert.doesNotMatch(text, /\$50\.00|\$83\.08/, 'P-2 deleted: ' + text);
  text = await answerUntil(client, 'when is my next appointment', /no (upcoming )?appointment/i);
  assert.doesNotMatch(text, /Madera Superior Court/, 'A-2 deleted: ' + text);

  // The caseworker's case summary agrees with what the parent was told.
  const { payments, detail } = await summaryPayments();
  assert.ok(!payments.some((p) => p.amount === facts.lastPaymentAmount && !p.reversed),
    'a reversed payment is not shown to the caseworker as a payment: ' + JSON.stringify(payments));
  assert.ok(!payments.some((p) => p.amount === '50.00'), 'a deleted payment is gone');
  assert.ok(!(detail.appointments || []).length, 'the deleted appointment is gone');

  // Maria's own appointment was not touched.
  const { client: maria } = await loginParent(hub, PARENTS.maria);
  const hers = (await ask(maria, 'm-1', 'cuándo es mi próxima cita')).reply.text;
  assert.match(hers, /Madera Superior Court/);
  await maria.close();
  await client.close();
});
