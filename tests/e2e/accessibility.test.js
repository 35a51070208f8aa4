'use strict';
// Keyboard-only use of the widget end to end, visible focus, reduced motion, 200% text, language
// switch, and axe-core (WCAG 2.1 A/AA) on the demo page, the widget and the inbox.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startHub, PARENTS, CASEWORKERS } = require('./lib/hub');
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

// What has focus, looking into the widget's shadow root.
const focused = (page) => page.evaluate(() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el) return null;
  const cs = getComputedStyle(el);
  return { tag: el.tagName.toLowerCase(), cls: el.className || '', name: el.getAttribute('name'), chip: el.dataset ? el.dataset.chip : undefined,
    text: (el.textContent || '').trim().slice(0, 40), outline: cs.outlineStyle + ' ' + cs.outlineWidth };
});
async function tabTo(page, pred, max = 40, shift = false) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (f && pred(f)) return f;
  }
  throw new Error('focus never reached the target; last: ' + JSON.stringify(await focused(page)));
}
function assertNoSerious(violations, where) {
  assert.deepEqual(violations, [], where + ': ' + JSON.stringify(violations, null, 1));
}

test('keyboard only: open, sign in, ask, use a chip, close and reopen', { timeout: 120000 }, async () => {
  const ctx = await browser.newContext({ ...B.DESKTOP, locale: 'en-US' });
  const page = await ctx.newPage();
  const problems = B.guard(page, hub.url);
  await page.goto(hub.url + '/');
  await page.locator('#connecthub-widget .ch-launcher').waitFor();

  const launcher = await tabTo(page, (f) => /ch-launcher/.test(f.cls));
  assert.notEqual(launcher.outline.split(' ')[0], 'none', 'visible focus on the launcher');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const r = document.getElementById('connecthub-widget').shadowRoot;
    return r.activeElement && r.activeElement.name === 'participant_id';
  });
  await page.keyboard.type(PARENTS.james.participant_id);
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).name, 'pin');
  await page.keyboard.type(PARENTS.james.pin);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const r = document.getElementById('connecthub-widget').shadowRoot;
    return r.activeElement && r.activeElement.tagName === 'TEXTAREA';
  }, null, { timeout: 15000 });
  await B.shot(page, 'widget-desktop-en-keyboard-focus');

  await page.keyboard.type('What is my balance?');
  await page.keyboard.press('Enter');
  const w = B.W(page);
  await w.msgs('bot').first().waitFor({ timeout: 15000 });
  // The log announces new messages politely.
  assert.equal(await w.log.getAttribute('aria-live'), 'polite');
  assert.equal(await w.log.getAttribute('role'), 'log');

  // Back from the composer to the "Next appointment" chip, press Space.
  const chip = await tabTo(page, (f) => f.chip === 'appointment', 10, true);
  assert.notEqual(chip.outline.split(' ')[0], 'none', 'visible focus on a chip');
  await page.keyboard.press('Space');
  await w.msgs('participant').filter({ hasText: 'When is my next appointment?' }).waitFor();
  await page.waitForFunction(() => document.getElementById('connecthub-widget').shadowRoot
    .querySelectorAll('.ch-msg.ch-from-bot').length >= 2, null, { timeout: 15000 });

  // Escape closes and gives focus back to the launcher; Enter reopens on the composer.
  await page.keyboard.press('Escape');
  assert.match((await focused(page)).cls, /ch-launcher/);
  assert.equal(await w.panel.isVisible(), false);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('connecthub-widget').shadowRoot.activeElement?.tagName === 'TEXTAREA');

  // Switch language from the keyboard: header button; strings and chips change.
  await tabTo(page, (f) => f.text === 'Español', 15, true);
  await page.keyboard.press('Enter');
  await w.chip('balance').filter({ hasText: 'Mi saldo' }).waitFor();
  assert.equal((await w.send.textContent()).trim(), 'Enviar');
  await page.keyboard.press('Enter'); // focus stays on the switch: back to English
  await w.chip('balance').filter({ hasText: 'My balance' }).waitFor();
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('axe-core: no serious or critical violations (demo page, widget, inbox)', { timeout: 150000 }, async () => {
  const ctx = await browser.newContext({ ...B.DESKTOP, locale: 'en-US' });
  const page = await ctx.newPage();
  await page.goto(hub.url + '/');
  await page.locator('#connecthub-widget .ch-launcher').waitFor();
  assertNoSerious(await B.axe(page), 'demo page');
  const w = B.W(page);
  await w.launcher.click();
  await w.pid.waitFor();
  assertNoSerious(await B.axe(page), 'widget login');
  await w.pid.fill(PARENTS.rosa.participant_id);
  await w.pin.fill('999999');
  await w.submit.click();
  await w.error.filter({ hasText: /\w/ }).waitFor();
  assertNoSerious(await B.axe(page), 'widget login error');
  await B.loginParent(page, PARENTS.rosa);
  await B.ask(page, '¿cuánto debo?');
  assertNoSerious(await B.axe(page), 'widget chat');
  await w.langBtn.click();
  await w.chip('balance').filter({ hasText: /saldo|balance/ }).waitFor();
  assertNoSerious(await B.axe(page), 'widget chat, other language');

  const phone = await browser.newContext({ ...B.PHONE, locale: 'es-US' });
  const pp = await phone.newPage();
  await B.openWidget(pp, hub.url);
  assertNoSerious(await B.axe(pp), 'widget on a phone, Spanish');

  const inboxCtx = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
  const ip = await inboxCtx.newPage();
  await ip.goto(hub.url + '/inbox');
  await ip.locator('#username').waitFor();
  assertNoSerious(await B.axe(ip), 'inbox login');
  await B.shot(ip, 'inbox-login');
  // The second factor's field is what password managers and phones fill a one-time code into.
  const code = ip.locator('#code');
  assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
  assert.equal(await code.getAttribute('inputmode'), 'numeric');
  // A right password without a code, then with a wrong one: the form says what is missing.
  await ip.locator('#username').fill(CASEWORKERS.ana.username);
  await ip.locator('#password').fill(CASEWORKERS.ana.password);
  await ip.locator('#login-submit').click();
  await ip.locator('#login-error', { hasText: 'Enter the 6-digit code' }).waitFor();
  await B.shot(ip, 'inbox-login-code-missing');
  assertNoSerious(await B.axe(ip), 'inbox login, code missing');
  await ip.locator('#password').fill(CASEWORKERS.ana.password);
  await code.fill('12345');  // five digits: never a valid code
  await ip.locator('#login-submit').click();
  await ip.locator('#login-error', { hasText: 'That code is not correct' }).waitFor();
  await B.loginInbox(ip, hub.url, CASEWORKERS.ana);
  // Something in the queue: Rosa asks for a person.
  await B.ask(page, 'I want to talk to a person').catch(() => {});
  await ip.locator('#thread-list .ib-item', { hasText: 'Rosa Diaz' }).first().click({ timeout: 15000 });
  await ip.locator('#thread-title', { hasText: 'Rosa' }).waitFor();
  assertNoSerious(await B.axe(ip), 'inbox thread');
  await Promise.all([ctx.close(), phone.close(), inboxCtx.close()]);
});

