'use strict';
// Issue #8, crash safety: parents chat over WebSocket and text by SMS while a caseworker answers by
// SMS through the outbox; the hub is killed with SIGKILL at random moments several times and
// restarted on the same database. Afterwards, through resume, the inbox API and sqlite3: every
// acked chat message and every answered MessageSid is stored exactly once, a re-delivered
// MessageSid gets the same reply and stores nothing, every accepted caseworker reply reached the
// provider (a second send only for the one item in flight at a kill), the database passes
// PRAGMA integrity_check, and no log line of any run carries a PIN, token, text or phone number.
const test = require('node:test');
const assert = require('node:assert/strict');
const { PARENTS, CASEWORKERS, Client, prepare, api, loginCaseworker, loginParent,
  threadHistory } = require('./lib/hub');
const sms = require('./lib/sms_helpers');
const { startFullHub, sql, findSecrets, phoneForms, sleep } = require('./lib/faults');

const KILLS = Number(process.env.CONNECTHUB_CRASH_KILLS || 5);
const SEED = Number(process.env.CONNECTHUB_CRASH_SEED || Date.now() % 100000);
const CHAT_PARENTS = [PARENTS.maria, PARENTS.john, PARENTS.tabs];
const SMS_BOT = '+15595550102';  // John's number: linked, talks to the bot
const SMS_HUMAN = '+15595550101';  // Maria's number: linked, escalated, a caseworker answers

// A small seeded generator (xorshift) so a failing run can be repeated with its seed.
let rngState = SEED * 2654435761 % 4294967296 || 1;
function random() {
  rngState ^= rngState << 13; rngState >>>= 0;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5; rngState >>>= 0;
  return rngState / 4294967296;
}

let prepared; let fake; let hub; let stopping = false;
const logs = [];
const tokens = [];
const counts = { kills: 0, chatAcked: 0, chatResent: 0, smsAnswered: 0, smsRetried: 0,
  replies: 0, duplicateSends: 0, lookups: 0 };
let hubWaiters = [];
const violations = [];  // found by the workers, asserted at the end
let progress = 0;  // acks, answered texts and accepted replies so far

// Resolves with a running hub (waits across a restart).
function currentHub() {
  if (hub) return Promise.resolve(hub);
  return new Promise((r) => hubWaiters.push(r));
}

async function restart() {
  hub = null;
  const next = await startFullHub(prepared.db, { apiBase: fake.base, logs,
    extraArgs: ['--ws-rate', '1000'] });
  hub = next;
  const waiters = hubWaiters;
  hubWaiters = [];
  waiters.forEach((w) => w(next));
}

// The next matching frame, or a rejection as soon as the socket closes (the hub died).
function nextOrClosed(client, pred, timeoutMs) {
  return Promise.race([client.next(pred, timeoutMs),
    client.closed.then(() => { throw new Error('socket closed'); })]);
}

// One parent chatting: sends numbered messages, waits for each ack; after a disconnect resumes
// with its token and resends what was not acked, with the same client id.
function chatWorker(who, index, token) {
  const st = { who, token, lastSeq: 0, acked: new Map(), pending: new Map(), n: 0 };
  st.done = (async () => {
    while (!stopping) {
      const h = await currentHub();
      let client;
      try {
        client = await Client.open(`${h.wsUrl}/ws/chat`);
        if (st.token) client.send({ type: 'resume', token: st.token, after_seq: st.lastSeq });
        else client.send({ type: 'login', participant_id: who.id, pin: who.pin });
        // Argon2id on a loaded 2-core machine takes seconds: be patient with a login.
        const w = await nextOrClosed(client, (f) => f.type === 'welcome' || f.type === 'error',
          20000);
        if (w.type !== 'welcome') throw new Error(`chat ${index}: ${w.code}`);
        if (!st.token) tokens.push(w.token);
        st.token = w.token;
        const resend = [...st.pending.entries()];
        if (resend.length) counts.chatResent += resend.length;
        while (!stopping) {
          let id; let text;
          if (resend.length) [id, text] = resend.shift();
          else {
            st.n += 1;
            id = `p${index}-${st.n}`;
            text = `chat ${index} note ${st.n} what is my balance`;
            st.pending.set(id, text);
          }
          client.send({ type: 'send', id, text });
          const a = await nextOrClosed(client,
            (f) => (f.type === 'ack' || f.type === 'error') && f.id === id, 5000);
          if (a.type !== 'ack') { await sleep(50); resend.push([id, text]); continue; }
          st.pending.delete(id);
          progress += 1;
          const before = st.acked.get(id);
          if (before && before.seq !== a.seq) violations.push(`${id} acked again with a new seq`);
          st.acked.set(id, { seq: a.seq, text });
          st.lastSeq = Math.max(st.lastSeq, a.seq);
        }
        await client.close();
      } catch (e) {
        st.lastError = e.message;
        if (process.env.CONNECTHUB_CRASH_DEBUG) console.log(`chat ${index}: ${e.message}`);
        if (client) client.terminate();
        await sleep(20);
      }
    }
  })();
  return st;
}

