'use strict';
// Issue 19: supervisors' reports in the inbox (headless Chromium against the real hub): parents
// chat over /ws/chat, a caseworker answers and resolves one; the supervisor opens Reports, reads
// the table, downloads the CSV (fetched with the bearer token, saved from a blob) and switches to
// Spanish. A caseworker who is not a supervisor has no Reports button.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { PARENTS, CASEWORKERS } = require('./lib/hub');
const B = require('./lib/browser');

const SUPERVISOR = { username: 'sup.reyes', password: 'correct horse battery 9' };
let hub;
let browser;
B.supervisorSuite(SUPERVISOR, (h, b) => { hub = h; browser = b; });

// The table's rows as {header: cell text}.
async function tableRows(page) {
  return page.evaluate(() => {
    const heads = [...document.querySelectorAll('#report-table thead th')].map((th) => th.textContent);
    return [...document.querySelectorAll('#report-rows tr')].map((tr) =>
      Object.fromEntries([...tr.children].map((c, i) => [heads[i], c.textContent])));
  });
}

test('a supervisor opens Reports, reads the table, downloads the CSV, in English and Spanish',
  async () => {
    // James and Lena (English) and Maria (Spanish) ask for a person; Lena also asks her balance.
    for (const [who, texts, lang] of [[PARENTS.james, ['I want to talk to a person'], 'en'],
      [PARENTS.lena, ['what is my balance', 'I want to talk to a person'], 'en'],
      [PARENTS.maria, ['quiero hablar con una persona'], 'es']]) {
      const parent = await B.wsParent(hub.url, who, texts, lang);
      await parent.waitFor((f) => f.type === 'message' && f.from === 'bot' && f.intent === 'agent');
      parent.close();
    }
    // Ana answers James and resolves his conversation.
    const ana = await B.inboxToken(hub.url, CASEWORKERS.ana);
    const list = await B.api(hub.url, 'GET', '/api/inbox/threads', ana);
    const james = list.json.threads.find((x) => x.participant.first_name === 'James');
    assert.equal((await B.api(hub.url, 'POST', `/api/inbox/threads/${james.id}/reply`, ana,
      { text: 'Hello James, this is Ana.' })).status, 200);
    assert.equal((await B.api(hub.url, 'POST', `/api/inbox/threads/${james.id}/resolve`, ana))
      .status, 200);

    const ctx = await browser.newContext({ ...B.DESKTOP, acceptDownloads: true });
    const page = await ctx.newPage();
    const problems = B.guard(page, hub.url);
    await B.loginInbox(page, hub.url, SUPERVISOR);
    const toggle = page.locator('#reports-toggle');
    await toggle.waitFor({ state: 'visible' });
    assert.equal((await toggle.textContent()).trim(), 'Reports');
    await toggle.click();
    await page.locator('#report-view').waitFor({ state: 'visible' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await page.waitForFunction(() => /^Report shown/.test(document.querySelector('#report-status').textContent));
    // The hub's default range (the agency's last 7 days) fills in the dates.
    const from = await page.locator('#report-from').inputValue();
    const to = await page.locator('#report-to').inputValue();
    assert.match(from, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal((Date.parse(to) - Date.parse(from)) / 86400e3, 6);
    assert.match(await page.locator('#report-caption').textContent(), /^Report from .+ to .+$/);
    assert.equal(await page.locator('#case-pane').isHidden(), true);  // the report takes its room
    const heads = await page.locator('#report-table thead th[scope="col"]').allTextContents();
    assert.deepEqual(heads, ['Date', 'County', 'Language', 'Assistant answers by topic',
      'Handed to caseworkers', 'First replies', 'Median wait', '90th percentile wait', 'Resolved']);
    const rows = await tableRows(page);
    const en = rows.filter((r) => r.County === 'MADERA' && r.Language === 'English');
    const es = rows.filter((r) => r.County === 'MADERA' && r.Language === 'Spanish');
    assert.ok(en.length >= 1 && es.length >= 1, JSON.stringify(rows));
    const sum = (rs, col) => rs.reduce((n, r) => n + Number(r[col]), 0);
    assert.equal(sum(en, 'Handed to caseworkers'), 2);
    assert.equal(sum(en, 'First replies'), 1);
    assert.equal(sum(en, 'Resolved'), 1);
    assert.equal(sum(es, 'Handed to caseworkers'), 1);
    assert.equal(sum(es, 'First replies'), 0);
    assert.ok(en.some((r) => /\bbalance 1\b/.test(r['Assistant answers by topic'])));
    assert.ok(en.some((r) => /^\d+ s$|min/.test(r['Median wait'])), JSON.stringify(en));
    assert.ok(es.every((r) => r['Median wait'] === '–'));
    // Row headers name each row's date.
    assert.ok(await page.locator('#report-rows th[scope="row"]').count() >= 2);
    assert.deepEqual(await B.axe(page, '#report-view'), []);
    await B.shot(page, 'inbox-reports');

    // Download CSV: a file named by the hub, the same rows.
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.locator('#report-download').click()]);
    assert.equal(download.suggestedFilename(), `connecthub-report-${from}-${to}.csv`);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split('\r\n');
    assert.match(lines[0], /^date,county,language,escalations,first_replies,/);
    assert.equal(lines.length, rows.length + 1);
    assert.ok(lines.slice(1).every((l) => /^\d{4}-\d{2}-\d{2},MADERA,(en|es),/.test(l)), csv);
    await page.waitForFunction(() => document.querySelector('#report-status').textContent === 'CSV downloaded.');

    // Another range: a month with nothing in it.
    await page.locator('#report-from').fill('2025-01-01');
    await page.locator('#report-to').fill('2025-01-31');
    await page.locator('#report-show').click();
    await page.waitForFunction(() => /Nothing happened/.test(document.querySelector('#report-rows').textContent));
    await page.locator('#report-from').fill(from);
    await page.locator('#report-to').fill(to);
    await page.locator('#report-show').click();
    await page.waitForFunction(() => document.querySelectorAll('#report-rows th[scope="row"]').length >= 2);

    // Spanish.
    await page.locator('#lang-toggle').click();
    await page.waitForFunction(() => document.querySelector('#report-title').textContent === 'Informes');
    assert.equal((await toggle.textContent()).trim(), 'Informes');
    assert.match(await page.locator('#report-caption').textContent(), /^Informe del .+ al .+$/);
    assert.deepEqual(await page.locator('#report-table thead th[scope="col"]').allTextContents(),
      ['Fecha', 'Condado', 'Idioma', 'Respuestas del asistente por tema', 'Pasadas a trabajadores',
        'Primeras respuestas', 'Espera mediana', 'Espera del percentil 90', 'Resueltas']);
    assert.equal(await page.locator('label[for="report-from"]').textContent(), 'Desde');
    assert.equal((await page.locator('#report-download').textContent()).trim(), 'Descargar CSV');
    assert.equal(await page.locator('#report-status').textContent(), 'Informe mostrado: 2 filas.');
    const esRows = await tableRows(page);
    assert.ok(esRows.some((r) => r.Idioma === 'Inglés') && esRows.some((r) => r.Idioma === 'Español'));
    await B.shot(page, 'inbox-reports-es');

    // Back to the conversations: the thread pane and the case pane again.
    await page.locator('#reports-close').click();
    await page.locator('#report-view').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('#case-pane').isVisible(), true);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.deepEqual(problems, []);

    // A caseworker who is not a supervisor has no Reports button (and the API says 403).
    const ctx2 = await browser.newContext(B.DESKTOP);
    const page2 = await ctx2.newPage();
    await B.loginInbox(page2, hub.url, CASEWORKERS.ben);
    await page2.locator('#thread-list .ib-item').first().waitFor();
    assert.equal(await page2.locator('#reports-toggle').isHidden(), true);
    assert.equal((await B.api(hub.url, 'GET', '/api/inbox/reports', ana)).status, 403);
    await ctx.close();
    await ctx2.close();
  });
