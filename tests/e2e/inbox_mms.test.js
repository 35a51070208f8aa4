'use strict';
// Issue 17 item 8b in the browser: a picture a parent sent by MMS shows in the caseworker inbox as
// a labelled button inside the message; clicking it fetches the file through the hub (with the
// caseworker's token) and shows it from a blob: URL. The page never talks to the SMS provider. A
// file that claims to be a JPEG but is HTML is refused (415) with a toast, and nothing is shown.
// English and Spanish. The hub is the SMS one (Twilio options, the fake Twilio REST API as
// --sms-api-base), started with the integration helpers.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const zlib = require('node:zlib');
const h = require('../integration/lib/sms_helpers');
const totp = require('../integration/lib/totp');
const B = require('./lib/browser');

const MARIA = '+15595550101';  // links with 100000001 (Maria Lopez, Spanish)
const SUPER = { username: 'super', password: 'correct horse battery staple' };
const EN = {
  label: 'Picture sent by text message', show: 'Show picture', alt: 'Picture the parent sent',
  unsupported: 'This kind of file cannot be opened here.',
};
const ES = {
  label: 'Foto enviada por mensaje de texto', show: 'Ver foto', alt: 'Foto que envió el padre o la madre',
  unsupported: 'Este tipo de archivo no se puede abrir aquí.',
};

// A real PNG (8-bit RGB, no interlace): the top half blue, the bottom half orange.
function png(width, height) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;   // bit depth
  ihdr[9] = 2;   // colour type: RGB
  ihdr[10] = 0;  // compression
  ihdr[11] = 0;  // filter
  ihdr[12] = 0;  // interlace
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);  // filter byte 0 (none), then the pixels
    const [r, g, b] = y < height / 2 ? [0x1d, 0x4e, 0xd8] : [0xf9, 0x73, 0x16];
    for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const PNG_W = 160;
const PNG_H = 96;
const PICTURE = png(PNG_W, PNG_H);

async function send(hub, params) {
  const r = await h.sendSms(hub, params);
  assert.equal(r.status, 200, r.text);
  return h.parseTwiml(r.text).join('\n');
}

