'use strict';
// Issue 17 item 7, in the widget: a parent asks for a person and leaves before anyone answers; a
// caseworker replies twice through the inbox API. At the parent's next login (a fresh page) the
// replies are marked new (`.ch-new`, a label as the first child: the first one says why, the next
// one just "New"), what came before them is not, and the log opens at the first new reply rather
// than at its end. Once seen, a later login marks nothing. English and Spanish.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startHub, PARENTS, CASEWORKERS } = require('./lib/hub');
const B = require('./lib/browser');

let hub;
let browser;
let ana; // one inbox login per hub: TOTP codes are single-use
before(async () => {
  hub = await startHub();
  browser = await B.launch();
  ana = await B.inboxToken(hub.url, CASEWORKERS.ana);
});
after(async () => {
  if (browser) await browser.close();
  if (hub) await hub.stop();
});

// Polls `check` (async, truthy when done) until it holds; fails after `ms` with `what`.
async function until(check, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// The hub no longer holds a chat socket on any thread: a reply now finds the parent away.
async function noChatSockets() {
  await until(async () => /^connecthub_chat_subscriptions(\{\})? 0$/m
    .test((await B.api(hub.url, 'GET', '/metrics')).text), 'the parent\'s chat socket to close');
}

// Lets the widget's requestAnimationFrame callbacks (its scrolling) run.
const frames = (page) => page.evaluate(() => new Promise((r) =>
  requestAnimationFrame(() => requestAnimationFrame(r))));

// A fresh page (fresh context: nothing in sessionStorage) where `parent` logs in and sees
// `replies` caseworker messages.
async function loginFresh(parent, locale, replies) {
  const ctx = await browser.newContext({ ...B.DESKTOP, locale });
  const page = await ctx.newPage();
  const problems = B.guard(page, hub.url);
  const welcomes = []; // the welcome frames the hub sent this page
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    try { const f = JSON.parse(String(payload)); if (f.type === 'welcome') welcomes.push(f); } catch (e) { /* not JSON */ }
  }));
  await B.openWidget(page, hub.url);
  const w = await B.loginParent(page, parent);
  await page.waitForFunction((n) => document.getElementById('connecthub-widget').shadowRoot
    .querySelectorAll('.ch-log .ch-msg.ch-from-caseworker').length >= n, replies);
  await frames(page);
  assert.equal(welcomes.length, 1, JSON.stringify(welcomes));
  return { ctx, page, w, problems, welcome: welcomes[0] };
}

const CASES = [
  {
    lang: 'en', locale: 'en-US', parent: PARENTS.james, question: 'What is my balance?',
    person: 'agent', waiting: 'A caseworker will answer you here',
    first: 'New: a caseworker answered while you were away', next: 'New',
    replies: [
      'Hi James, this is Ana. I looked at your case: your payment of $412.00 was received and applied.',
      'About the rest of the balance, here is what you can do before your case review. ' +
        'Bring your last two pay stubs, a letter from your employer if your hours changed, and any ' +
        'receipts for payments you made directly to the other parent. If your income went down, we ' +
        'can ask the court to look at the order again; that takes a few weeks, so it is best to start ' +
        'soon. You can also set up automatic payments online so that nothing is missed while the ' +
        'review is pending. If any of this is unclear, write here and I will answer as soon as I can. ' +
        'Our office is open Monday to Friday, 8 to 5, and you can call 1-866-901-3212 as well.',
    ],
  },
  {
    lang: 'es', locale: 'es-US', parent: PARENTS.maria, question: '¿cuánto debo?',
    person: 'quiero hablar con un agente', waiting: 'le responderá',
    first: 'Nuevo: un trabajador de casos le respondió mientras no estaba', next: 'Nuevo',
    replies: [
      'Hola Maria, soy Ana. Revisé su caso: recibimos su pago de $125.00.',
      'Sobre el resto del saldo, esto es lo que puede hacer antes de su audiencia. Traiga sus dos ' +
        'últimos talones de pago, una carta de su empleador si cambiaron sus horas y los recibos de ' +
        'los pagos que hizo directamente al otro padre. Si sus ingresos bajaron, podemos pedir a la ' +
        'corte que revise la orden; eso tarda unas semanas, así que es mejor empezar pronto. También ' +
        'puede programar pagos automáticos en línea para no atrasarse mientras tanto. Si algo no está ' +
        'claro, escriba aquí y le responderé lo antes posible. La oficina abre de lunes a viernes, ' +
        'de 8 a 5, y también puede llamar al 1-866-901-3212.',
    ],
  },
];

