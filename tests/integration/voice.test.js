'use strict';
// Issue 21: the phone line. Whole calls against the real `connecthub serve`: every webhook signed
// with the npm twilio package's own code, the TwiML parsed with a real XML parser, and each next
// request sent to the URL the last <Gather>'s `action` names, as Twilio does.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const twilio = require('twilio');
const { DOMParser } = require('@xmldom/xmldom');
const { PARENTS, CASEWORKERS, Client, prepare, startHub, loginCaseworker, api } = require('./lib/hub');

const AUTH_TOKEN = 'voice-test-auth-token-0123456789';
const ACCOUNT_SID = 'AC00000000000000000000000000000021';
const PUBLIC_URL = 'https://hub.example.test';
const LINE = '+18669013212';
const AGENT_LINE = '+15550002222';

// Closed all day today in Pacific time (open only the day after tomorrow), as in office_hours.
const today = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', weekday: 'long' })
  .format(new Date());
const NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const openIso = ((NAMES.indexOf(today) + 2) % 7) + 1;

let closed; // { env, hub }: out of office hours
let open; // { env, hub }: in office hours all week
const transcripts = [];

function hubArgs(hours) {
  return ['--public-url', PUBLIC_URL, '--twilio-account-sid', ACCOUNT_SID,
    '--office-hours', hours, '--voice-agent-number', AGENT_LINE];
}

before(async () => {
  const a = prepare();
  closed = { env: a, hub: await startHub(a.db, hubArgs(`${openIso} 08:00-17:00`),
    { CONNECTHUB_TWILIO_AUTH_TOKEN: AUTH_TOKEN }) };
  const b = prepare();
  open = { env: b, hub: await startHub(b.db, hubArgs('1-7 00:00-23:59'),
    { CONNECTHUB_TWILIO_AUTH_TOKEN: AUTH_TOKEN }) };
});

after(async () => {
  for (const side of [closed, open]) {
    if (!side) continue;
    await side.hub.stop();
    // No PIN, auth token or caller number in any log line.
    const log = side.hub.stderr();
    for (const secret of [AUTH_TOKEN, ...Object.values(PARENTS).map((p) => p.pin), '5557771']) {
      assert.ok(!log.includes(secret), 'log leaks a secret or personal data');
    }
    fs.rmSync(side.env.dir, { recursive: true, force: true });
  }
  if (process.env.VOICE_TRANSCRIPT) fs.writeFileSync(process.env.VOICE_TRANSCRIPT, transcripts.join('\n'));
});

// Parses a voice TwiML response with a real XML parser: the verbs in order, each <Gather>'s
// attributes and the <Say>s inside it.
function parseVoice(xml) {
  const errors = [];
  const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') errors.push(msg); } })
    .parseFromString(xml, 'text/xml');
  if (errors.length) throw new Error('malformed TwiML: ' + errors.join('; '));
  const root = doc.documentElement;
  assert.equal(root.nodeName, 'Response');
  const out = { says: [], gather: null, dial: null, hangup: false };
  const say = (n) => {
    assert.ok(['en-US', 'es-US'].includes(n.getAttribute('language')), 'every <Say> names its language');
    out.says.push({ text: n.textContent, lang: n.getAttribute('language') });
  };
  for (let n = root.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    if (n.nodeName === 'Say') say(n);
    else if (n.nodeName === 'Gather') {
      assert.equal(out.gather, null, 'one <Gather> per response');
      const attrs = {};
      for (const a of Array.from(n.attributes)) attrs[a.name] = a.value;
      out.gather = attrs;
      for (let c = n.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === 1) {
          assert.equal(c.nodeName, 'Say');
          say(c);
        }
      }
    } else if (n.nodeName === 'Dial') out.dial = n.textContent;
    else if (n.nodeName === 'Hangup') out.hangup = true;
    else throw new Error('unexpected TwiML verb ' + n.nodeName);
  }
  out.text = out.says.map((s) => s.text).join(' ');
  return out;
}