test('reduced motion, 200% text and a phone-sized full-screen panel', { timeout: 90000 }, async () => {
  const ctx = await browser.newContext({ ...B.PHONE, locale: 'en-US', reducedMotion: 'reduce' });
  const page = await ctx.newPage();
  const w = await B.openWidget(page, hub.url);
  const anim = await w.panel.evaluate((el) => getComputedStyle(el).animationName);
  assert.equal(anim, 'none');
  const box = await w.panel.boundingBox();
  assert.ok(box.width >= 374 && box.x <= 1, 'full screen on a phone: ' + JSON.stringify(box));

  const desk = await browser.newContext({ ...B.DESKTOP, locale: 'en-US' });
  const dp = await desk.newPage();
  const dw = await B.openWidget(dp, hub.url);
  await B.loginParent(dp, PARENTS.lena);
  await B.ask(dp, 'When was my last payment?');
  // Text at 200%: the browser's default font size doubled (the widget sizes in rem).
  await dp.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  await dp.waitForTimeout(200);
  const overflow = await dw.panel.evaluate((el) => {
    const r = el.getRootNode();
    return Array.from(r.querySelectorAll('.ch-log, .ch-composer, .ch-header')).map((x) => x.scrollWidth - x.clientWidth);
  });
  assert.ok(overflow.every((d) => d <= 1), 'no horizontal scrolling at 200%: ' + overflow);
  const fontPx = await dw.send.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(fontPx >= 31, 'text scaled: ' + fontPx);
  await B.shot(dp, 'widget-desktop-en-200pct');
  await Promise.all([ctx.close(), desk.close()]);
});

test('the demo page and the widget switch language together', { timeout: 60000 }, async () => {
  const ctx = await browser.newContext({ ...B.DESKTOP, locale: 'en-US' });
  const page = await ctx.newPage();
  const problems = B.guard(page, hub.url);
  await page.goto(hub.url + '/');
  const w = B.W(page);
  await w.launcher.filter({ hasText: 'Chat with us' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.locator('#lang-toggle').click();
  await page.locator('h1', { hasText: 'Ayuda con su caso' }).waitFor();
  await w.launcher.filter({ hasText: 'Chatee con nosotros' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'es');
  await B.shot(page, 'demo-page-es');
  // The widget's own switch brings the page along.
  await w.launcher.click();
  await w.langBtn.click();
  await page.locator('h1', { hasText: 'Help with your child support case' }).waitFor();
  assert.equal((await w.submit.textContent()).trim(), 'Sign in');
  assert.deepEqual(problems, []);
  await ctx.close();
});
