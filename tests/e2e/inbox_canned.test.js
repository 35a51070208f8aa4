'use strict';
// Issue 19: canned replies managed by supervisors (headless Chromium against the real hub). A
// supervisor adds a Spanish reply in the "Canned replies" dialog (keyboard focus, confirmation
// before a delete, axe-core), and a caseworker who opens a Spanish conversation picks it in the
// composer and inserts it with the parent's first name filled in.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PARENTS, CASEWORKERS } = require('./lib/hub');
const B = require('./lib/browser');

const SUPERVISOR = { username: 'sup.reyes', password: 'correct horse battery 9' };
const LABEL = 'Documentos pendientes';
const TEXT = 'Hola, {name}: para continuar necesitamos una copia de su talón de pago. Puede subirla en el portal.';
let hub;
let browser;
B.supervisorSuite(SUPERVISOR, (h, b) => { hub = h; browser = b; });

test('a supervisor adds a Spanish canned reply; a caseworker inserts it in a Spanish thread',
  async () => {
    // Maria writes in Spanish and asks for a person: a waiting Spanish thread.
    const parent = await B.wsParent(hub.url, PARENTS.maria, ['Quiero hablar con una persona'], 'es');
    await parent.waitFor((f) => f.type === 'state' && f.state === 'waiting');
    parent.close();

    // --- the supervisor's manager ---
    const sctx = await browser.newContext(B.DESKTOP);
    const sup = await sctx.newPage();
    const problems = B.guard(sup, hub.url);
    await B.loginInbox(sup, hub.url, SUPERVISOR);
    const manage = sup.locator('#canned-manage');
    assert.equal((await manage.textContent()).trim(), 'Canned replies');
    await manage.click();
    const dialog = sup.locator('#canned-dialog');
    await dialog.waitFor({ state: 'visible' });
    // Focus moves into the dialog, on the language; the built-in English replies are listed.
    assert.equal(await sup.evaluate(() => document.activeElement.id), 'canned-lang');
    await sup.locator('#canned-list li', { hasText: 'Anything else?' }).waitFor();
    await sup.locator('#canned-lang').selectOption('es');
    await sup.locator('#canned-list li', { hasText: '¿Algo más?' }).waitFor();
    assert.equal(await sup.locator('#canned-list li').count(), 4);
    assert.equal(await sup.locator('#canned-form-legend').textContent(), 'Add a reply in Spanish');

    // An empty label is refused in an alert, focus on the field.
    await sup.locator('#canned-save').click();
    await sup.locator('#canned-error', { hasText: 'label' }).waitFor();
    assert.equal(await sup.locator('#canned-error').getAttribute('role'), 'alert');
    assert.equal(await sup.evaluate(() => document.activeElement.id), 'canned-label');

    await sup.locator('#canned-label').fill(LABEL);
    await sup.locator('#canned-text').fill(TEXT);
    await sup.locator('#canned-save').click();
    const added = sup.locator('#canned-list li', { hasText: LABEL });
    await added.waitFor();
    await sup.locator('#canned-status', { hasText: 'Reply added.' }).waitFor();
    assert.equal(await sup.locator('#canned-list li').count(), 5);
    // Focus lands on the new reply's Edit button, named after it.
    assert.equal(await sup.evaluate(() => document.activeElement.getAttribute('aria-label')),
      `Edit “${LABEL}”`);
    assert.match(await added.textContent(), /\{name\}: para continuar/);

    // Deleting asks first; "Keep it" keeps it and gives focus back.
    await sup.locator('#canned-list li', { hasText: 'Plazo de los pagos' })
      .getByRole('button', { name: 'Delete “Plazo de los pagos”' }).click();
    await sup.locator('#canned-confirm').waitFor({ state: 'visible' });
    assert.match(await sup.locator('#canned-confirm-text').textContent(), /^Delete “Plazo de los pagos”\?/);
    assert.equal(await sup.evaluate(() => document.activeElement.id), 'canned-confirm-no');
    await sup.locator('#canned-confirm-no').click();
    await sup.locator('#canned-confirm').waitFor({ state: 'hidden' });
    assert.equal(await sup.evaluate(() => document.activeElement.getAttribute('aria-label')),
      'Delete “Plazo de los pagos”');
    assert.equal(await sup.locator('#canned-list li').count(), 5);
    // No serious accessibility problem in the dialog.
    assert.deepEqual(await B.axe(sup, '#canned-dialog'), []);
    await B.shot(sup, 'inbox-canned-manager');
    await sup.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await sup.evaluate(() => document.activeElement.id), 'canned-manage');
    assert.deepEqual(problems, []);

    // --- the caseworker's composer ---
    const cctx = await browser.newContext(B.DESKTOP);
    const ana = await cctx.newPage();
    const problems2 = B.guard(ana, hub.url);
    await B.loginInbox(ana, hub.url, CASEWORKERS.ana);
    assert.equal(await ana.locator('#canned-manage').isHidden(), true, 'supervisors only');
    await ana.locator('#thread-list .ib-item', { hasText: 'Maria Lopez' }).click();
    await ana.locator('#thread-view').waitFor({ state: 'visible' });
    await ana.locator('#claim').click();
    await ana.locator('#thread-state', { hasText: 'Assigned to you' }).waitFor();
    // The Spanish thread offers the Spanish replies only, the new one last.
    await ana.locator('#canned').selectOption({ label: `${LABEL} (ES)` });
    const options = (await ana.locator('#canned option').allTextContents()).map((s) => s.trim());
    assert.deepEqual(options.slice(1),
      ['Saludo (ES)', 'Plazo de los pagos (ES)', 'Llámenos (ES)', '¿Algo más? (ES)', `${LABEL} (ES)`]);
    await ana.locator('#canned-insert').click();
    assert.equal(await ana.locator('#compose-text').inputValue(), TEXT.replace('{name}', 'Maria'));
    assert.equal(await ana.evaluate(() => document.activeElement.id), 'compose-text');
    await B.shot(ana, 'inbox-canned');
    assert.deepEqual(problems2, []);

    // In Spanish, the supervisor edits it, then deletes it after confirming.
    await sup.locator('#lang-toggle').click();
    await sup.locator('#canned-manage', { hasText: 'Respuestas predefinidas' }).waitFor();
    await manage.click();
    await sup.locator('#canned-lang').selectOption('es');
    await sup.locator('#canned-form-legend', { hasText: 'Agregar una respuesta (Español)' }).waitFor();
    await sup.getByRole('button', { name: `Editar «${LABEL}»` }).click();
    assert.equal(await sup.evaluate(() => document.activeElement.id), 'canned-label');
    assert.equal(await sup.locator('#canned-form-legend').textContent(), `Editar «${LABEL}»`);
    await sup.locator('#canned-label').fill('Talón de pago');
    await sup.locator('#canned-save').click();
    await sup.locator('#canned-status', { hasText: 'Respuesta guardada.' }).waitFor();
    await sup.locator('#canned-list li', { hasText: 'Talón de pago' }).waitFor();
    await sup.getByRole('button', { name: 'Eliminar «Talón de pago»' }).click();
    assert.match(await sup.locator('#canned-confirm-text').textContent(), /^¿Eliminar «Talón de pago»\?/);
    await sup.locator('#canned-confirm-yes').click();
    await sup.locator('#canned-status', { hasText: 'Respuesta eliminada.' }).waitFor();
    await sup.locator('#canned-list li', { hasText: 'Talón de pago' }).waitFor({ state: 'detached' });
    assert.equal(await sup.locator('#canned-list li').count(), 4);
    // The caseworker's composer no longer offers it once the thread is opened again.
    await ana.reload();
    await ana.locator('#app-view').waitFor({ state: 'visible' });
    await ana.locator('.ib-filter[data-filter="mine"]').click();
    await ana.locator('#thread-list .ib-item', { hasText: 'Maria Lopez' }).click();
    await ana.locator('#canned option', { hasText: 'Saludo (ES)' }).waitFor({ state: 'attached' });
    assert.equal(await ana.locator('#canned option', { hasText: 'Talón' }).count(), 0);
    await sctx.close();
    await cctx.close();
  });