// One phone call as Twilio places it.
class Call {
  constructor(hub, from, label) {
    this.hub = hub;
    this.from = from;
    this.sid = 'CA' + crypto.randomBytes(16).toString('hex');
    this.action = null;
    this.label = label;
    if (label) transcripts.push(`### ${label}`);
  }

  params(extra) {
    return { AccountSid: ACCOUNT_SID, ApiVersion: '2010-04-01', CallSid: this.sid,
      CallStatus: 'in-progress', Called: LINE, Caller: this.from, Direction: 'inbound',
      From: this.from, FromState: 'CA', To: LINE, ToState: 'CA', ...extra };
  }

  async post(urlPath, params, { signature } = {}) {
    const url = new URL(urlPath, PUBLIC_URL).toString();
    const sig = signature === undefined ? twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params)
      : signature;
    if (signature === undefined) assert.ok(twilio.validateRequest(AUTH_TOKEN, sig, url, params));
    const target = new URL(urlPath, PUBLIC_URL);
    const res = await fetch(new URL(target.pathname + target.search, this.hub.url), {
      method: 'POST', body: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig } });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
  }

  async step(urlPath, extra, label) {
    const r = await this.post(urlPath, this.params(extra));
    assert.equal(r.status, 200, r.text);
    assert.match(r.type, /xml/);
    if (this.label) {
      if (label) transcripts.push(`caller: ${label}`);
      transcripts.push(r.text);
    }
    const twiml = parseVoice(r.text);
    this.action = twiml.gather ? twiml.gather.action : null;
    this.last = twiml;
    return twiml;
  }

  start() { return this.step('/voice/twilio', {}, '(calls)'); }

  // Presses keys at the last <Gather> (its action URL).
  press(digits) {
    assert.ok(this.action, 'the last response had a <Gather> to answer');
    return this.step(this.action, { Digits: digits }, `presses ${digits.replace(/./g, (d) => d)}`);
  }

  // Keys that must not appear in a transcript (a PIN).
  pressSecret(digits) {
    assert.ok(this.action);
    return this.step(this.action, { Digits: digits }, 'enters the PIN');
  }

  say(text, confidence = '0.92') {
    assert.ok(this.action);
    return this.step(this.action, { SpeechResult: text, Confidence: confidence }, `says "${text}"`);
  }

  silence() {
    assert.ok(this.action);
    return this.step(this.action, {}, '(silence)');
  }
}

// Greeting, "parent or guardian", ID read back, PIN: the main menu.
async function signIn(call, who, { spanish = false } = {}) {
  let t = await call.start();
  if (spanish) {
    t = await call.press('9');
    assert.equal(t.gather.language, 'es-US');
    t = await call.say('sí');
  } else {
    t = await call.press('1');
  }
  assert.equal(t.gather.input, 'dtmf', 'IDs are keyed, never spoken');
  assert.equal(t.gather.finishOnKey, '#');
  t = await call.press(who.id);
  assert.ok(t.text.includes(who.id.split('').join(' ')), 'the ID is read back digit by digit: ' + t.text);
  t = await call.press('1');
  assert.equal(t.gather.input, 'dtmf');
  t = await call.pressSecret(who.pin);
  assert.ok(!t.text.includes(who.pin), 'the PIN is never read back');
  return t;
}

// One login per hub: a TOTP code is good once, so a second login would wait for the next one.
const supervisorTokens = new Map();
async function supervisor(hub) {
  if (!supervisorTokens.has(hub)) supervisorTokens.set(hub, await loginCaseworker(hub, CASEWORKERS.super));
  const token = supervisorTokens.get(hub);
  return {
    async voiceThreads() {
      const r = await api(hub, 'GET', '/api/inbox/threads', { token });
      return r.json.threads.filter((t) => t.channel === 'voice');
    },
    async thread(id) { return (await api(hub, 'GET', `/api/inbox/threads/${id}`, { token })).json; },
  };
}

