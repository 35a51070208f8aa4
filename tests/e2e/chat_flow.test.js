'use strict';
// A parent asks in English and in Spanish and gets answers from their own case; a Spanish-speaking
// parent asks for a person; two caseworkers see the thread arrive live, one claims it (the other
// sees the claim at once), replies, and the parent sees the reply.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startHub, PARENTS, CASEWORKERS, isoDate } = require('./lib/hub');
const B = require('./lib/browser');

let hub;
let browser;
before(async () => {
  hub = await startHub();
  browser = await B.launch();
});
after(async () => {
  if (browser) await browser.close();
  if (hub) await hub.stop();
});

test('pages come with a strict CSP and security headers', { timeout: 30000 }, async () => {
  for (const p of ['/', '/widget.js', '/inbox', '/static/widget.css', '/i18n/es.json']) {
    const res = await fetch(hub.url + p);
    assert.equal(res.status, 200, p);
    const csp = res.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'self'/, p + ': ' + csp);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, p);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', p);
  }
  const inbox = await fetch(hub.url + '/inbox');
  assert.equal(inbox.headers.get('x-frame-options'), 'DENY');
  const es = await (await fetch(hub.url + '/i18n/es.json')).json();
  const en = await (await fetch(hub.url + '/i18n/en.json')).json();
  assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort());
  assert.equal(es['web.widget.chat.send'], 'Enviar');
});

const dayOf = (days) => String(Number(isoDate(days).slice(8, 10)));

test('an English-speaking parent logs in and gets correct answers (desktop and phone)', { timeout: 120000 }, async () => {
  const ctx = await browser.newContext({ ...B.DESKTOP, locale: 'en-US' });
  const page = await ctx.newPage();
  const problems = B.guard(page, hub.url);
  const w = await B.openWidget(page, hub.url);
  assert.equal((await w.launcher.count()), 1);
  await B.shot(page, 'widget-desktop-en-login');

  // A wrong PIN gets a clear message, and the PIN field is marked invalid.
  await w.pid.fill(PARENTS.james.participant_id);
  await w.pin.fill('000000');
  await w.submit.click();
  await w.error.filter({ hasText: 'do not match' }).waitFor();
  assert.equal(await w.pin.getAttribute('aria-invalid'), 'true');

  await B.loginParent(page, PARENTS.james);
  assert.ok(await page.evaluate(() => !!sessionStorage.getItem('connecthub.widget.v1')));
  assert.ok(await page.evaluate(() => !localStorage.length), 'nothing in localStorage');

  const balance = await B.ask(page, 'What is my balance?');
  assert.match(balance, /1,234\.50/, balance);
  const appt = await B.ask(page, 'When is my next appointment?');
  assert.match(appt, new RegExp('\\b' + dayOf(6) + '\\b'), appt);
  // Chips send the main questions in the current language.
  const before = await w.msgs('bot').count();
  await w.chip('payment').click();
  await page.waitForFunction((n) => document.getElementById('connecthub-widget').shadowRoot
    .querySelectorAll('.ch-msg.ch-from-bot').length > n, before);
  const last = (await w.msgs('bot').last().textContent());
  assert.match(last, /412\.00/, last);
  assert.equal(await w.msgs('participant').last().locator('.ch-text').textContent(), 'When was my last payment?');
  await page.waitForFunction(() => Array.from(document.getElementById('connecthub-widget').shadowRoot
    .querySelectorAll('.ch-from-participant')).every((m) => m.dataset.status === 'sent'));
  await B.shot(page, 'widget-desktop-en-chat');

  // The same parent on a phone: logging in again continues the thread (history replayed once).
  const phone = await browser.newContext({ ...B.PHONE, locale: 'en-US' });
  const p2 = await phone.newPage();
  const problems2 = B.guard(p2, hub.url);
  await B.openWidget(p2, hub.url);
  await B.shot(p2, 'widget-phone-en-login');
  const w2 = await B.loginParent(p2, PARENTS.james);
  await w2.msgs('bot').filter({ hasText: '1,234.50' }).first().waitFor();
  assert.equal(await w2.msgs('participant').filter({ hasText: 'What is my balance?' }).count(), 1);
  await B.shot(p2, 'widget-phone-en-chat');

  assert.deepEqual(problems, []);
  assert.deepEqual(problems2, []);
  await ctx.close();
  await phone.close();
});