let dir;
let api;
let hub;
let browser;
before(async () => {
  dir = h.tempDir();
  const db = h.prepareDb(dir);
  api = await h.fakeTwilio();
  hub = await h.startHub({ db, apiBase: api.base });
  totp.bindUrl(hub.url, db);  // lets the e2e login helper find the supervisor's TOTP secret
  browser = await B.launch();
});
after(async () => {
  if (browser) await browser.close();
  if (hub) await hub.stop();
  if (api) await api.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('MMS picture in the inbox: opened through the hub, shown from memory; HTML refused', async () => {
  // Maria links her phone, sends a picture, asks for a caseworker, then sends a "JPEG" that is HTML.
  await h.text(hub, MARIA, `100000001 ${h.PIN}`);
  let pngUrl;
  let htmlUrl;
  const notice = await send(hub, h.mmsParams(MARIA, '', [{ type: 'image/png',
    url: (sid) => (pngUrl = api.addMedia(sid, { type: 'image/png', body: PICTURE })) }]));
  assert.match(notice, /No puedo leer fotos/);
  assert.match(await send(hub, h.inboundParams(MARIA, 'AGENTE')), /trabajador de casos/);
  await send(hub, h.mmsParams(MARIA, 'otra foto', [{ type: 'image/jpeg',
    url: (sid) => (htmlUrl = api.addMedia(sid, { type: 'image/jpeg', body: '<html><script>alert(1)</script></html>' })) }]));
  // She also chats on the web: one history across channels in the case summary (issue 19).
  const { Client } = require('../integration/lib/hub');
  const chat = await Client.open(hub.url.replace('http://', 'ws://') + '/ws/chat');
  chat.send({ type: 'login', participant_id: '100000001', pin: h.PIN });
  await chat.next('welcome');
  chat.send({ type: 'send', id: 'c-1', text: 'cuanto debo' });
  await chat.next((f) => f.type === 'message' && f.from === 'bot');
  await chat.close();
  const twilioOrigin = new URL(api.base).origin;
  const hubOrigin = new URL(hub.url).origin;

  const ctx = await browser.newContext({ ...B.DESKTOP, locale: 'en-US' });
  const page = await ctx.newPage();
  // Every request the page makes: only the hub (http and its WebSocket), blob: and data:.
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push('CSP: ' + m.text());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));

  await B.loginInbox(page, hub.url, SUPER);
  const item = page.locator('#thread-list .ib-item', { hasText: 'Maria Lopez' });
  await item.click();
  await page.locator('#thread-title', { hasText: 'Maria Lopez' }).waitFor();

  const media = page.locator('#messages .ib-media');
  await media.nth(1).waitFor();
  assert.equal(await media.count(), 2);
  const pictureBox = media.nth(0);
  const htmlBox = page.locator('#messages .ib-msg', { hasText: 'otra foto' }).locator('.ib-media');
  assert.equal(await htmlBox.count(), 1);
  for (const box of [pictureBox, htmlBox]) {
    assert.equal((await box.locator('.ib-media-label').textContent()).trim(), EN.label);
    assert.equal((await box.locator('.ib-media-open').textContent()).trim(), EN.show);
  }
  // Inside the parent's bubble, and nothing of the provider's address anywhere in the page.
  assert.equal(await page.locator('#messages .ib-msg.ib-from-participant .ib-bubble .ib-media').count(), 2);
  const html = await page.content();
  assert.ok(!html.includes(twilioOrigin) && !html.includes('/Media/'), 'the page shows the provider URL');

  // The picture: fetched through the hub, shown from a blob: URL, really decoded.
  const before = api.mediaRequests.length;
  await pictureBox.getByRole('button', { name: EN.show }).click();
  const img = pictureBox.locator('img.ib-media-img');
  await img.waitFor();
  await page.waitForFunction(() => {
    const i = document.querySelector('#messages .ib-media img.ib-media-img');
    return i && i.complete && i.naturalWidth > 0;
  });
  const shown = await img.evaluate((i) => ({ src: i.src, alt: i.alt, w: i.naturalWidth, h: i.naturalHeight }));
  assert.match(shown.src, /^blob:/);
  assert.equal(shown.alt, EN.alt);
  assert.deepEqual([shown.w, shown.h], [PNG_W, PNG_H]);
  assert.equal(await pictureBox.locator('.ib-media-open').count(), 0, 'the button is replaced by the picture');
  const fetched = api.mediaRequests.slice(before);
  assert.ok(fetched.some((r) => pngUrl.endsWith(r.url)), 'the hub fetched the picture from the provider');
  assert.equal((await page.locator('#toast').textContent()).trim(), '', 'a toast for the picture that opened');
  // Opening it is an audited read, shown in the supervisor's access log at once.
  await page.locator('#audit-pane', { hasText: 'opened a picture' }).waitFor({ timeout: 5000 });

  // The HTML "JPEG": refused with the 415 toast, no picture, the button stays.
  await htmlBox.getByRole('button', { name: EN.show }).click();
  await page.locator('#toast', { hasText: EN.unsupported }).waitFor();
  assert.equal((await page.locator('#toast').textContent()).trim(), EN.unsupported);
  assert.ok(api.mediaRequests.some((r) => htmlUrl.endsWith(r.url)), 'the hub fetched the HTML file');
  await page.waitForFunction(() => {
    const b = [...document.querySelectorAll('#messages .ib-msg')].find((m) => /otra foto/.test(m.textContent));
    const btn = b && b.querySelector('.ib-media-open');
    return btn && !btn.disabled;
  });
  assert.equal(await htmlBox.locator('img').count(), 0);
  assert.equal(await page.locator('#messages img.ib-media-img').count(), 1);
  await pictureBox.scrollIntoViewIfNeeded();
  // The toast fades in (150 ms): shoot it when it is fully shown.
  await page.waitForFunction(() => getComputedStyle(document.getElementById('toast')).opacity === '1');
  await B.shot(page, 'inbox-mms-picture');

  // Spanish: the labels and buttons re-rendered (the picture is not kept: it is asked for again).
  await page.locator('#lang-toggle').click();
  await page.locator('#messages .ib-media-label', { hasText: ES.label }).first().waitFor();
  for (const box of [media.nth(0), htmlBox]) {
    assert.equal((await box.locator('.ib-media-label').textContent()).trim(), ES.label);
    assert.equal((await box.locator('.ib-media-open').textContent()).trim(), ES.show);
  }
  await media.nth(0).getByRole('button', { name: ES.show }).click();
  await page.waitForFunction(() => {
    const i = document.querySelector('#messages .ib-media img.ib-media-img');
    return i && i.complete && i.naturalWidth > 0;
  });
  assert.equal(await media.nth(0).locator('img.ib-media-img').getAttribute('alt'), ES.alt);
  await htmlBox.getByRole('button', { name: ES.show }).click();
  await page.locator('#toast', { hasText: ES.unsupported }).waitFor();
  assert.equal(await htmlBox.locator('img').count(), 0);

  // One history: the case summary lists her web chat beside this SMS conversation, and opens it.
  const together = page.locator('#case-body .ib-together');
  await together.waitFor();
  assert.match(await together.locator('[aria-current="true"]').textContent(), /^SMS · en espera · .* · esta$/);
  const webLink = together.getByRole('button', { name: /^Chat web · con el asistente · / });
  await webLink.click();
  await page.locator('#thread-meta', { hasText: 'Chat web' }).waitFor();
  await page.locator('#messages .ib-msg', { hasText: 'cuanto debo' }).waitFor();
  await page.locator('#case-body .ib-together [aria-current="true"]', { hasText: /^Chat web/ }).waitFor();

  // The page never talked to the SMS provider: only the hub, blob: and data:.
  const wsOrigin = hubOrigin.replace(/^http/, 'ws');
  const foreign = requests.filter((u) => !(u.startsWith(hubOrigin + '/') || u.startsWith(wsOrigin + '/') ||
    u.startsWith('blob:') || u.startsWith('data:')));
  assert.deepEqual(foreign, []);
  assert.ok(!requests.some((u) => u.startsWith(twilioOrigin)), 'a request went to the fake Twilio');
  assert.ok(requests.some((u) => /\/api\/inbox\/threads\/\d+\/messages\/\d+\/media\/0$/.test(u)),
    'the picture was fetched through the hub');
  assert.deepEqual(problems, []);
  await ctx.close();
});