test('English: press 1, ID and PIN, "what\'s my balance" hears the exact amount', async () => {
  const call = new Call(closed.hub, '+15557771001', 'English call: balance, payments, goodbye');
  const t0 = await call.start();
  assert.match(t0.text, /Welcome to Child Support Customer Connect/);
  assert.ok(t0.says.some((s) => s.lang === 'es-US' && /Para español, oprima 9/.test(s.text)));
  assert.equal(t0.gather.input, 'dtmf speech');
  assert.ok(t0.gather.action.startsWith('/voice/'));
  let t = await signIn(call, PARENTS.john);
  assert.match(t.text, /Thank you, John/);
  assert.match(t.text, /Main menu/);
  assert.equal(t.gather.language, 'en-US');

  t = await call.say("what's my balance");
  // $667.93 spoken naturally, the case number digit by digit.
  assert.match(t.text, /667 dollars and 93 cents past due is owed to you/, t.text);
  assert.match(t.text, /Case 2 0 0 0 0 0 0 0 1/);
  assert.doesNotMatch(t.text, /\$/);
  assert.match(t.text, /anything else/i);

  t = await call.say('payments');
  assert.match(t.text, /83 dollars and 8 cents/);
  assert.match(t.text, /say more or press 6/);
  t = await call.say('more');
  assert.match(t.text, /50 dollars/, 'recent payments: the older one too');
  t = await call.say('no thanks');
  assert.ok(t.hangup);
  assert.match(t.text, /Goodbye/);

  // The call is stored as a voice thread: what the caller said and what they heard, no PIN.
  const box = await supervisor(closed.hub);
  const thread = (await box.voiceThreads()).find((x) => x.participant.participant_id === PARENTS.john.id);
  assert.ok(thread, 'a voice thread for the caller');
  assert.equal(thread.caller_number, '+15557771001');
  const full = await box.thread(thread.id);
  const texts = full.messages.map((m) => `${m.from}: ${m.text}`);
  assert.ok(texts.includes("participant: what's my balance"), texts.join('\n'));
  assert.ok(full.messages.some((m) => m.from === 'bot' && /\$667\.93/.test(m.text)));
  assert.ok(!JSON.stringify(full).includes(PARENTS.john.pin));
});

test('Spanish: "Para español, oprima 9", then "cuánto debo" hears the exact amount in Spanish', async () => {
  const call = new Call(closed.hub, '+15557771002', 'Spanish call: 9, balance, last payment, goodbye');
  let t = await signIn(call, PARENTS.maria, { spanish: true });
  assert.match(t.text, /Gracias, Maria/);
  assert.match(t.text, /Menú principal/);
  assert.ok(t.says.every((s) => s.lang === 'es-US'));
  assert.equal(t.gather.language, 'es-US');
  t = await call.say('cuánto debo');
  assert.match(t.text, /usted debe 667 dólares con 93 centavos de manutención atrasada/, t.text);
  assert.match(t.text, /Caso 2 0 0 0 0 0 0 0 1/);
  assert.match(t.text, /¿Algo más\?/);
  t = await call.press('2');
  assert.match(t.text, /83 dólares con 8 centavos/);
  assert.match(t.text, /diga más u oprima 6/);
  t = await call.say('nada más');
  assert.ok(t.hangup);
  assert.match(t.text, /Adiós/);
});

