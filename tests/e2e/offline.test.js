'use strict';
// The parent's network drops while they type: messages are queued, shown as not yet sent, and sent
// on reconnect with the same client ids; nothing is lost or doubled (checked in the widget, after a
// reload, and from a fresh login on another device).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startHub, PARENTS } = require('./lib/hub');
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

const allSent = () => Array.from(document.getElementById('connecthub-widget').shadowRoot
  .querySelectorAll('.ch-from-participant')).every((m) => m.dataset.status === 'sent');
const countText = (page, text) => page.locator('#connecthub-widget .ch-from-participant .ch-text', { hasText: text })
  .evaluateAll((els, t) => els.filter((e) => e.textContent === t).length, text);

test('messages typed offline are sent once on reconnect', { timeout: 120000 }, async () => {
  const ctx = await browser.newContext({ ...B.DESKTOP, locale: 'en-US' });
  const page = await ctx.newPage();
  const problems = B.guard(page, hub.url);
  const w = await B.openWidget(page, hub.url);
  await B.loginParent(page, PARENTS.lena);
  await B.ask(page, 'What is my balance?');

  await ctx.setOffline(true);
  await w.conn.filter({ hasText: 'offline' }).waitFor({ timeout: 10000 });
  const texts = ['first message while offline', 'second message while offline', 'third one, with accents: añadir'];
  for (const t of texts) {
    await w.text.fill(t);
    await w.text.press('Enter');
  }
  for (const t of texts) {
    const m = w.msgs('participant').filter({ hasText: t });
    await m.waitFor();
    assert.notEqual(await m.getAttribute('data-status'), 'sent');
  }
  assert.match(await w.msgs('participant').last().locator('.ch-status').textContent(), /Waiting to send/);
  const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('connecthub.widget.v1')).queue);
  assert.equal(stored.length, 3);
  assert.ok(stored.every((q) => /^c-[a-z0-9]+-\d+$/.test(q.id)), JSON.stringify(stored));
  await B.shot(page, 'widget-desktop-en-offline');

  await ctx.setOffline(false);
  await page.waitForFunction(allSent, null, { timeout: 20000 });
  await w.conn.waitFor({ state: 'hidden' });
  for (const t of texts) assert.equal(await countText(page, t), 1, t);
  assert.deepEqual(await page.evaluate(() => JSON.parse(sessionStorage.getItem('connecthub.widget.v1')).queue), []);

  // A message in flight when the network drops: sent again on reconnect with the same id, stored once.
  await w.text.fill('sent just before the drop');
  await Promise.all([w.text.press('Enter'), ctx.setOffline(true)]);
  await page.waitForTimeout(300);
  await ctx.setOffline(false);
  await page.waitForFunction(allSent, null, { timeout: 20000 });
  assert.equal(await countText(page, 'sent just before the drop'), 1);

  // A reload keeps the conversation (token in sessionStorage, history replayed once).
  await page.reload();
  await w.msgs('participant').filter({ hasText: 'second message while offline' }).waitFor({ timeout: 15000 });
  await page.waitForTimeout(500);
  for (const t of texts.concat(['sent just before the drop'])) assert.equal(await countText(page, t), 1, t);

  // Another device: the hub stored each message exactly once.
  const other = await browser.newContext({ ...B.DESKTOP, locale: 'en-US' });
  const p2 = await other.newPage();
  await B.openWidget(p2, hub.url);
  const w2 = await B.loginParent(p2, PARENTS.lena);
  await w2.msgs('participant').filter({ hasText: 'sent just before the drop' }).waitFor({ timeout: 15000 });
  for (const t of texts.concat(['sent just before the drop'])) assert.equal(await countText(p2, t), 1, t);

  assert.deepEqual(problems, []);
  await ctx.close();
  await other.close();
});

test('the hub going away: the widget reconnects with backoff and resumes', { timeout: 90000 }, async () => {
  const ctx = await browser.newContext({ ...B.DESKTOP, locale: 'en-US' });
  const page = await ctx.newPage();
  const w = await B.openWidget(page, hub.url);
  await B.loginParent(page, PARENTS.rosa);
  // Kill the socket from the page side (as a flaky mobile network would) and send meanwhile.
  await page.evaluate(() => {
    const orig = WebSocket.prototype.send;
    window.__dropNext = true;
    WebSocket.prototype.send = function (d) {
      if (window.__dropNext && String(d).includes('"send"')) { window.__dropNext = false; this.close(); return; }
      return orig.call(this, d);
    };
  });
  await w.text.fill('hola, ¿me escuchan?');
  await w.text.press('Enter');
  await page.waitForFunction(allSent, null, { timeout: 20000 });
  assert.equal(await countText(page, 'hola, ¿me escuchan?'), 1);
  await ctx.close();
});
