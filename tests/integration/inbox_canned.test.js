'use strict';
// Canned replies (issue 19): per language, in the database (schema 13, with the four replies the
// inbox had built in), listed for every caseworker, managed by supervisors only; bad input is a
// 400 that says why, an unknown id a 404, and every write leaves an audit row (thread 0).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { CASEWORKERS, prepare, startHub, api, loginCaseworker } = require('./lib/hub');

let env;
let hub;
const tokens = {};

before(async () => {
  env = prepare();
  hub = await startHub(env.db);
  // TOTP codes are single-use per 30 s step: each caseworker logs in once per hub.
  tokens.super = await loginCaseworker(hub, CASEWORKERS.super);
  tokens.madera = await loginCaseworker(hub, CASEWORKERS.madera);
});

after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

const list = async (lang, token = tokens.madera) => {
  const r = await api(hub, 'GET', `/api/inbox/canned?lang=${lang}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json.replies;
};

async function cannedAudit() {
  const r = await api(hub, 'GET', '/api/inbox/audit?limit=1000', { token: tokens.super });
  assert.equal(r.status, 200, r.text);
  return r.json.entries.filter((e) => e.action.startsWith('canned_'))
    .map((e) => `${e.caseworker}:${e.action}:${e.thread_id}`);
}

test('every caseworker lists the built-in replies by language, placeholders kept', async () => {
  const en = await list('en');
  assert.deepEqual(en.map((r) => r.label),
    ['Greeting', 'Payment timing', 'Please call us', 'Anything else?']);
  assert.ok(en.every((r) => r.lang === 'en' && Number.isInteger(r.id)));
  assert.match(en[0].text, /^Hi \{name\}, this is \{me\} from Child Support Services\./);
  assert.match(en[2].text, /Please call \{phone\}/);
  const es = await list('es');
  assert.deepEqual(es.map((r) => r.label), ['Saludo', 'Plazo de los pagos', 'Llámenos', '¿Algo más?']);
  assert.match(es[0].text, /^Hola, \{name\}\. Le saluda \{me\}/);
  assert.deepEqual(Object.keys(es[0]).sort(), ['id', 'label', 'lang', 'text']);
  assert.deepEqual(await list('es', tokens.super), es);
  // Default language, a bad one, no token.
  assert.deepEqual((await api(hub, 'GET', '/api/inbox/canned', { token: tokens.madera })).json.replies, en);
  const fr = await api(hub, 'GET', '/api/inbox/canned?lang=fr', { token: tokens.madera });
  assert.equal(fr.status, 400);
  assert.match(fr.json.error, /en or es/);
  assert.equal((await api(hub, 'GET', '/api/inbox/canned?lang=es')).status, 401);
});

test('a supervisor adds, edits and deletes; each write audited on thread 0', async () => {
  const before = await cannedAudit();
  const added = await api(hub, 'POST', '/api/inbox/canned', { token: tokens.super,
    body: { lang: 'es', label: 'Documentos', text: 'Hola, {name}: envíe sus documentos, por favor.' } });
  assert.equal(added.status, 201, added.text);
  const reply = added.json.reply;
  assert.equal(reply.lang, 'es');
  assert.equal(reply.label, 'Documentos');
  // A caseworker sees it at once, last, in Spanish only.
  let es = await list('es');
  assert.deepEqual(es.at(-1), reply);
  assert.equal((await list('en')).length, 4);

  const edited = await api(hub, 'PUT', `/api/inbox/canned/${reply.id}`, { token: tokens.super,
    body: { label: 'Documentos pendientes', text: 'Faltan documentos, {name}.' } });
  assert.equal(edited.status, 200, edited.text);
  assert.deepEqual(edited.json.reply, { id: reply.id, lang: 'es', label: 'Documentos pendientes',
    text: 'Faltan documentos, {name}.' });
  es = await list('es');
  assert.equal(es.at(-1).text, 'Faltan documentos, {name}.');

  const gone = await api(hub, 'DELETE', `/api/inbox/canned/${reply.id}`, { token: tokens.super });
  assert.equal(gone.status, 200, gone.text);
  assert.deepEqual(gone.json, { ok: true });
  assert.equal((await list('es')).length, 4);
  assert.equal((await api(hub, 'DELETE', `/api/inbox/canned/${reply.id}`,
    { token: tokens.super })).status, 404);
  assert.equal((await api(hub, 'PUT', `/api/inbox/canned/${reply.id}`,
    { token: tokens.super, body: { label: 'x', text: 'y' } })).status, 404);
  assert.equal((await api(hub, 'PUT', '/api/inbox/canned/abc',
    { token: tokens.super, body: { label: 'x', text: 'y' } })).status, 404);

  const rows = await cannedAudit();
  assert.deepEqual(rows.slice(0, rows.length - before.length),
    ['boss:canned_delete:0', 'boss:canned_edit:0', 'boss:canned_add:0'], 'newest first');
});

test('caseworkers cannot add, edit or delete (403), and nothing changes', async () => {
  const en = await list('en');
  const rowsBefore = await cannedAudit();
  const id = en[0].id;
  const body = { lang: 'en', label: 'Mine', text: 'Hello' };
  for (const [method, path] of [['POST', '/api/inbox/canned'], ['PUT', `/api/inbox/canned/${id}`],
    ['DELETE', `/api/inbox/canned/${id}`]]) {
    const r = await api(hub, method, path, { token: tokens.madera, body });
    assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
    assert.match(r.json.error, /supervisors only/);
    assert.equal((await api(hub, method, path, { body })).status, 401, 'no token');
  }
  assert.deepEqual(await list('en'), en);
  assert.deepEqual(await cannedAudit(), rowsBefore);
});

test('bad input is a 400 that says why; nothing is written', async () => {
  const rowsBefore = await cannedAudit();
  const post = (body, raw) => api(hub, 'POST', '/api/inbox/canned', { token: tokens.super, body, raw });
  const cases = [
    [{ lang: 'fr', label: 'L', text: 'T' }, /en or es/],
    [{ label: 'L', text: 'T' }, /"lang", "label" and "text" must be strings/],
    [{ lang: 'en', label: 5, text: 'T' }, /must be strings/],
    [{ lang: 'en', label: '', text: 'T' }, /label must have 1 to 80 characters/],
    [{ lang: 'en', label: '   ', text: 'T' }, /label/],
    [{ lang: 'en', label: 'x'.repeat(81), text: 'T' }, /label must have 1 to 80 characters/],
    [{ lang: 'en', label: 'L', text: '' }, /text must have 1 to 1600 bytes/],
    [{ lang: 'en', label: 'L', text: 'é'.repeat(801) }, /text must have 1 to 1600 bytes/],
  ];
  for (const [body, error] of cases) {
    const r = await post(body);
    assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 60)}: ${r.text}`);
    assert.match(r.json.error, error);
  }
  // 80 characters of two bytes each are fine (characters, not bytes), and 1600 bytes of text.
  const ok = await post({ lang: 'en', label: 'ñ'.repeat(80), text: 'é'.repeat(800) });
  assert.equal(ok.status, 201, ok.text);
  assert.equal((await api(hub, 'DELETE', `/api/inbox/canned/${ok.json.reply.id}`,
    { token: tokens.super })).status, 200);
  // Not JSON, not an object, invalid UTF-8, a lone surrogate.
  for (const raw of ['nope', '[1]', Buffer.from('{"lang":"en","label":"\xff","text":"T"}', 'latin1'),
    '{"lang":"en","label":"\\ud800","text":"T"}']) {
    const r = await post(undefined, raw);
    assert.equal(r.status, 400, String(raw));
    assert.ok(r.json.error, r.text);
  }
  const id = (await list('en'))[0].id;
  const put = await api(hub, 'PUT', `/api/inbox/canned/${id}`,
    { token: tokens.super, body: { label: 'Greeting', text: ' ' } });
  assert.equal(put.status, 400);
  assert.match(put.json.error, /text/);
  assert.equal((await list('en'))[0].label, 'Greeting');
  const rows = await cannedAudit();
  assert.deepEqual(rows.slice(0, rows.length - rowsBefore.length),
    ['boss:canned_delete:0', 'boss:canned_add:0'], 'only the two writes that succeeded');
});

test('at most 100 replies per language', async () => {
  const have = (await list('es')).length;
  for (let i = have; i < 100; i++) {
    const r = await api(hub, 'POST', '/api/inbox/canned', { token: tokens.super,
      body: { lang: 'es', label: `Respuesta ${i}`, text: 'Texto' } });
    assert.equal(r.status, 201, r.text);
  }
  const full = await api(hub, 'POST', '/api/inbox/canned', { token: tokens.super,
    body: { lang: 'es', label: 'Una más', text: 'Texto' } });
  assert.equal(full.status, 400);
  assert.match(full.json.error, /at most 100/);
  assert.equal((await list('es')).length, 100);
  assert.equal((await list('en')).length, 4, 'English is not full');
});