test('a wrong PIN five times locks the participant, on the phone and on web chat', async () => {
  const who = PARENTS.lock;
  const wrong = who.pin === '111111' ? '222222' : '111111';
  // First call: three wrong PINs (the question is asked again twice), then a person is offered.
  const first = new Call(closed.hub, '+15557771003');
  await first.start();
  await first.press('1');
  await first.press(who.id);
  await first.press('1');
  let t = await first.pressSecret(wrong);
  assert.match(t.text, /does not match/);
  t = await first.pressSecret(wrong);
  assert.match(t.text, /does not match/);
  t = await first.pressSecret(wrong);
  assert.match(t.text, /call you back/, 'after the re-asks, a person is offered');
  // Second call, from another number: two more wrong PINs, then even the right one is locked.
  const second = new Call(closed.hub, '+15557771004');
  await second.start();
  await second.press('1');
  await second.press(who.id);
  await second.press('1');
  t = await second.pressSecret(wrong);
  assert.match(t.text, /does not match/);
  t = await second.pressSecret(wrong);
  assert.match(t.text, /locked for 15 minutes/, 'the fifth wrong PIN locks the ID');
  // A third call with the right PIN is still locked out, and hears no case data.
  const third = new Call(closed.hub, '+15557771012');
  await third.start();
  await third.press('1');
  await third.press(who.id);
  await third.press('1');
  t = await third.pressSecret(who.pin);
  assert.match(t.text, /locked for 15 minutes/, t.text);
  assert.doesNotMatch(t.text, /Main menu|dollars/);
  // The same ID is locked on web chat too.
  const client = await Client.open(`${closed.hub.wsUrl}/ws/chat`);
  client.send({ type: 'login', participant_id: who.id, pin: who.pin });
  const answer = await client.next((f) => f.type === 'welcome' || f.type === 'error');
  assert.equal(answer.type, 'error');
  assert.match(JSON.stringify(answer), /lock|too many/i);
  await client.close();
});

test('one calling number guessing PINs across IDs is stopped, and other callers are not', async () => {
  // On the hub that is open all week (its parents are not used for PINs elsewhere). Two wrong
  // PINs for each of two IDs and one for a third: no ID reaches its own limit, the number does.
  const number = '+15557771020';
  async function tryPin(who, pins) {
    const call = new Call(open.hub, number);
    await call.start();
    await call.press('1');
    await call.press(who.id);
    await call.press('1');
    let t;
    for (const pin of pins) t = await call.pressSecret(pin);
    return t;
  }
  const wrong = (who) => (who.pin === '111111' ? '222222' : '111111');
  let t = await tryPin(PARENTS.maria, [wrong(PARENTS.maria), wrong(PARENTS.maria)]);
  assert.match(t.text, /does not match/);
  t = await tryPin(PARENTS.ana, [wrong(PARENTS.ana), wrong(PARENTS.ana)]);
  assert.match(t.text, /does not match/);
  t = await tryPin(PARENTS.lock, [wrong(PARENTS.lock)]);
  assert.match(t.text, /locked/, 'the fifth wrong PIN from one number locks that number');
  // The right PIN of another parent, from that number: still refused, no case data.
  t = await tryPin(PARENTS.tabs, [PARENTS.tabs.pin]);
  assert.match(t.text, /locked/);
  assert.doesNotMatch(t.text, /Main menu|dollars/);
  // The same parent from another number signs in: the IDs themselves are not locked.
  const other = new Call(open.hub, '+15557771021');
  await other.start();
  await other.press('1');
  await other.press(PARENTS.tabs.id);
  await other.press('1');
  t = await other.pressSecret(PARENTS.tabs.pin);
  assert.match(t.text, /Main menu/);
});

test('"agent" out of hours: a callback is offered and queued as a voice thread', async () => {
  const call = new Call(closed.hub, '+15557771005', 'English call out of hours: agent, callback');
  await signIn(call, PARENTS.maria);
  let t = await call.say('agent');
  assert.ok(!t.dial, 'no transfer out of hours');
  assert.match(t.text, new RegExp(`next in on ${NAMES[openIso - 1]}`));
  assert.match(t.text, /call you back at the number you are calling from/);
  assert.doesNotMatch(t.text, /answer you here/, 'a caller is called back, not answered "here"');
  t = await call.press('1');
  assert.ok(t.hangup);
  assert.match(t.text, /will call you back at this number/);
  const box = await supervisor(closed.hub);
  const queued = (await box.voiceThreads()).find((x) => x.caller_number === '+15557771005');
  assert.ok(queued, 'the callback is in the inbox');
  assert.equal(queued.state, 'waiting');
  assert.equal(queued.participant.participant_id, PARENTS.maria.id);
  const full = await box.thread(queued.id);
  assert.ok(full.messages.some((m) => m.from === 'system' && /call back/.test(m.text)));
  assert.ok(!full.messages.some((m) => /answer you here/.test(m.text)), 'what is stored is what was heard');
});

