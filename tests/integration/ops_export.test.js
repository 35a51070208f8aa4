'use strict';
// Issue 19, records export: `connecthub export --participant ID` next to a running `serve`, and
// after it stopped. A Spanish parent's web chat (a message with markup) and SMS thread (linked by
// texting the ID and PIN, with a picture), a caseworker's claim, reply (delivered through the
// fake Twilio API and a signed status callback) and note; then the JSON against the inbox API's
// own view, the HTML's language and escaping, the audit rows and chain, file modes, refusals.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const h = require('./lib/sms_helpers');
const { BINARY, loginParent, ask } = require('./lib/hub');

const MARIA = { id: '100000001', pin: h.PIN };  // Spanish
const JOHN = '100000002';                          // English, never wrote
const SMS_FROM = '+15558880101';
const SCRIPT = 'Hola <script>alert("x")</script> & \'adiós\'';
const REPLY = 'Hola María, soy su trabajadora social. ¿En qué le ayudo?';
const NOTE = 'Llamar el lunes <b>urgente</b>';
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);

let dir; let db; let hub; let api;

test.before(async () => {
  dir = h.tempDir();
  db = h.prepareDb(dir);
  api = await h.fakeTwilio();
  hub = await h.startHub({ db, apiBase: api.base });
});

test.after(async () => {
  if (hub) await hub.stop();
  if (api) await api.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function cli(args, options = {}) {
  return spawnSync(BINARY, args, { encoding: 'utf8', timeout: 60000, ...options });
}

// Nothing printed may hold message text, names, PINs or phone numbers.
function assertQuiet(r) {
  for (const secret of [SCRIPT, REPLY, NOTE, 'Hola', 'alert', h.PIN, SMS_FROM, '5558880101',
    'Maria', 'Lopez', 'image/jpeg']) {
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret),
      `output shows ${secret}: ${r.stdout} ${r.stderr}`);
  }
}

async function auditOf(box, id) {
  const r = await box.call('GET', `/api/inbox/audit?thread_id=${id}&limit=1000`);
  assert.equal(r.status, 200);
  return r.json.entries;
}

async function conversations() {
  // Web chat: a message with markup, answered by the bot.
  const { client } = await loginParent({ wsUrl: hub.url.replace(/^http/, 'ws') }, MARIA);
  await ask(client, 'c-1', SCRIPT);
  await client.close();
  // SMS: linked by the ID and PIN, a picture, then a caseworker asked for.
  await h.text(hub, SMS_FROM, `${MARIA.id} ${MARIA.pin}`);
  const picture = h.mmsParams(SMS_FROM, '', [{ type: 'image/jpeg',
    url: (sid) => api.addMedia(sid, { type: 'image/jpeg', body: JPEG }) }]);
  assert.equal((await h.sendSms(hub, picture)).status, 200);
  await h.text(hub, SMS_FROM, 'AGENTE');
  const box = await h.inbox(hub);
  const mine = (await box.threads()).filter((t) => t.participant.participant_id === MARIA.id);
  const web = mine.find((t) => t.channel === 'web');
  const sms = mine.find((t) => t.channel === 'sms');
  assert.ok(web && sms, JSON.stringify(mine));
  assert.equal((await box.call('POST', `/api/inbox/threads/${sms.id}/claim`)).status, 200);
  assert.equal((await box.reply(sms.id, REPLY)).status, 200);
  const req = await h.waitFor(() => api.accepted.find((x) => x.form.Body === REPLY),
    { what: 'reply sent to the provider' });
  await h.waitFor(async () => (await box.thread(sms.id)).messages
    .find((m) => m.text === REPLY && m.delivery === 'sent'), { what: 'reply marked sent' });
  const params = { MessageSid: req.sid, MessageStatus: 'delivered', AccountSid: h.ACCOUNT_SID,
    To: SMS_FROM, From: h.FROM };
  await h.post(hub.url + '/sms/twilio/status', new URLSearchParams(params).toString(),
    { 'x-twilio-signature': h.sign('/sms/twilio/status', params) });
  await h.waitFor(async () => (await box.thread(sms.id)).messages
    .find((m) => m.text === REPLY && m.delivery === 'delivered'), { what: 'reply delivered' });
  const note = await box.call('POST', `/api/inbox/threads/${web.id}/note`, { text: NOTE });
  assert.equal(note.status, 200);
  return { box, web: web.id, sms: sms.id };
}

