'use strict';
// Issue 17 item 8b: a picture sent by MMS (often a photo of a letter). The parent is told plainly
// that the assistant cannot read pictures and is offered a caseworker, in their language; the
// inbox shows that a picture was sent, never where the provider keeps it; a caseworker opens it
// through the hub, which fetches it from the provider (here the local stand-in for Twilio's REST
// API) with the account's credentials, checks its type by its bytes and its size, and never makes
// it public. Media URLs that are not the account's are not kept; the text is.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('./lib/sms_helpers');

const MARIA = '+15595550101';  // links with 100000001 (Spanish)
const OTHER = '+15595550177';  // never linked (English)
// A tiny real JPEG header and PNG signature are enough for the type check; the rest is filler.
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(500, 1)]);

async function send(hub, params) {
  const r = await h.sendSms(hub, params);
  assert.equal(r.status, 200, r.text);
  return h.parseTwiml(r.text).join('\n');
}

test('MMS pictures: told plainly, shown in the inbox, opened only through the hub', async () => {
  const dir = h.tempDir();
  const db = h.prepareDb(dir);
  const api = await h.fakeTwilio();
  const hub = await h.startHub({ db, apiBase: api.base });
  try {
    await h.text(hub, MARIA, `100000001 ${h.PIN}`);
    const box = await h.inbox(hub);
    const threadOf = async (phone) => (await box.threads())
      .find((t) => t.channel === 'sms' && t.phone === phone) ||
      (await box.threads()).find((t) => t.channel === 'sms' && t.participant.participant_id === '100000001');

    // A picture alone, in Spanish: the notice, not "no entendí".
    let jpegUrl;
    const picture = h.mmsParams(MARIA, '', [{ url: (sid) => (jpegUrl = api.addMedia(sid, { type: 'image/jpeg', body: JPEG })), type: 'image/jpeg' }]);
    const answer = await send(hub, picture);
    assert.match(answer, /^No puedo leer fotos ni archivos\. .*un trabajador de casos puede revisarla: envíe AGENTE/);
    assert.doesNotMatch(answer, /no entendí/);

    // Words with the picture that the bot understands are answered too, then the notice.
    const withText = h.mmsParams(MARIA, 'cuanto debo', [{ url: (sid) => api.addMedia(sid, { type: 'image/png', body: PNG }), type: 'image/png' }]);
    const both = await send(hub, withText);
    assert.match(both, /667/);
    assert.match(both, /No puedo leer fotos/);

    // An unlinked English number gets the English notice.
    const en = await send(hub, h.mmsParams(OTHER, '', [{ url: (sid) => api.addMedia(sid, { type: 'image/jpeg', body: JPEG }), type: 'image/jpeg' }]));
    assert.match(en, /^I can’t read pictures or files\. .*text AGENT/);

    // She asks for a caseworker; the inbox shows the pictures by type and index only.
    assert.match(await send(hub, h.inboundParams(MARIA, 'AGENTE')), /trabajador de casos/);
    const thread = await threadOf(MARIA);
    assert.equal(thread.state, 'waiting');
    const detailRes = await box.call('GET', `/api/inbox/threads/${thread.id}`);
    const raw = JSON.stringify(detailRes.json);
    assert.ok(!raw.includes('/Media/') && !raw.includes(api.base), 'the inbox JSON gives the provider URL');
    const withMedia = detailRes.json.messages.filter((m) => m.media);
    assert.equal(withMedia.length, 2);
    assert.deepEqual(withMedia[0].media, [{ index: 0, content_type: 'image/jpeg' }]);
    assert.equal(withMedia[1].text, 'cuanto debo');
    const seq = withMedia[0].seq;

    // Opened through the hub: the bytes, typed by their content, never cached, sandboxed.
    const mediaPath = `/api/inbox/threads/${thread.id}/messages/${seq}/media/0`;
    const got = await fetch(hub.url + mediaPath, { headers: { authorization: 'Bearer ' + box.token } });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'image/jpeg');
    assert.equal(got.headers.get('cache-control'), 'no-store');
    assert.match(got.headers.get('content-security-policy'), /sandbox/);
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), JPEG);
    const fetched = api.mediaRequests.find((r) => jpegUrl.endsWith(r.url));
    assert.ok(fetched, 'the hub fetched the file from the provider');
    assert.match(fetched.headers.authorization, /^Basic /);
    // Nobody else: no token, a bad index, a message without media.
    assert.equal((await fetch(hub.url + mediaPath)).status, 401);
    assert.equal((await box.call('GET', `/api/inbox/threads/${thread.id}/messages/${seq}/media/1`)).status, 404);
    assert.equal((await box.call('GET', `/api/inbox/threads/${thread.id}/messages/1/media/0`)).status, 404);
    assert.equal((await box.call('GET', `/api/inbox/threads/${thread.id}/messages/x/media/0`)).status, 400);
    // Opening it is an audited read.
    const audit = await box.call('GET', `/api/inbox/audit?thread_id=${thread.id}`);
    assert.ok(audit.json.entries.some((e) => e.action === 'media'), JSON.stringify(audit.json));

    // A redirect to the provider's storage is followed, without the credentials.
    const cdnPath = '/cdn/signed-file-1';
    api.media.set(cdnPath, { type: 'image/png', body: PNG, auth: false });
    const redirected = h.mmsParams(MARIA, '', [{ url: (sid) => api.addMedia(sid, { redirect: api.base.replace('127.0.0.1', 'localhost') + cdnPath }), type: 'image/png' }]);
    await send(hub, redirected);
    // A file that says it is a JPEG but is HTML; one the provider has deleted; one too large.
    const html = h.mmsParams(MARIA, '', [{ url: (sid) => api.addMedia(sid, { type: 'image/jpeg', body: '<html><script>alert(1)</script>' }), type: 'image/jpeg' }]);
    await send(hub, html);
    const gone = h.mmsParams(MARIA, '', [{ url: (sid) => api.addMedia(sid, { status: 404 }), type: 'image/jpeg' }]);
    await send(hub, gone);
    const big = h.mmsParams(MARIA, '', [{ url: (sid) => api.addMedia(sid, { type: 'image/jpeg', body: Buffer.concat([JPEG, Buffer.alloc(5 * 1024 * 1024)]) }), type: 'image/jpeg' }]);
    await send(hub, big);
    const latest = (await box.call('GET', `/api/inbox/threads/${thread.id}`)).json.messages.filter((m) => m.media).slice(-4);
    const open = (m) => fetch(hub.url + `/api/inbox/threads/${thread.id}/messages/${m.seq}/media/0`,
      { headers: { authorization: 'Bearer ' + box.token } });
    const viaCdn = await open(latest[0]);
    assert.equal(viaCdn.status, 200);
    assert.deepEqual(Buffer.from(await viaCdn.arrayBuffer()), PNG);
    const cdnRequest = api.mediaRequests.find((r) => r.url === cdnPath);
    assert.ok(cdnRequest && cdnRequest.headers.authorization === undefined, 'credentials sent to the redirect target');
    const htmlRes = await open(latest[1]);
    assert.equal(htmlRes.status, 415);
    assert.equal(htmlRes.headers.get('content-type'), 'application/json');
    assert.equal((await open(latest[2])).status, 404);
    const bigRes = await open(latest[3]);
    assert.equal(bigRes.status, 502);
    assert.match((await bigRes.json()).error, /5 MB/);

    // A URL that is not the account's media (another host, another account) is never kept or
    // fetched; the words are kept (the thread waits for a caseworker: the bot says nothing, and
    // no picture notice either). A garbage NumMedia is no media.
    const before = api.mediaRequests.length;
    const forged = h.inboundParams(MARIA, 'cuanto debo');
    forged.NumMedia = '2';
    forged.MediaUrl0 = 'http://127.0.0.1:9/2010-04-01/Accounts/' + h.ACCOUNT_SID + '/Messages/MM1/Media/ME1';
    forged.MediaContentType0 = 'image/jpeg';
    forged.MediaUrl1 = api.base + '/2010-04-01/Accounts/AC99999999999999999999999999999999/Messages/MM1/Media/ME1';
    forged.MediaContentType1 = 'image/jpeg';
    const forgedAnswer = await send(hub, forged);
    assert.equal(forgedAnswer, '');
    const garbage = h.inboundParams(MARIA, 'hola');
    garbage.NumMedia = 'lots';
    await send(hub, garbage);
    const last = (await box.call('GET', `/api/inbox/threads/${thread.id}`)).json.messages
      .filter((m) => m.from === 'participant').slice(-2);
    assert.deepEqual(last.map((m) => [m.text, m.media]), [['cuanto debo', undefined], ['hola', undefined]]);
    assert.equal(api.mediaRequests.length, before);
    const metrics = await (await fetch(hub.url + '/metrics')).text();
    assert.match(metrics, /connecthub_sms_media_refused_total 3/);

    // Nothing of the files or their URLs in the log.
    const log = hub.stderr();
    assert.ok(!log.includes('/Media/') && !log.includes(MARIA), 'the log leaks a media URL or number');
  } finally {
    await hub.stop();
    await api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