test('Spanish: answers, a person is requested, caseworkers see it live, claim, reply', { timeout: 180000 }, async () => {
  // Two caseworkers at their desks before the parent writes.
  const ctxA = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
  const ctxB = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
  const ana = await ctxA.newPage();
  const ben = await ctxB.newPage();
  const probA = B.guard(ana, hub.url);
  const probB = B.guard(ben, hub.url);
  await B.loginInbox(ana, hub.url, CASEWORKERS.ana);
  await B.loginInbox(ben, hub.url, CASEWORKERS.ben);
  await ana.locator('#live-state.ib-live-live').waitFor();
  await ben.locator('#live-state.ib-live-live').waitFor();

  const ctxP = await browser.newContext({ ...B.PHONE, locale: 'es-US' });
  const parent = await ctxP.newPage();
  const probP = B.guard(parent, hub.url);
  const w = await B.openWidget(parent, hub.url);
  assert.match(await w.launcher.textContent().catch(() => ''), /./);
  assert.equal((await w.submit.textContent()).trim(), 'Iniciar sesión');
  await B.shot(parent, 'widget-phone-es-login');
  await B.loginParent(parent, PARENTS.maria);

  const balance = await B.ask(parent, '¿cuánto debo?');
  assert.match(balance, /667[.,]93/, balance);
  const appt = await B.ask(parent, '¿cuándo es mi próxima cita?');
  assert.match(appt, new RegExp('\\b' + dayOf(9) + '\\b'), appt);
  await B.shot(parent, 'widget-phone-es-chat');

  // Another parent is already waiting (so the queue shows its order and waiting times).
  const lena = await B.wsParent(hub.url, PARENTS.lena, ['I want to talk to a person, please'], 'en');
  await lena.waitFor((f) => f.type === 'state' && f.state === 'waiting');
  await parent.waitForTimeout(1100); // waiting times are kept to the second

  await w.text.fill('quiero hablar con una persona');
  await w.send.click();
  await w.banner.filter({ hasText: 'le responderá' }).waitFor({ timeout: 15000 });
  await B.shot(parent, 'widget-phone-es-waiting');

  // Both inboxes get the thread without a reload.
  const itemA = ana.locator('#thread-list .ib-item', { hasText: 'Maria Lopez' });
  const itemB = ben.locator('#thread-list .ib-item', { hasText: 'Maria Lopez' });
  await itemA.waitFor({ timeout: 15000 });
  await itemB.waitFor({ timeout: 15000 });
  assert.match(await itemA.textContent(), /Waiting/);
  assert.match(await itemA.textContent(), /Spanish/);
  await ana.locator('#thread-list .ib-item', { hasText: 'Lena Park' }).waitFor();
  const order = await ana.locator('#thread-list .ib-item-name').allTextContents();
  assert.deepEqual(order.slice(0, 2), ['Lena Park', 'Maria Lopez'], 'longest waiting first');
  await B.shot(ana, 'inbox-queue');

  const threadId = Number(await itemA.getAttribute('data-thread-id'));
  assert.ok(threadId > 0);
  await itemB.click();
  await ben.locator('#thread-title', { hasText: 'Maria Lopez' }).waitFor();
  await itemA.click();
  await ana.locator('#thread-title', { hasText: 'Maria Lopez' }).waitFor();
  await ana.locator('#messages .ib-from-participant', { hasText: 'quiero hablar con una persona' }).waitFor();
  await ana.locator('#case-body', { hasText: '200000001' }).waitFor();
  assert.match(await ana.locator('#case-body').textContent(), /667\.93/);
  await ana.locator('#claim').click();
  await ana.locator('#thread-state', { hasText: 'Assigned to you' }).waitFor();

  // Ben sees the claim at once, and cannot claim it any more.
  await ben.locator('#thread-state', { hasText: CASEWORKERS.ana.username }).waitFor({ timeout: 10000 });
  assert.equal(await ben.locator('#claim').isVisible(), false);
  const tokenB = await ben.evaluate(() => sessionStorage.getItem('connecthub.inbox.token'));
  const again = await B.api(hub.url, 'POST', `/api/inbox/threads/${threadId}/claim`, tokenB);
  assert.equal(again.status, 409, again.text);

  // The parent sees who is helping.
  await w.banner.filter({ hasText: 'Ana' }).waitFor({ timeout: 10000 });

  // A canned reply in the thread's language, then a personal reply.
  await ana.locator('#canned').selectOption({ label: 'Saludo (ES)' });  // a built-in reply (schema 13)
  await ana.locator('#canned-insert').click();
  assert.match(await ana.locator('#compose-text').inputValue(), /^Hola, Maria\./);
  await ana.locator('#compose-text').fill('Hola Maria, soy Ana. Estoy revisando su caso ahora.');
  await ana.locator('#compose-send').click();
  await ana.locator('#messages .ib-from-caseworker', { hasText: 'soy Ana' }).waitFor();
  // An internal note is visibly different and never reaches the parent.
  await ana.locator('#mode-note').check();
  await ana.locator('#compose-text').fill('Verificar el pago de octubre.');
  await ana.locator('#compose-send').click();
  await ana.locator('#messages .ib-from-note', { hasText: 'Verificar' }).waitFor();

  await w.msgs('caseworker').filter({ hasText: 'soy Ana' }).waitFor({ timeout: 10000 });
  assert.match(await w.msgs('caseworker').last().locator('.ch-who').textContent(), /Ana/);
  await ben.locator('#messages .ib-from-caseworker', { hasText: 'soy Ana' }).waitFor({ timeout: 10000 });
  await B.shot(parent, 'widget-phone-es-caseworker');
  await B.shot(ana, 'inbox-thread');

  // The parent answers; the caseworker sees it live; resolve hands the thread back to the bot.
  await w.text.fill('Gracias, pagué el 1 de octubre.');
  await w.send.click();
  await ana.locator('#messages .ib-from-participant', { hasText: 'pagué el 1 de octubre' }).waitFor({ timeout: 10000 });
  await ana.locator('#resolve').click();
  await ben.locator('#thread-state', { hasText: /Resolved|virtual assistant/ }).waitFor({ timeout: 10000 });
  await parent.waitForFunction(() => document.getElementById('connecthub-widget').shadowRoot.querySelector('.ch-banner').hidden);
  assert.equal(await parent.locator('#connecthub-widget .ch-msg', { hasText: 'Verificar' }).count(), 0);

  // Desktop, Spanish.
  const ctxD = await browser.newContext({ ...B.DESKTOP, locale: 'es-US' });
  const desk = await ctxD.newPage();
  const probD = B.guard(desk, hub.url);
  await B.openWidget(desk, hub.url);
  await B.loginParent(desk, PARENTS.maria);
  await desk.locator('#connecthub-widget .ch-from-caseworker', { hasText: 'soy Ana' }).waitFor();
  await B.shot(desk, 'widget-desktop-es-chat');

  for (const p of [probA, probB, probP, probD]) assert.deepEqual(p, []);
  lena.close();
  await Promise.all([ctxA.close(), ctxB.close(), ctxP.close(), ctxD.close()]);
});