test('export while serve runs: every message, note, delivery status, picture type and audit ' +
  'row, decrypted; a Spanish page with markup shown as text; audited; never overwritten',
async () => {
  const { box, web, sms } = await conversations();
  // The inbox's own view of both threads (its reads are audited too), then their audit rows.
  const seen = { [web]: (await box.thread(web)).messages, [sms]: (await box.thread(sms)).messages };
  const auditSeen = { [web]: await auditOf(box, web), [sms]: await auditOf(box, sms) };

  const out = path.join(dir, 'export-maria');
  const r = cli(['export', '--db', db, '--participant', MARIA.id, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assertQuiet(r);
  const jsonPath = path.join(out, `participant-${MARIA.id}.json`);
  const htmlPath = path.join(out, `participant-${MARIA.id}.html`);
  assert.ok(r.stdout.includes(`wrote ${jsonPath}\n`), r.stdout);
  assert.ok(r.stdout.includes(`wrote ${htmlPath}\n`), r.stdout);
  assert.equal(fs.statSync(jsonPath).mode & 0o777, 0o600);
  assert.equal(fs.statSync(htmlPath).mode & 0o777, 0o600);
  assert.equal(fs.statSync(out).mode & 0o777, 0o700);

  const text = fs.readFileSync(jsonPath, 'utf8');
  assert.ok(!text.includes('/Media/') && !text.includes(api.base), 'the provider URL is exported');
  const data = JSON.parse(text);
  assert.equal(data.format, 'connecthub-export-1');
  assert.deepEqual(data.participant,
    { participant_id: MARIA.id, first_name: 'Maria', last_name: 'Lopez', lang: 'es' });
  assert.deepEqual(data.threads.map((t) => [t.id, t.channel]), [[web, 'web'], [sms, 'sms']]);
  const byId = Object.fromEntries(data.threads.map((t) => [t.id, t]));
  assert.equal(byId[sms].phone, SMS_FROM);
  for (const id of [web, sms]) {
    // Every message and note, decrypted, exactly as the inbox shows them.
    assert.deepEqual(byId[id].messages, seen[id]);
    assert.deepEqual(byId[id].messages.map((m) => m.seq), seen[id].map((_, i) => i + 1));
    // The audit rows about the thread, oldest first, up to the inbox reads just before.
    assert.deepEqual(byId[id].audit, auditSeen[id].slice().reverse());
  }
  const webMessages = byId[web].messages;
  assert.equal(webMessages[0].from, 'participant');
  assert.equal(webMessages[0].text, SCRIPT);
  assert.equal(webMessages[1].from, 'bot');
  assert.ok(webMessages[1].intent, JSON.stringify(webMessages[1]));
  assert.deepEqual(webMessages.filter((m) => m.from === 'note').map((m) => [m.text, m.caseworker]),
    [[NOTE, 'super']]);
  const smsMessages = byId[sms].messages;
  assert.deepEqual(smsMessages.filter((m) => m.media).map((m) => m.media),
    [[{ index: 0, content_type: 'image/jpeg' }]]);
  const reply = smsMessages.find((m) => m.text === REPLY);
  assert.equal(reply.from, 'caseworker');
  assert.equal(reply.caseworker, 'super');
  assert.equal(reply.delivery, 'delivered');
  assert.ok(byId[sms].audit.some((a) => a.action === 'claim'));
  assert.ok(byId[sms].audit.some((a) => a.action === 'reply'));
  assert.ok(byId[web].audit.some((a) => a.action === 'note'));

  // The printable page: Spanish, self-contained, every text escaped.
  const html = fs.readFileSync(htmlPath, 'utf8');
  assert.match(html, /^<!DOCTYPE html>\n<html lang="es">/);
  assert.match(html, /<title>Registro de conversaciones de Maria Lopez<\/title>/);
  assert.match(html, /Chat web \(conversación \d+\)/);
  assert.ok(html.includes(`Mensajes de texto con el ${SMS_FROM}`));
  assert.match(html, /Entregado/);
  assert.match(html, /Nota interna del personal de la agencia/);
  assert.match(html, /Archivo adjunto 1: image\/jpeg/);
  assert.match(html, /Tomó la conversación/);
  assert.match(html, /@media print/);
  assert.ok(html.includes('Hola &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ' +
    '&apos;adiós&apos;'), 'escaped message');
  assert.ok(html.includes('Llamar el lunes &lt;b&gt;urgente&lt;/b&gt;'), 'escaped note');
  assert.ok(html.includes('¿En qué le ayudo?'));
  assert.doesNotMatch(html, /<script|<b>|<link|<img|src=|href=/i);
  assert.ok(!html.includes('/Media/'));

  // Audited: an "export" row by the operator (caseworker 0) on each thread, the chain intact.
  for (const id of [web, sms]) {
    const rows = (await auditOf(box, id)).filter((e) => e.action === 'export');
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0].caseworker_id, 0);
    assert.equal(rows[0].thread_id, id);
  }
  const verify = cli(['audit', 'verify', '--db', db]);
  assert.equal(verify.status, 0, verify.stderr);
  assert.match(verify.stdout, /audit log intact/);

  // Never overwritten: a second export into the same directory is refused, files unchanged, and
  // nothing more is audited.
  const before = fs.readFileSync(jsonPath, 'utf8');
  const again = cli(['export', '--db', db, '--participant', MARIA.id, '--out', out]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /participant-100000001\.json already exists; nothing was overwritten/);
  assertQuiet(again);
  assert.equal(fs.readFileSync(jsonPath, 'utf8'), before);
  assert.equal((await auditOf(box, web)).filter((e) => e.action === 'export').length, 1);
  // Not even when only the page is there.
  fs.unlinkSync(jsonPath);
  const halfway = cli(['export', '--db', db, '--participant', MARIA.id, '--out', out]);
  assert.equal(halfway.status, 1);
  assert.match(halfway.stderr, /participant-100000001\.html already exists/);
  assert.ok(!fs.existsSync(jsonPath));

  assert.ok(!hub.stderr().includes(SCRIPT) && !hub.stderr().includes(NOTE));
});

