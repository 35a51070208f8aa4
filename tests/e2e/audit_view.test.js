'use strict';
// Issue 16, item 9: supervisors read the access log in the inbox (headless Chromium against the
// real hub): who listed, opened and acted on the open conversation, then everything one
// caseworker did; English and Spanish.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PARENTS, CASEWORKERS } = require('./lib/hub');
const B = require('./lib/browser');

const SUPERVISOR = { username: 'sup.reyes', password: 'correct horse battery 9' };
let hub;
let browser;
B.supervisorSuite(SUPERVISOR, (h, b) => { hub = h; browser = b; });

test('a supervisor sees who read and claimed a conversation, then filters by caseworker',
  async () => {
    const parent = await B.wsParent(hub.url, PARENTS.james, ['I want to talk to a person'], 'en');
    await parent.waitFor((f) => f.type === 'message' && f.from === 'bot');
    parent.close();
    // Ana lists, opens and claims the thread through the API.
    const ana = await B.inboxToken(hub.url, CASEWORKERS.ana);
    const list = await B.api(hub.url, 'GET', '/api/inbox/threads', ana);
    const th = list.json.threads.find((x) => x.participant.first_name === 'James');
    assert.ok(th);
    assert.equal((await B.api(hub.url, 'GET', `/api/inbox/threads/${th.id}`, ana)).status, 200);
    assert.equal((await B.api(hub.url, 'POST', `/api/inbox/threads/${th.id}/claim`, ana)).status,
      200);

    const ctx = await browser.newContext(B.DESKTOP);
    const page = await ctx.newPage();
    const problems = B.guard(page, hub.url);
    await B.loginInbox(page, hub.url, SUPERVISOR);
    await page.locator('.ib-filter[data-filter="all"]').click();  // the thread is claimed
    await page.locator('#thread-list .ib-item', { hasText: 'James Carter' }).click();
    const pane = page.locator('#audit-pane');
    await pane.waitFor({ state: 'visible' });
    assert.equal(await page.locator('#audit-title').textContent(), 'Access log');
    const items = page.locator('#audit-list li');
    await page.waitForFunction(() => document.querySelectorAll('#audit-list li').length >= 4);
    const texts = (await items.allTextContents()).map((s) => s.trim());
    // Newest first: the supervisor's own open and list, then Ana's claim, read and list.
    assert.match(texts[0], /^sup\.reyes · opened · /);
    assert.ok(texts.some((s) => /^ana\.garcia · claimed · /.test(s)), texts.join('\n'));
    assert.ok(texts.some((s) => /^ana\.garcia · opened · /.test(s)));
    assert.ok(texts.some((s) => /^ana\.garcia · listed · /.test(s)));
    // Everything Ana did, across threads.
    await page.locator('#audit-list button', { hasText: 'ana.garcia' }).first().click();
    await page.waitForFunction(() => /ana\.garcia/.test(document.querySelector('#audit-title').textContent));
    const byAna = (await items.allTextContents()).map((s) => s.trim());
    assert.ok(byAna.length >= 3);
    assert.ok(byAna.every((s) => s.startsWith('ana.garcia · ') && / · #\d+$/.test(s)), byAna.join('\n'));
    await page.locator('#audit-thread').click();
    await page.waitForFunction(() => document.querySelector('#audit-title').textContent === 'Access log');

    // Spanish.
    await page.locator('#lang-toggle').click();
    await page.locator('#thread-list .ib-item', { hasText: 'James Carter' }).click();
    await page.waitForFunction(() => document.querySelector('#audit-title').textContent === 'Registro de accesos');
    assert.ok((await items.allTextContents()).some((s) => /ana\.garcia · tomó · /.test(s)));
    assert.deepEqual(problems, []);

    // A caseworker who is not a supervisor has no access log.
    const ctx2 = await browser.newContext(B.DESKTOP);
    const page2 = await ctx2.newPage();
    await B.loginInbox(page2, hub.url, CASEWORKERS.ben);
    await page2.locator('.ib-filter[data-filter="all"]').click();
    await page2.locator('#thread-list .ib-item', { hasText: 'James Carter' }).click();
    await page2.locator('#thread-view').waitFor({ state: 'visible' });
    assert.equal(await page2.locator('#audit-pane').isHidden(), true);
    await ctx.close();
    await ctx2.close();
  });
