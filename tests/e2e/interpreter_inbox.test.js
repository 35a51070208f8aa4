'use strict';
// Issue 23: a parent who writes Vietnamese is shown to caseworkers as "Vietnamese, interpreter
// needed" in the thread list and the thread view (headless Chromium against the real hub),
// in English and in Spanish.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PARENTS } = require('./lib/hub');
const B = require('./lib/browser');

const SUPERVISOR = { username: 'sup.tran', password: 'correct horse battery 7' };
let hub;
let browser;
B.supervisorSuite(SUPERVISOR, (h, b) => { hub = h; browser = b; });

test('the inbox shows the language a thread needs an interpreter for', async () => {
  const parent = await B.wsParent(hub.url, PARENTS.lena, ['Tôi nợ bao nhiêu tiền'], 'en');
  const notice = await parent.waitFor((f) => f.type === 'message' && f.from === 'bot');
  assert.match(notice.text, /^Chúng tôi đã nhận được tin nhắn/);
  parent.close();

  const ctx = await browser.newContext(B.DESKTOP);
  const page = await ctx.newPage();
  const problems = B.guard(page, hub.url);
  await B.loginInbox(page, hub.url, SUPERVISOR);
  const item = page.locator('#thread-list .ib-item', { hasText: 'Lena Park' });
  await item.waitFor({ state: 'visible' });
  assert.match(await item.textContent(), /Vietnamese, interpreter needed/);
  await item.click();
  await page.waitForFunction(() => /interpreter needed/.test(document.querySelector('#thread-meta').textContent));
  assert.match(await page.locator('#thread-meta').textContent(), /Vietnamese, interpreter needed/);
  // A thread without the need shows no such badge.
  const others = await page.locator('#thread-list .ib-item').allTextContents();
  assert.equal(others.filter((s) => /interpreter needed/.test(s)).length, 1);

  await page.locator('#lang-toggle').click();
  await page.waitForFunction(() => /se necesita intérprete/.test(document.querySelector('#thread-list').textContent));
  assert.match(await item.textContent(), /vietnamita, se necesita intérprete/);
  assert.deepEqual(problems, []);
  await ctx.close();
});
