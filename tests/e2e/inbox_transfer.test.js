'use strict';
// Issue 19, assignment in the browser: in an open thread's header, "Release" puts a claimed
// thread back to waiting and "Transfer…" hands it to a colleague or into a county's queue. Every
// move reaches the other caseworkers' inboxes live over /ws/inbox (no reload). A transfer to a
// caseworker whose county does not see the thread is refused with the form's alert. An SMS from a
// number linked to no one who asks for a person waits in the triage queue ("Triage" badge, seen by
// every caseworker without `serve --triage-county`). Spanish labels; axe-core on the open form.
//
// One hub, three browser contexts, each caseworker logged in once (TOTP codes are single-use):
// Ana and Ben (MADERA, from lib/hub.js) and Flor (FRESNO, added here with the CLI).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { startHub, PARENTS, CASEWORKERS } = require('./lib/hub');
const B = require('./lib/browser');
const sms = require('../integration/lib/sms_helpers');
const totp = require('../integration/lib/totp');

const FLOR = { username: 'flor.reyes', password: 'correct horse battery 3', county: 'FRESNO', display: 'Flor' };
const UNLINKED = '+15595559901';  // linked to no participant: the triage queue
const EN = {
  release: 'Release', transfer: 'Transfer…', triage: 'Triage',
  released: 'Released: the conversation is waiting again.',
  notTheirCounty: 'That caseworker’s county does not see this conversation: transfer it to their county’s queue instead.',
  queue: 'In the FRESNO queue', triageMeta: 'Triage: no county (number not linked)',
};
const ES = { release: 'Liberar', transfer: 'Transferir…', triage: 'Clasificación', claim: 'Tomar' };

let hub;
let browser;
const ctxs = [];
let pa;  // Ana (MADERA)
let pb;  // Ben (MADERA)
let pf;  // Flor (FRESNO)
const problems = [];
let jamesId;

async function page(cw) {
  const ctx = await browser.newContext({ ...B.DESKTOP, locale: 'en-US' });
  ctxs.push(ctx);
  const p = await ctx.newPage();
  problems.push(B.guard(p, hub.url));
  await B.loginInbox(p, hub.url, cw);
  // Gone if the page is ever reloaded: every update below must arrive live.
  await p.evaluate(() => { window.__sameDocument = true; });
  return p;
}
const item = (p, id) => p.locator(`#thread-list .ib-item[data-thread-id="${id}"]`);
const sameDocument = (p) => p.evaluate(() => window.__sameDocument === true);
async function filter(p, f) {
  await p.locator(`.ib-filter[data-filter="${f}"]`).click();
  await p.waitForFunction((x) => document.querySelector(`.ib-filter[data-filter="${x}"]`)
    .getAttribute('aria-pressed') === 'true', f);
}
async function open(p, id) {
  await item(p, id).click();
  await p.waitForFunction((x) => {
    const v = document.querySelector('#thread-view');
    const cur = document.querySelector(`#thread-list .ib-item[data-thread-id="${x}"]`);
    return v && !v.hidden && cur && cur.getAttribute('aria-current') === 'true';
  }, id);
}
async function toastIs(p, text) {
  await p.locator('#toast', { hasText: text }).waitFor();
  assert.equal((await p.locator('#toast').textContent()).trim(), text);
}
async function openTransferForm(p) {
  await p.locator('#transfer-open').click();
  await p.locator('#transfer-form').waitFor({ state: 'visible' });
  assert.equal(await p.locator('#transfer-open').getAttribute('aria-expanded'), 'true');
}
// An API call with the page's own inbox session (each caseworker logs in once per hub).
const status = (p, path) => p.evaluate(async (u) => (await fetch(u, { headers:
  { Authorization: 'Bearer ' + sessionStorage.getItem('connecthub.inbox.token') } })).status, path);
const optionTexts = (p) => p.locator('#transfer-target option').allTextContents();

