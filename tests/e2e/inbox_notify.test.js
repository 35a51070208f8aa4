'use strict';
// Issue 19: desktop notifications and an optional sound. Off until the caseworker turns them on;
// then a thread that starts waiting, or a parent's message in a thread the caseworker holds (and
// is not looking at), raises a notification that names no parent and quotes no text, and a beep.
// The browser's own Notification and OscillatorNode are wrapped to record what the page raised.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startHub, PARENTS, CASEWORKERS } = require('./lib/hub');
const B = require('./lib/browser');

let hub;
let browser;
before(async () => {
  hub = await startHub({ args: ['--office-hours', '1-7 00:00-24:00'] });
  browser = await B.launch();
});
after(async () => {
  if (browser) await browser.close();
  if (hub) await hub.stop();
});

function record() {
  window.__notes = [];
  window.__beeps = 0;
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notes.push({ title, body: options && options.body });
    }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Recorded.requestPermission = (...a) => Real.requestPermission(...a);
  window.Notification = Recorded;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...a) { window.__beeps += 1; return start.apply(this, a); };
}

test('notifications and sound for waiting threads and messages in held threads', async () => {
  const ctx = await browser.newContext(B.DESKTOP);
  await ctx.grantPermissions(['notifications'], { origin: hub.url });
  await ctx.addInitScript(record);
  const page = await ctx.newPage();
  const problems = B.guard(page, hub.url);
  await B.loginInbox(page, hub.url, CASEWORKERS.ana);
  const notify = page.locator('#notify-toggle');
  const sound = page.locator('#sound-toggle');
  assert.equal(await notify.textContent(), 'Notifications: off');
  assert.equal(await notify.getAttribute('aria-pressed'), 'false');
  const notes = () => page.evaluate(() => window.__notes);
  const beeps = () => page.evaluate(() => window.__beeps);

  // Off: a waiting thread raises nothing.
  const james = await B.wsParent(hub.url, PARENTS.james, ['I want to talk to a person'], 'en');
  await page.locator('#thread-list .ib-item', { hasText: 'James Carter' }).waitFor();
  assert.deepEqual(await notes(), []);
  assert.equal(await beeps(), 0);

  await notify.click();
  await page.waitForFunction(() => document.querySelector('#notify-toggle').getAttribute('aria-pressed') === 'true');
  assert.equal(await notify.textContent(), 'Notifications: on');
  await sound.click();
  assert.equal(await sound.textContent(), 'Sound: on');
  assert.equal(await beeps(), 1, 'turning the sound on plays it once');

  // On: Maria's thread starts waiting.
  const maria = await B.wsParent(hub.url, PARENTS.maria, ['quiero hablar con una persona'], 'es');
  await page.waitForFunction(() => window.__notes.length === 1);
  assert.deepEqual(await notes(), [{ title: 'A conversation is waiting', body: 'Open the ConnectHub inbox to read it.' }]);
  assert.equal(await beeps(), 2);
  await B.shot(page, 'inbox-notifications-on');

  // Ana claims James's thread, then looks at Maria's: James's next message is announced.
  await page.locator('#thread-list .ib-item', { hasText: 'James Carter' }).click();
  await page.getByRole('button', { name: 'Claim' }).click();
  await page.locator('#resolve').waitFor();
  await page.locator('#thread-list .ib-item', { hasText: 'Maria Lopez' }).click();
  await page.locator('#thread-title', { hasText: 'Maria Lopez' }).waitFor();
  james.ws.send(JSON.stringify({ type: 'send', id: 'c-later', text: 'Are you there?' }));
  await page.waitForFunction(() => window.__notes.length === 2);
  const second = (await notes())[1];
  assert.equal(second.title, 'New message in a conversation you hold');
  for (const n of await notes()) {
    assert.doesNotMatch(`${n.title} ${n.body}`, /James|Maria|Carter|Lopez|there|persona/, 'no names or text');
  }

  // Looking at James's thread: his next message shows there and raises nothing.
  await page.locator('.ib-filter[data-filter="mine"]').click();
  await page.locator('#thread-list .ib-item', { hasText: 'James Carter' }).click();
  await page.locator('#thread-title', { hasText: 'James Carter' }).waitFor();
  await page.bringToFront();
  james.ws.send(JSON.stringify({ type: 'send', id: 'c-seen', text: 'Thank you for answering' }));
  await page.locator('#thread-view', { hasText: 'Thank you for answering' }).waitFor();
  assert.equal((await notes()).length, 2, 'no notification for the thread on screen');

  // Spanish labels; turned off again, the next waiting thread raises nothing.
  await page.locator('#lang-toggle').click();
  await page.waitForFunction(() => document.querySelector('#notify-toggle').textContent === 'Notificaciones: sí');
  assert.equal(await sound.textContent(), 'Sonido: sí');
  await notify.click();
  await sound.click();
  assert.equal(await notify.textContent(), 'Notificaciones: no');
  assert.equal(await sound.getAttribute('aria-pressed'), 'false');
  const before = { notes: (await notes()).length, beeps: await beeps() };
  await page.locator('.ib-filter[data-filter="waiting"]').click();
  const rosa = await B.wsParent(hub.url, PARENTS.rosa, ['quiero hablar con una persona'], 'es');
  await page.locator('#thread-list .ib-item', { hasText: 'Rosa Diaz' }).waitFor();
  assert.equal((await notes()).length, before.notes);
  assert.equal(await beeps(), before.beeps);
  // The choice is kept in this browser: a reload shows it as left.
  await page.reload();
  await page.locator('#app-view').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#notify-toggle').getAttribute('aria-pressed'), 'false');
  for (const p of [james, maria, rosa]) p.close();
  assert.deepEqual(problems, []);
  await ctx.close();
});
