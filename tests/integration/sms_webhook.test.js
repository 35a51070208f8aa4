'use strict';
// SPEC §5 inbound: signatures, idempotency, linking, keywords, English and Spanish answers.
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/sms_helpers');

let dir; let db; let hub; let api;

test.before(async () => {
  dir = h.tempDir();
  db = h.prepareDb(dir);
  api = await h.fakeTwilio();
  hub = await h.startHub({ db, apiBase: api.base });
});

test.after(async () => {
  if (hub) {
    await hub.stop();
    // No PIN, auth token, phone number or message text in any log line.
    const log = hub.stderr();
    for (const secret of [h.PIN, '924681', h.AUTH_TOKEN, '+15557770010', '5557770010', 'cuánto debo']) {
      assert.ok(!log.includes(secret), 'log leaks a secret or personal data');
    }
  }
  if (api) await api.close();
});

async function threadOf(box, predicate) {
  const threads = await box.threads();
  return threads.find((t) => t.channel === 'sms' && predicate(t));
}

test('a bad or missing signature gets 403 and nothing is stored', async () => {
  const params = h.inboundParams('+15557770001', 'cuánto debo');
  const wrongToken = h.sign('/sms/twilio', params, 'not-the-token');
  let r = await h.sendSms(hub, params, { signature: wrongToken });
  assert.equal(r.status, 403);
  r = await h.sendSms(hub, params, { signature: null });
  assert.equal(r.status, 403);
  // Tampered body: signed for another text.
  const signed = h.sign('/sms/twilio', { ...params, Body: 'hola' });
  r = await h.sendSms(hub, params, { signature: signed });
  assert.equal(r.status, 403);
  // Signed for another URL.
  r = await h.sendSms(hub, params, { signature: h.sign('/sms/twilio/status', params) });
  assert.equal(r.status, 403);
  const box = await h.inbox(hub);
  const threads = await box.threads();
  for (const t of threads) {
    const full = await box.thread(t.id);
    for (const m of full.messages) assert.notEqual(m.text, 'cuánto debo');
  }
  // The same MessageSid properly signed is then answered normally (nothing was recorded).
  r = await h.sendSms(hub, params);
  assert.equal(r.status, 200);
  assert.ok(h.parseTwiml(r.text).length >= 1);
});

test('garbage bodies are rejected cleanly', async () => {
  for (const body of ['Body=%zz', 'a=%', '=x', 'Body=%C3']) {
    const res = await h.post(hub.url + '/sms/twilio', body, { 'x-twilio-signature': 'x' });
    assert.equal(res.status, 400, body);
  }
  const params = h.inboundParams('not-a-phone', 'hi');
  assert.equal((await h.sendSms(hub, params)).status, 400);
  const huge = h.inboundParams('+15557770002', 'x'.repeat(20000));
  const res = await h.sendSms(hub, huge);
  assert.equal(res.status, 413);
});

test('a retried MessageSid stores nothing new and gets the same TwiML', async () => {
  const from = '+15557770003';
  const params = h.inboundParams(from, 'how do I pay');
  const first = await h.sendSms(hub, params);
  assert.equal(first.status, 200);
  assert.match(first.type, /xml/);
  const second = await h.sendSms(hub, params);
  assert.equal(second.status, 200);
  assert.equal(second.text, first.text);
  const messages = h.parseTwiml(first.text);
  assert.ok(messages.length >= 1);
  const box = await h.inbox(hub);
  const threads = await box.threads();
  let count = 0;
  for (const t of threads.filter((x) => x.channel === 'sms')) {
    const full = await box.thread(t.id);
    count += full.messages.filter((m) => m.from === 'participant' && m.text === 'how do I pay').length;
  }
  assert.equal(count, 1);
});