for (const c of CASES) {
  test(`replies given while the parent was away are marked new at the next login (${c.lang})`,
    { timeout: 120000 }, async () => {
      // 1. The parent asks a question, asks for a person, and leaves before anyone answers.
      const ctx1 = await browser.newContext({ ...B.DESKTOP, locale: c.locale });
      const page1 = await ctx1.newPage();
      const problems1 = B.guard(page1, hub.url);
      const w1 = await B.openWidget(page1, hub.url);
      await B.loginParent(page1, c.parent);
      await B.ask(page1, c.question);
      await w1.text.fill(c.person);
      await w1.send.click();
      await w1.banner.filter({ hasText: c.waiting }).waitFor({ timeout: 15000 });
      await page1.waitForFunction(() => Array.from(document.getElementById('connecthub-widget')
        .shadowRoot.querySelectorAll('.ch-from-participant')).every((m) => m.dataset.status === 'sent'));
      assert.deepEqual(problems1, []);
      await ctx1.close();
      await noChatSockets();

      // 2. A caseworker answers twice, through the inbox API.
      const list = await B.api(hub.url, 'GET', '/api/inbox/threads', ana);
      assert.equal(list.status, 200, list.text);
      const th = list.json.threads.find((t) => t.participant.participant_id === c.parent.participant_id &&
        t.channel === 'web');
      assert.ok(th, 'the thread is in the inbox: ' + list.text.slice(0, 300));
      const seqs = [];
      for (const text of c.replies) {
        const r = await B.api(hub.url, 'POST', `/api/inbox/threads/${th.id}/reply`, ana, { text });
        assert.equal(r.status, 200, r.text);
        seqs.push(r.json.seq);
      }

      // 3. The next login, in a fresh page: both replies are new, nothing before them is.
      const s = await loginFresh(c.parent, c.locale, 2);
      assert.equal(s.welcome.new_from_seq, seqs[0]);
      const root = '#connecthub-widget .ch-log';
      const first = s.page.locator(`${root} .ch-msg[data-seq="${seqs[0]}"]`);
      const second = s.page.locator(`${root} .ch-msg[data-seq="${seqs[1]}"]`);
      assert.equal(await first.locator('.ch-text').textContent(), c.replies[0]);
      for (const [el, label] of [[first, c.first], [second, c.next]]) {
        assert.equal(await el.evaluate((e) => e.classList.contains('ch-new')), true);
        assert.equal(await el.evaluate((e) => e.firstElementChild.className), 'ch-new-label');
        assert.equal((await el.locator(':scope > .ch-new-label').textContent()).trim(), label);
      }
      assert.equal(await s.page.locator(`${root} .ch-new`).count(), 2);
      // The banner names the caseworker (learnt from the replayed replies on a fresh login).
      await s.page.locator('#connecthub-widget .ch-banner').filter({ hasText: /^Ana\b/ })
        .waitFor({ timeout: 5000 });
      assert.equal(await s.page.locator(`${root} .ch-new-label`).count(), 2);
      // What the parent and the bot said before the replies is shown, and is not marked.
      const earlier = await s.page.locator(`${root} .ch-msg`).evaluateAll((els, from) => els
        .filter((e) => Number(e.dataset.seq) < from)
        .map((e) => ({ cls: e.className, label: !!e.querySelector('.ch-new-label') })), seqs[0]);
      assert.ok(earlier.some((e) => /ch-from-participant/.test(e.cls)), JSON.stringify(earlier));
      assert.ok(earlier.some((e) => /ch-from-bot/.test(e.cls)), JSON.stringify(earlier));
      for (const e of earlier) {
        assert.doesNotMatch(e.cls, /\bch-new\b/);
        assert.equal(e.label, false);
      }
      assert.equal(await s.w.msgs('participant').filter({ hasText: c.question }).count(), 1);

      // The log opens at the first new reply (the long second one would push it out of sight if
      // the log had scrolled to its end).
      const log = s.page.locator(root);
      const scroll = await log.evaluate((e) => ({ top: e.scrollTop, height: e.scrollHeight, client: e.clientHeight }));
      assert.ok(scroll.height > scroll.client + 50, 'the log overflows: ' + JSON.stringify(scroll));
      assert.ok(scroll.top + scroll.client < scroll.height - 1, 'not scrolled to the end: ' + JSON.stringify(scroll));
      const box = await log.boundingBox();
      const msg = await first.boundingBox();
      assert.ok(msg.y >= box.y - 1 && msg.y + msg.height <= box.y + box.height + 1,
        `first new reply inside the log: ${JSON.stringify(msg)} in ${JSON.stringify(box)}`);
      assert.ok(await first.locator('.ch-new-label').isVisible());
      if (c.lang === 'en') {
        await B.shot(s.page, 'widget-new-reply');
        // The marks follow a switch of the widget's language.
        await s.page.locator('#connecthub-widget .ch-hactions .ch-hbtn').first().click();
        await first.locator(':scope > .ch-new-label',
          { hasText: 'Nuevo: un trabajador de casos le respondió mientras no estaba' }).waitFor();
        assert.equal((await second.locator(':scope > .ch-new-label').textContent()).trim(), 'Nuevo');
      }
      assert.deepEqual(s.problems, []);
      await s.ctx.close();

      // 4. Seen now: the next login marks nothing.
      const again = await loginFresh(c.parent, c.locale, 2);
      assert.equal(again.welcome.new_from_seq, undefined);
      assert.equal(await again.page.locator(`${root} .ch-msg[data-seq="${seqs[1]}"]`).count(), 1);
      assert.equal(await again.page.locator(`${root} .ch-new`).count(), 0);
      assert.equal(await again.page.locator(`${root} .ch-new-label`).count(), 0);
      assert.deepEqual(again.problems, []);
      await again.ctx.close();
    });
}