test('five wrong PINs lock the participant id out, and the widget says until when', { timeout: 60000 }, async () => {
  const WebSocket = require('ws');
  for (let i = 0; i < 5; i++) {
    const ws = new WebSocket(hub.url.replace(/^http/, 'ws') + '/ws/chat', { origin: hub.url });
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    ws.send(JSON.stringify({ type: 'login', participant_id: PARENTS.rosa.participant_id, pin: '000000' }));
    const f = await new Promise((r) => ws.once('message', (d) => r(JSON.parse(String(d)))));
    assert.equal(f.type, 'error');
    ws.close();
  }
  const ctx = await browser.newContext({ ...B.PHONE, locale: 'es-US' });
  const page = await ctx.newPage();
  const w = await B.openWidget(page, hub.url);
  await w.pid.fill(PARENTS.rosa.participant_id);
  await w.pin.fill(PARENTS.rosa.pin); // even the right PIN is refused now
  await w.submit.click();
  await w.error.filter({ hasText: 'Demasiados PIN incorrectos' }).waitFor({ timeout: 10000 });
  const text = await w.error.textContent();
  assert.match(text, /a las .*\d{1,2}:\d{2}/, text);
  assert.match(await page.locator('#connecthub-widget .ch-help').textContent(), /1-866-901-3212/);
  await B.shot(page, 'widget-phone-es-locked');
  await ctx.close();
});