test('an unlinked number gets general answers and is told how to link', async () => {
  const [answer] = await h.text(hub, '+15557770004', 'what is my balance');
  assert.match(answer, /Participant ID/);
  assert.doesNotMatch(answer, /667/);
  const [es] = await h.text(hub, '+15557770005', '¿cuánto debo?');
  assert.match(es, /participante/i);
  assert.doesNotMatch(es, /667/);
});

test('link flow: bad PIN, good PIN, case answers in the parent\'s language, PIN never stored',
  async () => {
    const from = '+15557770010';
    const [bad] = await h.text(hub, from, '100000001 924681');
    assert.match(bad, /no coinciden|do not match/);
    const [good] = await h.text(hub, from, 'ID 100000001 PIN ' + h.PIN);
    assert.match(good, /Maria/);
    assert.match(good, /vinculado/);  // Maria's language is Spanish
    const [balance] = await h.text(hub, from, 'cuánto debo');
    assert.match(balance, /667/);
    const box = await h.inbox(hub);
    const thread = await threadOf(box, (t) => t.participant && t.participant.participant_id === '100000001');
    assert.ok(thread, 'linked SMS thread visible');
    const full = await box.thread(thread.id);
    const texts = full.messages.map((m) => m.text).join('\n');
    assert.ok(!texts.includes(h.PIN), 'PIN stored');
    assert.ok(!texts.includes('924681'), 'wrong PIN stored');
    assert.match(texts, /100000001/);
    assert.match(texts, /••••••/);
  });

test('English case answers for an English-speaking parent; UNLINK removes the link', async () => {
  const from = '+15557770011';
  const [linked] = await h.text(hub, from, '100000002-135791');
  assert.match(linked, /John/);
  assert.match(linked, /linked/);
  const [pay] = await h.text(hub, from, 'when was my last payment');
  assert.match(pay, /83\.08/);
  const [unlinked] = await h.text(hub, from, 'unlink');
  assert.match(unlinked, /no longer linked/);
  const [after] = await h.text(hub, from, 'when was my last payment');
  assert.doesNotMatch(after, /83\.08/);
  const [again] = await h.text(hub, from, 'UNLINK');
  assert.match(again, /not linked/);
  const [es] = await h.text(hub, '+15557770012', 'DESVINCULAR');
  assert.match(es, /no está vinculado/);
});

test('lockout after repeated bad PINs, shared with the web login', async () => {
  const from = '+15557770020';
  const replies = [];
  for (let i = 0; i < 5; i += 1) replies.push((await h.text(hub, from, `100000002 11111${i}`))[0]);
  assert.match(replies[0], /do not match|no coinciden/);
  assert.match(replies[4], /Too many|Demasiados/);
  const [locked] = await h.text(hub, from, '100000002 135791');  // right PIN, still locked
  assert.match(locked, /Too many|Demasiados/);
  // Still not linked: no case answers.
  const [pay] = await h.text(hub, from, 'when was my last payment');
  assert.doesNotMatch(pay, /83\.08/);
});

test('HELP, INFO and AYUDA get the help text with the agency phone numbers', async () => {
  for (const [word, re] of [['HELP', /Child Support/], ['info', /Child Support/],
    ['Ayuda', /Manutención/], ['¡AYÚDA!', /Manutención/]]) {
    const [help] = await h.text(hub, '+15557770030', word);
    assert.match(help, re, word);
    assert.match(help, /1-866-901-3212/);
    assert.match(help, /STOP|ALTO/);
  }
});

