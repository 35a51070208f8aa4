'use strict';
// Parents who write in neither English nor Spanish (issue 23): over web chat (npm ws) and SMS
// (webhooks signed with the npm twilio package) the real hub answers with the language's
// interpreter notice, then the same in English and Spanish, and hands the thread to the inbox
// with `interpreter_lang` set.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { PARENTS, CASEWORKERS, prepare, startHub, loginParent, ask, api, loginCaseworker } =
  require('./lib/hub');
const h = require('./lib/sms_helpers');

// Synthetic questions (how much do I owe, when is my payment, ...), one per language.
const QUESTIONS = [
  ['vi', 'Tôi nợ bao nhiêu tiền'],
  ['zh', '我欠多少钱'],
  ['tl', 'Magkano po ang utang ko?'],
  ['ko', '제가 얼마를 빚지고 있나요?'],
  ['ru', 'Когда придёт мой платёж?'],
  ['hy', 'Որքա՞ն եմ պարտք'],
  ['fa', 'چقدر بدهی نفقه دارم؟'],
  ['ar', 'متى يصل الدفع؟'],
];
const EN = 'We got your message. A caseworker will contact you with an interpreter. ' +
  'Interpreters are free: 1-866-901-3212.';
const ES = 'Recibimos su mensaje. Un trabajador de casos se comunicará con usted con un ' +
  'intérprete. Los intérpretes son gratis: 1-866-901-3212.';

// The reviewed sentence of locales/other/<code>.properties.
function notice(code) {
  const file = path.join(__dirname, '..', '..', 'locales', 'other', `${code}.properties`);
  const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('notice='));
  return line.slice('notice='.length);
}

function checkNotice(text, code) {
  assert.equal(text, `${notice(code)}\n\n${EN}\n\n${ES}`, code);
}

test('web chat: each language gets its notice and a waiting thread marked for an interpreter',
  async () => {
    const env = prepare();
    const hub = await startHub(env.db);
    try {
      const boss = await loginCaseworker(hub, CASEWORKERS.super);
      const { client } = await loginParent(hub, PARENTS.john);
      let threadId;
      let n = 0;
      for (const [code, question] of QUESTIONS) {
        const { reply } = await ask(client, `c-${++n}`, question);
        assert.equal(reply.from, 'bot');
        checkNotice(reply.text, code);
        if (threadId === undefined) {
          const all = await api(hub, 'GET', '/api/inbox/threads?state=all', { token: boss });
          threadId = all.json.threads.find((t) => t.channel === 'web' &&
            t.participant.participant_id === PARENTS.john.id).id;
        }
        const view = await api(hub, 'GET', `/api/inbox/threads/${threadId}`, { token: boss });
        assert.equal(view.status, 200);
        assert.equal(view.json.thread.state, 'waiting', code);
        assert.equal(view.json.thread.interpreter_lang, code);
        assert.equal(view.json.thread.lang, 'en');  // the conversation's language stays
        const list = await api(hub, 'GET', '/api/inbox/threads?state=waiting', { token: boss });
        const row = list.json.threads.find((t) => t.id === threadId);
        assert.equal(row.interpreter_lang, code);
        // The caseworker calls with the interpreter line and resolves: the mark goes with it.
        const done = await api(hub, 'POST', `/api/inbox/threads/${threadId}/resolve`,
          { token: boss });
        assert.equal(done.status, 200, done.text);
        await client.next((f) => f.type === 'message' && f.from === 'system');
        const after = await api(hub, 'GET', `/api/inbox/threads/${threadId}`, { token: boss });
        assert.equal(after.json.thread.interpreter_lang, null);
      }
      // English with one foreign word is answered by the bot as usual, with no interpreter.
      const { reply } = await ask(client, `c-${++n}`, 'what is my balance, cảm ơn');
      assert.equal(reply.intent, 'balance');
      const view = await api(hub, 'GET', `/api/inbox/threads/${threadId}`, { token: boss });
      assert.equal(view.json.thread.interpreter_lang, null);
      assert.notEqual(view.json.thread.state, 'waiting');
      await client.close();
    } finally {
      await hub.stop();
      fs.rmSync(env.dir, { recursive: true, force: true });
    }
  });

test('SMS: each language gets its notice in the webhook reply and a waiting thread', async () => {
  const dir = h.tempDir();
  const db = h.prepareDb(dir);
  const twilio = await h.fakeTwilio();
  const hub = await h.startHub({ db, apiBase: twilio.base });
  try {
    const box = await h.inbox(hub);
    const seen = new Set();
    let n = 0;
    for (const [code, question] of QUESTIONS) {
      const from = `+1555888${String(100 + ++n).padStart(4, '0')}`;
      const messages = await h.text(hub, from, question);
      // One reply, whole: a reviewed notice is never cut to the usual two segments.
      assert.equal(messages.length, 1, code);
      checkNotice(messages[0], code);
      const threads = await box.threads();
      const mine = threads.filter((t) => t.channel === 'sms' && !seen.has(t.id));
      assert.equal(mine.length, 1, code);
      seen.add(mine[0].id);
      assert.equal(mine[0].state, 'waiting');
      assert.equal(mine[0].interpreter_lang, code);
      // A second message while waiting is for the caseworker: no second notice.
      assert.deepEqual(await h.text(hub, from, question), []);
    }
    // Spanish with one foreign word: the usual Spanish answer, no interpreter.
    const es = await h.text(hub, '+15558880999', 'cómo pago, salamat');
    assert.equal(es.length, 1);
    assert.ok(!es[0].includes(EN));
    const threads = await box.threads();
    const plain = threads.find((t) => t.channel === 'sms' && !seen.has(t.id));
    assert.equal(plain.interpreter_lang, null);
    // No message text in the log.
    const log = hub.stderr();
    for (const [, question] of QUESTIONS) assert.ok(!log.includes(question));
  } finally {
    await hub.stop();
    await twilio.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('connecthub classify names the language, with intent unknown', () => {
  const { execFileSync } = require('node:child_process');
  const input = QUESTIONS.map(([, q]) => q).concat(['what is my balance, cảm ơn']).join('\n');
  const out = execFileSync(process.env.CONNECTHUB_BINARY, ['classify'], { input, encoding: 'utf8' });
  const lines = out.trim().split('\n').map((l) => l.split('\t'));
  QUESTIONS.forEach(([code], i) => assert.deepEqual(lines[i].slice(0, 2), ['unknown', code]));
  assert.deepEqual(lines[QUESTIONS.length].slice(0, 2), ['balance', 'en']);
});