// One phone texting the hub; a request that got no answer (the hub died) is delivered again with
// the same MessageSid, as the provider does.
function smsWorker(phone, label) {
  const st = { phone, answered: new Map(), n: 0 };
  st.done = (async () => {
    let retry = null;
    while (!stopping) {
      const h = await currentHub();
      let params;
      if (retry) { params = retry; counts.smsRetried += 1; }
      else {
        st.n += 1;
        params = sms.inboundParams(phone, `${label} text ${st.n} when is my next appointment`);
      }
      try {
        const r = await sms.sendSms(h, params);
        if (r.status !== 200) throw new Error(`webhook ${r.status}`);
        sms.parseTwiml(r.text);
        const prev = st.answered.get(params.MessageSid);
        if (prev) assert.equal(r.text, prev.twiml, 'a re-delivered MessageSid got another reply');
        st.answered.set(params.MessageSid, { body: params.Body, twiml: r.text });
        progress += 1;
        retry = null;
      } catch (e) {
        if (e.code === 'ERR_ASSERTION') throw e;
        retry = params;
        await sleep(20);
      }
    }
  })();
  return st;
}

// The caseworker answering the SMS thread; replies whose POST got a 200 must reach the provider.
function replyWorker(threadId) {
  const st = { accepted: [], n: 0 };
  st.done = (async () => {
    let token = null; let tokenHub = null;
    while (!stopping) {
      const h = await currentHub();
      try {
        if (tokenHub !== h) { token = await loginCaseworker(h, CASEWORKERS.super); tokenHub = h; }
        st.n += 1;
        const text = `caseworker reply ${st.n}`;
        const r = await api(h, 'POST', `/api/inbox/threads/${threadId}/reply`,
          { token, body: { text } });
        if (r.status === 200) {
          st.accepted.push({ text, seq: r.json.seq });
          progress += 1;
        }
        await sleep(30 + random() * 60);
      } catch {
        await sleep(20);
      }
    }
  })();
  return st;
}

test.before(async () => {
  prepared = prepare();
  fake = await sms.fakeTwilio();
  await restart();
});

test.after(async () => {
  stopping = true;
  if (hub) await hub.stop();
  if (fake) await fake.close();
});