test('every opt-out keyword: one confirmation, then nothing; START family opts back in', async () => {
  const words = ['STOP', 'stopall', 'Unsubscribe', 'CANCEL', 'end', 'QUIT', 'ALTO', 'parar'];
  let n = 40;
  for (const word of words) {
    n += 1;
    const from = `+155577700${n}`;
    const [confirm] = await h.text(hub, from, word);
    assert.ok(confirm, `confirmation for ${word}`);
    if (word === 'ALTO' || word === 'parar') assert.match(confirm, /Ya no recibirá/);
    else assert.match(confirm, /no longer get texts/);
    assert.deepEqual(await h.text(hub, from, 'what is my balance'), [], `silence after ${word}`);
    assert.deepEqual(await h.text(hub, from, word), [], `one confirmation for ${word}`);
    assert.deepEqual(await h.text(hub, from, 'HELP'), []);
  }
  for (const [i, word] of ['START', 'unstop', 'Yes'].entries()) {
    const from = `+1555777006${i}`;
    await h.text(hub, from, 'STOP');
    const [back] = await h.text(hub, from, word);
    assert.match(back, /again/);
    const [help] = await h.text(hub, from, 'help');
    assert.match(help, /1-866-901-3212/);
  }
  // The inbox shows the opt-out.
  const box = await h.inbox(hub);
  const threads = (await box.threads()).filter((t) => t.channel === 'sms');
  assert.ok(threads.some((t) => t.opted_out === true));
});

test('YES, START and UNSTOP from a number that is not opted out go to the bot (es, en)', async () => {
  // A linked Spanish-speaking parent answering "yes" to the bot.
  const maria = '+15557770080';
  const [linked] = await h.text(hub, maria, '100000001 ' + h.PIN);
  assert.match(linked, /Maria/);
  for (const word of ['yes', 'START', 'Unstop']) {
    const answers = await h.text(hub, maria, word);
    // The bot answers (two misunderstood texts in a row hand the thread to a caseworker, who
    // answers later).
    if (word === 'yes') assert.ok(answers.length >= 1, word);
    for (const a of answers) assert.doesNotMatch(a, /Volverá a recibir|again/, word + ': ' + a);
  }
  // An unlinked English number: general answers, not the opt-in confirmation.
  const other = '+15557770081';
  await h.text(hub, other, 'hello');
  for (const word of ['YES', 'start']) {
    const answers = await h.text(hub, other, word);
    if (word === 'YES') assert.ok(answers.length >= 1, word);
    for (const a of answers) assert.doesNotMatch(a, /get texts .* again|Volverá/, word + ': ' + a);
  }
  // Opted out: YES opts in (once), and then "yes" is for the bot again.
  await h.text(hub, other, 'STOP');
  const [back] = await h.text(hub, other, 'yes');
  assert.match(back, /again/);
  for (const a of await h.text(hub, other, 'yes')) assert.doesNotMatch(a, /again/);
});

test('keywords inside a sentence are ordinary messages', async () => {
  const from = '+15557770070';
  const answers = await h.text(hub, from, 'please stop charging me so much');
  assert.ok(answers.length >= 1);
  assert.doesNotMatch(answers[0], /no longer get texts/);
  const [still] = await h.text(hub, from, 'how do I pay');
  assert.ok(still);
});

test('TwiML is well-formed and XML-escaped', async () => {
  // A caseworker-free check: the reply to any message parses as XML (already done by h.text),
  // and its raw text never carries an unescaped '<' inside a message.
  const r = await h.sendSms(hub, h.inboundParams('+15557770080', '<b>&</b> help me'));
  assert.equal(r.status, 200);
  assert.ok(r.text.startsWith('<?xml'));
  h.parseTwiml(r.text);
});

test('status callbacks are signed too', async () => {
  const params = { MessageSid: 'SM' + '9'.repeat(32), MessageStatus: 'delivered',
    AccountSid: h.ACCOUNT_SID, To: '+15557770090', From: h.FROM, ApiVersion: '2010-04-01' };
  const body = new URLSearchParams(params).toString();
  let res = await h.post(hub.url + '/sms/twilio/status', body, { 'x-twilio-signature': 'bogus' });
  assert.equal(res.status, 403);
  res = await h.post(hub.url + '/sms/twilio/status', body,
    { 'x-twilio-signature': h.sign('/sms/twilio/status', params) });
  assert.ok(res.status === 204 || res.status === 200);
  res = await h.post(hub.url + '/sms/twilio/status', 'MessageStatus=%', {});
  assert.equal(res.status, 400);
});