before(async () => {
  process.env.CONNECTHUB_TWILIO_AUTH_TOKEN = sms.AUTH_TOKEN;
  hub = await startHub({ args: ['--office-hours', '1-7 00:00-24:00', '--public-url', sms.PUBLIC_URL,
    '--twilio-account-sid', sms.ACCOUNT_SID, '--twilio-from', sms.FROM,
    '--sms-api-base', 'http://127.0.0.1:9'] });
  // A FRESNO caseworker, added to the running hub's database with the CLI.
  const r = spawnSync(hub.bin, ['caseworker', 'add', '--db', hub.db, '--username', FLOR.username,
    '--county', FLOR.county, '--display-name', FLOR.display], { input: FLOR.password + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  totp.enrol(hub.bin, hub.db, FLOR.username);
  browser = await B.launch();
  pa = await page(CASEWORKERS.ana);
  pb = await page(CASEWORKERS.ben);
  pf = await page(FLOR);
});
after(async () => {
  for (const c of ctxs) await c.close().catch(() => {});
  if (browser) await browser.close();
  if (hub) await hub.stop();
});

test('claim, transfer to a colleague (live in their inbox), release (live back)', async () => {
  const james = await B.wsParent(hub.url, PARENTS.james, ['I want to talk to a person'], 'en');
  await james.waitFor((f) => f.type === 'state' && f.state === 'waiting');
  james.close();
  const li = pa.locator('#thread-list .ib-item', { hasText: 'James Carter' });
  await li.waitFor();
  jamesId = Number(await li.getAttribute('data-thread-id'));
  await open(pa, jamesId);
  // Waiting and unclaimed: anyone may transfer it; nothing to release.
  assert.equal(await pa.locator('#release').isHidden(), true);
  assert.equal(await pa.locator('#transfer-open').isVisible(), true);
  await pa.locator('#claim').click();
  await pa.locator('#thread-state', { hasText: 'Assigned to you' }).waitFor();
  assert.equal((await pa.locator('#release').textContent()).trim(), EN.release);
  assert.equal((await pa.locator('#transfer-open').textContent()).trim(), EN.transfer);
  await pa.locator('#release').waitFor({ state: 'visible' });

  // Ben's inbox shows it claimed by Ana, live.
  await filter(pb, 'all');
  await item(pb, jamesId).locator('.ib-item-state', { hasText: 'Assigned to ana.garcia' }).waitFor();

  // Transfer to Ben: the form lists active colleagues (no supervisor, not Ana herself).
  await openTransferForm(pa);
  assert.equal(await pa.locator('#transfer-to-caseworker').isChecked(), true);
  const people = await optionTexts(pa);
  assert.ok(people.some((o) => /Ben \(ben\.kim\)/.test(o) && /MADERA/.test(o)), JSON.stringify(people));
  assert.ok(!people.some((o) => /ana\.garcia/.test(o)), 'Ana is not offered to herself');
  await pa.locator('#transfer-target').selectOption(CASEWORKERS.ben.username);
  await pa.locator('#transfer-submit').click();
  await toastIs(pa, `Transferred to ${CASEWORKERS.ben.display}.`);
  await pa.locator('#transfer-form').waitFor({ state: 'hidden' });
  await pa.locator('#thread-state', { hasText: 'Assigned to ben.kim' }).waitFor();
  assert.equal(await pa.locator('#release').isHidden(), true, 'Ana no longer holds it');
  assert.equal(await pa.locator('#transfer-open').isHidden(), true);

  // Ben sees it as his, without a reload, in "Mine".
  await item(pb, jamesId).locator('.ib-item-state', { hasText: 'Assigned to you' }).waitFor();
  await filter(pb, 'mine');
  await item(pb, jamesId).waitFor();
  await open(pb, jamesId);
  await pb.locator('#release').waitFor({ state: 'visible' });
  await pb.locator('#release').click();
  await toastIs(pb, EN.released);
  await pb.locator('#thread-state', { hasText: /^Waiting/ }).waitFor();

  // Ana sees it waiting again, live.
  await filter(pa, 'waiting');
  await item(pa, jamesId).locator('.ib-item-state', { hasText: /^Waiting/ }).waitFor();
  await pa.locator('#thread-state', { hasText: /^Waiting/ }).waitFor();
  for (const p of [pa, pb]) assert.ok(await sameDocument(p), 'the page was reloaded');
});

test('a transfer to a caseworker of a county that does not see the thread: the form says so', async () => {
  assert.ok(jamesId);
  await open(pa, jamesId);
  await openTransferForm(pa);
  const people = await optionTexts(pa);
  assert.ok(people.some((o) => /Flor \(flor\.reyes\)/.test(o) && /FRESNO/.test(o)), JSON.stringify(people));
  await pa.locator('#transfer-target').selectOption(FLOR.username);
  await pa.locator('#transfer-submit').click();
  await pa.locator('#transfer-error', { hasText: EN.notTheirCounty }).waitFor();
  assert.equal((await pa.locator('#transfer-error').textContent()).trim(), EN.notTheirCounty);
  assert.equal(await pa.locator('#transfer-error').getAttribute('role'), 'alert');
  assert.equal(await pa.locator('#transfer-form').isVisible(), true, 'the form stays open');
  // Nothing moved.
  await pa.locator('#thread-state', { hasText: /^Waiting/ }).waitFor();

  // The county choice lists the counties of active colleagues.
  await pa.locator('#transfer-to-county').check();
  await pa.waitForFunction(() => document.querySelector('#transfer-target option[value="FRESNO"]'));
  const counties = await pa.locator('#transfer-target option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(counties, ['FRESNO', 'MADERA']);
  await pa.locator('#transfer-to-caseworker').check();
  await pa.locator('#transfer-target').selectOption(FLOR.username);
  await pa.locator('#transfer-target').focus();
  // The earlier "Transferred to" toast times out (5 s) and fades out (150 ms) before the picture.
  await pa.waitForFunction(() => getComputedStyle(document.getElementById('toast')).opacity === '0', null,
    { timeout: 8000 });
  await B.shot(pa, 'inbox-transfer');

  // axe-core on the open form (with its alert shown): no serious or critical violations.
  const serious = await B.axe(pa);
  assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));
  const formOnly = await B.axe(pa, '#transfer-form');
  assert.deepEqual(formOnly, [], JSON.stringify(formOnly, null, 2));

  // Cancel closes it and gives the focus back to its button.
  await pa.locator('#transfer-cancel').click();
  await pa.locator('#transfer-form').waitFor({ state: 'hidden' });
  assert.equal(await pa.evaluate(() => document.activeElement.id), 'transfer-open');
});

test('transfer to the FRESNO queue: in FRESNO\'s inbox live, with its queue', async () => {
  assert.ok(jamesId);
  await filter(pb, 'waiting');
  await item(pb, jamesId).waitFor();
  await filter(pf, 'waiting');
  assert.equal(await item(pf, jamesId).count(), 0, 'FRESNO does not see a MADERA thread');

  await open(pa, jamesId);
  await openTransferForm(pa);
  await pa.locator('#transfer-to-county').check();
  await pa.locator('#transfer-target').selectOption('FRESNO');
  await pa.locator('#transfer-submit').click();
  await toastIs(pa, 'Transferred to FRESNO.');

  // FRESNO: it appears, live, with its queue in the thread head.
  await item(pf, jamesId).waitFor();
  await open(pf, jamesId);
  await pf.locator('#thread-meta', { hasText: EN.queue }).waitFor();
  assert.match(await pf.locator('#thread-meta').textContent(), /MADERA · In the FRESNO queue/);
  await pf.locator('#claim').waitFor({ state: 'visible' });
  // The hub moved it out of MADERA: Ana's own session no longer reads it.
  assert.equal(await status(pa, `/api/inbox/threads/${jamesId}`), 404);
  assert.equal(await status(pf, `/api/inbox/threads/${jamesId}`), 200);

  for (const p of [pa, pb, pf]) assert.ok(await sameDocument(p), 'the page was reloaded');
});

// After a transfer to another county's queue, the thread leaves the MADERA inboxes live: the
// mover's page drops it, and the hub tells the others' sockets it is gone (ids only).
test('transfer to the FRESNO queue: the thread leaves the MADERA inboxes live', async () => {
  assert.ok(jamesId);
  const stale = [];
  for (const [name, p] of [['Ana (moved it)', pa], ['Ben (pushed)', pb]]) {
    try {
      await item(p, jamesId).waitFor({ state: 'detached', timeout: 3000 });
    } catch (e) {
      stale.push(`${name}: ${(await item(p, jamesId).textContent()).trim()}`);
    }
  }
  assert.deepEqual(stale, [], 'still listed in MADERA inboxes');
});

test('triage: an unlinked number asking for a person waits with a "Triage" badge for everyone', async () => {
  const answer = await sms.text(hub, UNLINKED, 'agent');
  assert.ok(answer.length > 0, 'the hub answered the text');
  for (const p of [pa, pb, pf]) await filter(p, 'waiting');
  const triaged = pa.locator('#thread-list .ib-item', { hasText: EN.triage });
  await triaged.waitFor();
  const id = Number(await triaged.getAttribute('data-thread-id'));
  for (const p of [pa, pb, pf]) {
    const it = item(p, id);
    await it.locator('.ib-badge-triage', { hasText: EN.triage }).waitFor();
    assert.match(await it.textContent(), /Unknown participant/);
    assert.match(await it.textContent(), /SMS/);
  }
  await open(pa, id);
  await pa.locator('#thread-meta', { hasText: EN.triageMeta }).waitFor();
  await pa.locator('#transfer-open').waitFor({ state: 'visible' });
  await B.shot(pa, 'inbox-triage');

  // Ana claims it; Spanish labels for Release, Transfer and the badge.
  await pa.locator('#claim').click();
  await pa.locator('#release').waitFor({ state: 'visible' });
  await filter(pa, 'all');
  await pa.locator('#lang-toggle').click();
  await pa.locator('#release', { hasText: ES.release }).waitFor();
  assert.equal((await pa.locator('#release').textContent()).trim(), ES.release);
  assert.equal((await pa.locator('#transfer-open').textContent()).trim(), ES.transfer);
  await item(pa, id).locator('.ib-badge-triage', { hasText: ES.triage }).waitFor();
  assert.match(await pa.locator('#thread-meta').textContent(), /Clasificación: sin condado/);
  await openTransferForm(pa);
  assert.equal((await pa.locator('#transfer-submit').textContent()).trim(), 'Transferir');
  assert.equal((await pa.locator('label[for="transfer-target"]').textContent()).trim(), 'Elija');
  await pa.locator('#transfer-cancel').click();
  // Released again, in Spanish.
  await pa.locator('#release').click();
  await toastIs(pa, 'Liberada: la conversación vuelve a esperar.');
  await pa.locator('#claim', { hasText: ES.claim }).waitFor({ state: 'visible' });
  for (const p of [pa, pb, pf]) assert.ok(await sameDocument(p), 'the page was reloaded');
  assert.deepEqual(problems.flat(), []);
});
