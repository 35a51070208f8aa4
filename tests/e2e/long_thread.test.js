'use strict';
// Issue 19, long threads: a thread longer than one page opens at its newest messages, and "Load
// older messages" brings the earlier ones above them without moving what the caseworker reads
// (headless Chromium against the real hub); English and Spanish label.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startHub, PARENTS, CASEWORKERS } = require('./lib/hub');
const B = require('./lib/browser');

const NOTES = 230;  // with the parent's and the bot's messages: more than the first page of 200
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

test('a long thread opens at its newest messages and loads older ones on request', async () => {
  const parent = await B.wsParent(hub.url, PARENTS.james, ['I want to talk to a person'], 'en');
  await parent.waitFor((f) => f.type === 'message' && f.from === 'bot');
  parent.close();
  const ana = await B.inboxToken(hub.url, CASEWORKERS.ana);
  const th = (await B.api(hub.url, 'GET', '/api/inbox/threads', ana)).json.threads
    .find((x) => x.participant.first_name === 'James');
  assert.ok(th);
  assert.equal((await B.api(hub.url, 'POST', `/api/inbox/threads/${th.id}/claim`, ana)).status,
    200);
  for (let i = 1; i <= NOTES; i++) {
    const r = await B.api(hub.url, 'POST', `/api/inbox/threads/${th.id}/note`, ana,
      { text: `working note ${i}` });
    assert.equal(r.status, 200);
  }
  const last = (await B.api(hub.url, 'GET', `/api/inbox/threads/${th.id}?limit=1`, ana)).json
    .messages[0].seq;

  const ctx = await browser.newContext(B.DESKTOP);
  const page = await ctx.newPage();
  const problems = B.guard(page, hub.url);
  await B.loginInbox(page, hub.url, CASEWORKERS.ana);
  await page.locator('.ib-filter[data-filter="all"]').click();
  await page.locator('#thread-list .ib-item', { hasText: 'James Carter' }).click();
  const items = page.locator('#messages .ib-msg');
  await items.last().waitFor();
  const seqs = async () => (await items.evaluateAll((els) => els.map((e) => Number(e.dataset.seq))));
  // The newest 200, ending at the last one; the first message is not shown yet.
  let shown = await seqs();
  assert.equal(shown.length, 200);
  assert.equal(shown[shown.length - 1], last);
  assert.ok(!shown.includes(1));
  assert.ok(await page.locator('#messages .ib-msg', { hasText: `working note ${NOTES}` }).isVisible());
  const older = page.locator('#load-older');
  assert.equal(await older.textContent(), 'Load older messages');
  assert.ok(await older.isVisible());
  await B.shot(page, 'inbox-long-thread');

  // The oldest shown stays where it was in the conversation pane while the older page goes
  // above it.
  const firstShown = page.locator(`#messages [data-seq="${shown[0]}"]`);
  await firstShown.scrollIntoViewIfNeeded();
  const offset = async () => (await firstShown.boundingBox()).y -
    (await page.locator('#messages').boundingBox()).y;
  const y0 = await offset();
  await older.click();
  await page.waitForFunction(() => document.querySelector('#messages [data-seq="1"]'));
  shown = await seqs();
  assert.deepEqual(shown, shown.map((_, i) => i + 1), 'every message once, in order');
  assert.equal(shown.length, last);
  assert.ok(Math.abs((await offset()) - y0) < 2, 'the reader stays in place');
  assert.ok(await older.isHidden(), 'nothing older is left');
  assert.match(await page.locator('#messages [data-seq="1"]').textContent(),
    /I want to talk to a person/);
  await page.locator('#messages').evaluate((el) => { el.scrollTop = 0; });
  await B.shot(page, 'inbox-long-thread-older');

  // Spanish: the same button in the caseworker's other language.
  await page.locator('#lang-toggle').click();
  await page.locator('#thread-list .ib-item', { hasText: 'James Carter' }).click();
  await page.waitForFunction(() => !document.querySelector('#load-older').hidden &&
    document.querySelectorAll('#messages .ib-msg').length === 200);
  assert.equal(await older.textContent(), 'Ver mensajes anteriores');
  assert.deepEqual(problems, []);
  await ctx.close();
});