test('unknown participant and bad arguments are refused clearly, nothing written', () => {
  const cwd = fs.mkdtempSync(path.join(dir, 'bad-'));
  const unknown = cli(['export', '--db', db, '--participant', '999999999'], { cwd });
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^connecthub export: no participant 999999999; nothing written\n$/);
  const missing = cli(['export', '--db', db], { cwd });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--participant ID is required/);
  const slash = cli(['export', '--db', db, '--participant', '../x'], { cwd });
  assert.equal(slash.status, 2);
  assert.match(slash.stderr, /--participant must be a participant id/);
  const noDb = cli(['export', '--db', path.join(dir, 'absent.db'), '--participant', MARIA.id],
    { cwd });
  assert.equal(noDb.status, 1);
  assert.match(noDb.stderr, /^connecthub export: /);
  assert.deepEqual(fs.readdirSync(cwd), []);
  const help = cli(['--help']);
  assert.match(help.stdout, /\n {2}export +write a participant's conversations/);
});

test('with the hub stopped, into the current directory: an English page, audited on thread 0 ' +
  'for a parent without conversations', async () => {
  await hub.stop();
  hub = null;
  const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
  const r = cli(['export', '--db', db, '--participant', JOHN], { cwd });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(fs.readdirSync(cwd).sort(),
    [`participant-${JOHN}.html`, `participant-${JOHN}.json`]);
  for (const f of fs.readdirSync(cwd)) {
    assert.equal(fs.statSync(path.join(cwd, f)).mode & 0o777, 0o600);
  }
  const data = JSON.parse(fs.readFileSync(path.join(cwd, `participant-${JOHN}.json`), 'utf8'));
  assert.equal(data.participant.lang, 'en');
  assert.deepEqual(data.threads, []);
  const html = fs.readFileSync(path.join(cwd, `participant-${JOHN}.html`), 'utf8');
  assert.match(html, /<html lang="en">/);
  assert.match(html, /Conversation records of John Smith/);
  assert.match(html, /There are no conversations on record\./);

  // Audited while the hub was down (a supervisor sees it once it is back): the row on thread 0
  // names the participant.
  hub = await h.startHub({ db, apiBase: api.base });
  const box = await h.inbox(hub);
  const rows = (await box.call('GET', '/api/inbox/audit?limit=1000')).json.entries;
  assert.deepEqual(rows.filter((e) => e.thread_id === 0 && e.action.startsWith('export'))
    .map((e) => [e.caseworker_id, e.action]), [[0, `export participant=${JOHN}`]]);
  const verify = cli(['audit', 'verify', '--db', db]);
  assert.equal(verify.status, 0, verify.stderr);
});