test('0 before signing in, out of hours: the callback thread has the caller\'s number only', async () => {
  const call = new Call(closed.hub, '+15557771006');
  await call.start();
  let t = await call.press('0');
  assert.match(t.text, /call you back/);
  t = await call.say('yes');
  assert.ok(t.hangup);
  const box = await supervisor(closed.hub);
  const queued = (await box.voiceThreads()).find((x) => x.caller_number === '+15557771006');
  assert.ok(queued);
  assert.equal(queued.state, 'waiting');
  assert.equal(queued.participant.participant_id, '');
});

test('silence and wrong keys are asked again at most twice, then a person is offered', async () => {
  const call = new Call(closed.hub, '+15557771007');
  await call.start();
  let t = await call.silence();
  assert.match(t.text, /didn’t hear anything/);
  assert.match(t.text, /say yes or press 1/);
  t = await call.press('7');
  assert.match(t.text, /didn’t get that/);
  t = await call.silence();
  assert.match(t.text, /call you back/, t.text);
  t = await call.press('2');
  assert.ok(t.hangup, 'declining the callback before signing in ends the call');
  // A Participant ID of the wrong length is refused, not read back.
  const other = new Call(closed.hub, '+15557771008');
  await other.start();
  await other.press('1');
  t = await other.press('12345');
  assert.match(t.text, /not a Participant ID/);
  assert.equal(t.gather.finishOnKey, '#');
});

test('in office hours, "agent" and safety words connect the caller to the agent line', async () => {
  const call = new Call(open.hub, '+15557771009', 'English call in office hours: agent');
  await signIn(call, PARENTS.john);
  let t = await call.say('I want to talk to a person');
  assert.equal(t.dial, AGENT_LINE);
  const urgent = new Call(open.hub, '+15557771010');
  await signIn(urgent, PARENTS.ana);
  t = await urgent.say('my ex is threatening to hurt me');
  assert.equal(t.dial, AGENT_LINE);
  assert.match(t.text, /911/);
  const box = await supervisor(open.hub);
  const thread = (await box.voiceThreads()).find((x) => x.caller_number === '+15557771010');
  assert.equal(thread.priority, 'high');
  assert.equal(thread.state, 'waiting');
});

test('a bad signature gets 403 and nothing is stored', async () => {
  const call = new Call(closed.hub, '+15557771011');
  const params = call.params({});
  let r = await call.post('/voice/twilio', params, { signature: 'bm90IGEgc2lnbmF0dXJl' });
  assert.equal(r.status, 403);
  r = await call.post('/voice/twilio', params, {
    signature: twilio.getExpectedTwilioSignature('another-token', PUBLIC_URL + '/voice/twilio', params) });
  assert.equal(r.status, 403);
  // A signed start, then a PIN step with tampered Digits (signed for other keys).
  await call.start();
  await call.press('1');
  await call.press(PARENTS.john.id);
  await call.press('1');
  const url = new URL(call.action, PUBLIC_URL).toString();
  const signed = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, call.params({ Digits: '000000' }));
  r = await call.post(call.action, call.params({ Digits: PARENTS.john.pin }), { signature: signed });
  assert.equal(r.status, 403);
  r = await call.post(call.action, call.params({ Digits: PARENTS.john.pin }), { signature: null });
  assert.equal(r.status, 403);
  // Garbage bodies are 400.
  for (const body of ['CallSid=%zz', 'a=%', '=x']) {
    const res = await fetch(new URL('/voice/twilio', closed.hub.url), { method: 'POST', body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' } });
    assert.ok([400, 403].includes(res.status), body);
  }
  const box = await supervisor(closed.hub);
  assert.ok(!(await box.voiceThreads()).some((x) => x.caller_number === '+15557771011'),
    'no thread for a caller whose PIN step was refused');
});
