'use strict';
// Issue 19: the caseworker searches conversations from the box above the thread list (results
// replace the list until cleared; a "no results" message), and waiting threads show when a reply
// is due and an "Overdue" badge, in the list and the thread head, in English and Spanish.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startHub, PARENTS, CASEWORKERS } = require('./lib/hub');
const B = require('./lib/browser');

let hub;
let browser;
before(async () => {
  // Open around the clock and a 4 s target: threads become overdue during the test.
  hub = await startHub({ args: ['--office-hours', '1-7 00:00-24:00', '--reply-target-hours', '0.001'] });
  browser = await B.launch();
});
after(async () => {
  if (browser) await browser.close();
  if (hub) await hub.stop();
});

test('search box, due time and overdue badge in the inbox', async () => {
  for (const [parent, text, lang] of [[PARENTS.james, 'I want to talk to a person', 'en'],
    [PARENTS.maria, 'quiero hablar con una persona', 'es']]) {
    const p = await B.wsParent(hub.url, parent, [text], lang);
    await p.waitFor((f) => f.type === 'state' && f.state === 'waiting');
    p.close();
  }
  const ctx = await browser.newContext(B.DESKTOP);
  const page = await ctx.newPage();
  const problems = B.guard(page, hub.url);
  await B.loginInbox(page, hub.url, CASEWORKERS.ana);
  await page.locator('#thread-list .ib-item', { hasText: 'James Carter' }).waitFor();
  assert.match(await page.locator('#thread-list').textContent(), /Reply (by|was due)/);

  // Search by name (Enter): only James, until the search is cleared; re-searched until the hub
  // calls the thread overdue.
  const box = page.getByLabel('Search conversations');
  await box.fill('carter');
  const deadline = Date.now() + 15000;
  for (;;) {
    await box.press('Enter');
    await page.waitForFunction(() => /Search results/.test(document.querySelector('#search-status').textContent));
    const text = await page.locator('#thread-list').textContent();
    if (/Overdue/.test(text) || Date.now() > deadline) break;
    await page.waitForTimeout(300);
  }
  let items = await page.locator('#thread-list .ib-item').allTextContents();
  assert.equal(items.length, 1);
  assert.match(items[0], /James Carter/);
  assert.match(items[0], /Overdue/);
  assert.match(items[0], /Reply was due/);
  assert.match(await page.locator('#search-status').textContent(), /“carter”: 1/);
  await B.shot(page, 'inbox-search-results');

  // The thread head shows the target too.
  await page.locator('#thread-list .ib-item').first().click();
  await page.waitForFunction(() => !document.querySelector('#thread-due').hidden);
  assert.match(await page.locator('#thread-due').textContent(), /Reply was due \d{1,2}:\d\d/);

  // By phone, typed with punctuation.
  await box.fill('(559) 555-0101');
  await box.press('Enter');
  await page.waitForFunction(() => /“\(559\) 555-0101”: 1/.test(document.querySelector('#search-status').textContent));
  items = await page.locator('#thread-list .ib-item').allTextContents();
  assert.deepEqual(items.map((s) => /Maria Lopez/.test(s)), [true]);

  // No results: a message, not an empty list.
  await box.fill('nobody here');
  await box.press('Enter');
  await page.locator('#list-empty', { hasText: 'No conversations match “nobody here”.' }).waitFor();
  assert.equal(await page.locator('#thread-list .ib-item').count(), 0);
  await B.shot(page, 'inbox-search-none');

  // Cleared: the list is back, overdue first (both are; both badged).
  await page.locator('#search-clear').click();
  await page.waitForFunction(() => document.querySelectorAll('#thread-list .ib-item').length === 2);
  assert.equal(await page.locator('#search-status').textContent(), '');

  // Spanish.
  await page.locator('#lang-toggle').click();
  await page.waitForFunction(() => /Atrasada/.test(document.querySelector('#thread-list').textContent));
  assert.match(await page.locator('#thread-due').textContent(), /La respuesta vencía/);
  assert.equal(await page.getByLabel('Buscar conversaciones').count(), 1);
  await B.shot(page, 'inbox-due-es');
  assert.deepEqual(problems, []);
  await ctx.close();
});