test(`${KILLS} kill -9 cycles lose nothing acked and store nothing twice (seed ${SEED})`,
  { timeout: 240000 }, async () => {
    // Link both numbers; escalate Maria's SMS thread and let the supervisor claim it.
    await sms.text(hub, SMS_BOT, `${PARENTS.john.id} ${PARENTS.john.pin}`);
    await sms.text(hub, SMS_HUMAN, `${PARENTS.maria.id} ${PARENTS.maria.pin}`);
    await sms.text(hub, SMS_HUMAN, 'I want to talk to an agent');
    const boss = await loginCaseworker(hub, CASEWORKERS.super);
    const listed = await api(hub, 'GET', '/api/inbox/threads?state=all', { token: boss });
    const smsThreads = listed.json.threads.filter((t) => t.channel === 'sms');
    const humanThread = smsThreads.find((t) => t.participant.participant_id === PARENTS.maria.id);
    assert.ok(humanThread, 'Maria\'s SMS thread is in the inbox');
    assert.equal((await api(hub, 'POST', `/api/inbox/threads/${humanThread.id}/claim`,
      { token: boss })).status, 200);

    // Log the parents in once (Argon2id is slow on a loaded machine); then they only resume.
    const welcomes = [];
    for (const who of CHAT_PARENTS) {
      const { client, welcome } = await loginParent(hub, who);
      tokens.push(welcome.token);
      welcomes.push(welcome);
      await client.close();
    }
    const chats = CHAT_PARENTS.map((who, i) => chatWorker(who, i + 1, welcomes[i].token));
    const texts = [smsWorker(SMS_BOT, 'bot'), smsWorker(SMS_HUMAN, 'human')];
    const replies = replyWorker(humanThread.id);
    const killTimes = [];

    for (let k = 0; k < KILLS; k++) {
      // Traffic flows again after the restart, then the kill lands at a random moment.
      const mark = progress;
      await sms.waitFor(() => progress >= mark + 8, { timeout: 60000, what: 'traffic' });
      await sleep(random() * 1000);
      killTimes.push(Date.now());
      await hub.kill9();
      counts.kills += 1;
      await restart();
    }
    await sleep(800);
    stopping = true;
    // Unblock workers waiting for a frame: a graceful restart, so the last state is on disk.
    await hub.stop();
    await restart();
    await Promise.all([...chats, ...texts, replies].map((w) => w.done));

    assert.deepEqual(violations, []);
    // --- chat: resume from seq 0 replays the whole thread; every acked id is there once ---
    for (const st of chats) {
      assert.ok(st.token, `chat ${st.who.id} never logged in: ${st.lastError}`);
      const client = await Client.open(`${hub.wsUrl}/ws/chat`);
      client.send({ type: 'resume', token: st.token, after_seq: 0 });
      const w = await client.next('welcome');
      const messages = [];
      while (messages.length < w.last_seq) {
        // Says what it waited for: a stall names the seq and how much of the thread came back.
        const waited = `replay of chat ${st.who.id}: seq ${messages.length + 1}, ` +
          `${messages.length} of last_seq ${w.last_seq} replayed`;
        messages.push(await Promise.race([
          client.next('message', 30000).catch((e) => { throw new Error(`${waited}: ${e.message}`); }),
          client.closed.then((c) => { throw new Error(`${waited}: socket closed (${c.code})`); })]));
      }
      await client.close();
      assert.deepEqual(messages.map((m) => m.seq), messages.map((_, i) => i + 1),
        'seqs replay in order, each once');
      const own = messages.filter((m) => m.from === 'participant');
      for (const [id, { seq, text }] of st.acked) {
        const copies = own.filter((m) => m.text === text);
        assert.equal(copies.length, 1, `acked ${id} stored exactly once`);
        assert.equal(copies[0].seq, seq, `acked ${id} at its acked seq`);
      }
      const texts1 = own.map((m) => m.text);
      assert.equal(new Set(texts1).size, texts1.length, 'no participant message stored twice');
      counts.chatAcked += st.acked.size;
    }

    // --- SMS: every answered MessageSid's text is in its thread once (inbox API) ---
    const token = await loginCaseworker(hub, CASEWORKERS.super);
    const all = (await api(hub, 'GET', '/api/inbox/threads?state=all', { token })).json.threads;
    const inboundSids = new Set(sql(prepared.db, 'SELECT message_sid FROM inbound_sms'));
    for (const st of texts) {
      const owner = st.phone === SMS_BOT ? PARENTS.john : PARENTS.maria;
      const t = all.find((x) => x.channel === 'sms' && x.participant.participant_id === owner.id);
      const full = await threadHistory(hub, token, t.id);
      const own = full.messages.filter((m) => m.from === 'participant').map((m) => m.text);
      assert.equal(new Set(own).size, own.length, 'no SMS stored twice');
      for (const [sid, { body }] of st.answered) {
        assert.equal(own.filter((x) => x === body).length, 1, 'an answered SMS is stored once');
        assert.ok(inboundSids.has(sid), 'an answered MessageSid is recorded');
      }
      counts.smsAnswered += st.answered.size;
      // The provider delivers a few answered ones again: same reply, nothing new stored.
      const again = [...st.answered.entries()].slice(-3);
      for (const [sid, { body, twiml }] of again) {
        const r = await sms.sendSms(hub, sms.inboundParams(st.phone, body, sid));
        assert.equal(r.status, 200);
        assert.equal(r.text, twiml, 'a re-delivered MessageSid gets the same reply');
      }
      const after = await threadHistory(hub, token, t.id);
      assert.equal(after.messages.length, full.messages.length, 're-delivery stores nothing');
    }

    // --- outbox: every accepted reply is stored once and reaches the provider ---
    const humanFull = await threadHistory(hub, token, humanThread.id);
    const stored = humanFull.messages.filter((m) => m.from === 'caseworker').map((m) => m.text);
    for (const { text } of replies.accepted) {
      assert.equal(stored.filter((x) => x === text).length, 1, 'an accepted reply is stored once');
    }
    counts.replies = replies.accepted.length;
    await sms.waitFor(() => replies.accepted.every(({ text }) =>
      fake.accepted.some((r) => r.form.Body === text)), { timeout: 30000, what: 'outbox drained' });
    const sendTimes = new Map();
    for (const r of fake.requests.filter((x) => x.sid)) {
      sendTimes.set(r.form.Body, (sendTimes.get(r.form.Body) || []).concat([r]));
    }
    for (const [, sends] of sendTimes) {
      if (sends.length > 1) counts.duplicateSends += sends.length - 1;
    }
    // An item in flight at a kill is looked up at the provider after the restart before it is
    // sent again (GET Messages.json): the provider never gets a reply twice.
    counts.lookups = fake.lookups.length;
    assert.equal(counts.duplicateSends, 0, 'a reply reached the provider twice');
    assert.deepEqual(sql(prepared.db, "SELECT count(*) FROM outbox WHERE state IN " +
      "('pending','sending')"), ['0']);

    // --- the database itself ---
    await hub.stop();
    assert.deepEqual(sql(prepared.db, 'PRAGMA integrity_check'), ['ok']);
    assert.deepEqual(sql(prepared.db, 'PRAGMA foreign_key_check'), []);
    await restart();

    // --- logs of every run: no PIN, token, message text or phone number ---
    const secrets = [];
    Object.values(PARENTS).forEach((p) => secrets.push({ kind: 'PIN', value: p.pin }));
    Object.values(CASEWORKERS).forEach((c) => secrets.push({ kind: 'password', value: c.password }));
    tokens.concat([token, boss]).forEach((t) => secrets.push({ kind: 'token', value: t }));
    secrets.push({ kind: 'auth token', value: sms.AUTH_TOKEN });
    for (const phone of [SMS_BOT, SMS_HUMAN]) {
      phoneForms(phone).forEach((v) => secrets.push({ kind: 'phone number', value: v }));
    }
    secrets.push({ kind: 'message text', value: 'what is my balance' });
    secrets.push({ kind: 'message text', value: 'when is my next appointment' });
    secrets.push({ kind: 'message text', value: 'caseworker reply' });
    const text = logs.map((f) => f()).join('\n');
    assert.deepEqual(findSecrets(text, secrets), []);
    assert.ok(text.split('\n').length > KILLS, 'the runs did log');

    console.log(`crash safety (seed ${SEED}): ${JSON.stringify(counts)}`);
    assert.ok(counts.chatAcked > 0 && counts.smsAnswered > 0 && counts.replies > 0);
  });
