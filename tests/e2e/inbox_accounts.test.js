'use strict';
// Issue 19: caseworker accounts managed by supervisors in the inbox (headless Chromium against
// the real hub). A supervisor opens "Accounts", disables a caseworker after confirming (the
// caseworker's open inbox is signed out at once: its socket closes with 4401), enables the
// account again in Spanish, and resets another caseworker's password (mismatch refused in an
// alert, the new password works); keyboard focus and axe-core throughout.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { CASEWORKERS } = require('./lib/hub');
const B = require('./lib/browser');

const SUPERVISOR = { username: 'sup.reyes', password: 'correct horse battery 9' };
const NEW_PASSWORD = 'a brand new password 7';
let hub;
let browser;
B.supervisorSuite(SUPERVISOR, (h, b) => { hub = h; browser = b; });

const focused = (page) => page.evaluate(() => document.activeElement.id || document.activeElement.getAttribute('aria-label'));

test('a supervisor disables and re-enables a caseworker and resets a password', { timeout: 120000 }, async () => {
  // Ana is at work in the inbox.
  const actx = await browser.newContext(B.DESKTOP);
  const ana = await actx.newPage();
  const anaProblems = B.guard(ana, hub.url);
  await B.loginInbox(ana, hub.url, CASEWORKERS.ana);
  await ana.locator('#live-state', { hasText: 'Live' }).waitFor();
  assert.equal(await ana.locator('#accounts-manage').isHidden(), true, 'supervisors only');

  const sctx = await browser.newContext(B.DESKTOP);
  const sup = await sctx.newPage();
  const problems = B.guard(sup, hub.url);
  await B.loginInbox(sup, hub.url, SUPERVISOR);
  const manage = sup.locator('#accounts-manage');
  assert.equal((await manage.textContent()).trim(), 'Accounts');
  await manage.click();
  const dialog = sup.locator('#accounts-dialog');
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await focused(sup), 'accounts-title');
  await sup.locator('#accounts-status', { hasText: '3 accounts.' }).waitFor();
  const row = (username) => sup.locator('#accounts-rows tr', { has: sup.locator(`th:text-is("${username}")`) });
  assert.deepEqual((await row('ana.garcia').locator('td').allTextContents()).slice(0, 4),
    ['Ana', 'MADERA', 'Caseworker', 'Active']);
  // The supervisor's own row offers no action.
  assert.match(await row(SUPERVISOR.username).textContent(), /Your account/);
  assert.equal(await row(SUPERVISOR.username).getByRole('button').count(), 0);
  const headers = await sup.locator('#accounts-dialog thead th[scope="col"]').allTextContents();
  assert.deepEqual(headers, ['Username', 'Name parents see', 'County', 'Role', 'Status', 'Actions']);

  // Disabling asks first; "Keep it active" keeps it and gives focus back.
  await sup.getByRole('button', { name: 'Disable ana.garcia' }).click();
  await sup.locator('#accounts-confirm').waitFor({ state: 'visible' });
  assert.match(await sup.locator('#accounts-confirm-text').textContent(), /^Disable ana\.garcia\?/);
  assert.equal(await focused(sup), 'accounts-confirm-no');
  await sup.locator('#accounts-confirm-no').click();
  await sup.locator('#accounts-confirm').waitFor({ state: 'hidden' });
  assert.equal(await focused(sup), 'Disable ana.garcia');

  await sup.getByRole('button', { name: 'Disable ana.garcia' }).click();
  await sup.locator('#accounts-confirm-yes').click();
  await sup.locator('#accounts-status', { hasText: 'ana.garcia is disabled and signed out.' }).waitFor();
  assert.equal(await row('ana.garcia').locator('td').nth(3).textContent(), 'Disabled');
  assert.equal(await focused(sup), 'Enable ana.garcia');
  // Ana's inbox is signed out at once (the socket closed with 4401), not at the next re-check.
  await ana.locator('#login-view').waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await ana.locator('#login-error').textContent(), 'Your session expired. Please sign in again.');

  assert.deepEqual(await B.axe(sup, '#accounts-dialog'), []);
  await B.shot(sup, 'inbox-accounts');

  // In Spanish: enable Ana again, then reset Ben's password.
  await sup.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await focused(sup), 'accounts-manage');
  await sup.locator('#lang-toggle').click();
  await sup.locator('#accounts-manage', { hasText: 'Cuentas' }).waitFor();
  await manage.click();
  await sup.locator('#accounts-title', { hasText: 'Cuentas de los trabajadores de casos' }).waitFor();
  const esHeaders = await sup.locator('#accounts-dialog thead th[scope="col"]').allTextContents();
  assert.deepEqual(esHeaders, ['Usuario', 'Nombre que ven los padres', 'Condado', 'Función', 'Estado', 'Acciones']);
  await row('ana.garcia').locator('td', { hasText: 'Desactivada' }).waitFor();
  await sup.getByRole('button', { name: 'Activar a ana.garcia' }).click();
  await sup.locator('#accounts-status', { hasText: 'ana.garcia puede volver a iniciar sesión.' }).waitFor();
  assert.equal(await row('ana.garcia').locator('td').nth(3).textContent(), 'Activa');
  assert.equal(await focused(sup), 'Desactivar a ana.garcia');

  await sup.getByRole('button', { name: 'Restablecer contraseña de ben.kim' }).click();
  assert.equal(await focused(sup), 'password-new');
  assert.equal(await sup.locator('#password-legend').textContent(), 'Contraseña nueva para ben.kim');
  await sup.locator('#password-new').fill('corta');
  await sup.locator('#password-save').click();
  await sup.locator('#password-error', { hasText: 'al menos 8 caracteres' }).waitFor();
  assert.equal(await sup.locator('#password-error').getAttribute('role'), 'alert');
  await sup.locator('#password-new').fill(NEW_PASSWORD);
  await sup.locator('#password-again').fill(NEW_PASSWORD + 'x');
  await sup.locator('#password-save').click();
  await sup.locator('#password-error', { hasText: 'Las dos contraseñas no coinciden.' }).waitFor();
  assert.equal(await focused(sup), 'password-again');
  assert.deepEqual(await B.axe(sup, '#accounts-dialog'), []);
  await sup.locator('#password-again').fill(NEW_PASSWORD);
  await sup.locator('#password-save').click();
  await sup.locator('#accounts-status', { hasText: 'Se restableció la contraseña de ben.kim' }).waitFor();
  await sup.locator('#password-form').waitFor({ state: 'hidden' });
  assert.equal(await sup.locator('#password-new').inputValue(), '', 'the password is not kept');
  assert.equal(await focused(sup), 'Restablecer contraseña de ben.kim');
  await sup.keyboard.press('Escape');

  // Ana logs in again; Ben's old password is refused and the new one accepted.
  await B.loginInbox(ana, hub.url, CASEWORKERS.ana);
  const old = await B.api(hub.url, 'POST', '/api/inbox/login', null,
    { username: CASEWORKERS.ben.username, password: CASEWORKERS.ben.password });
  assert.equal(old.status, 401);
  await B.inboxToken(hub.url, { ...CASEWORKERS.ben, password: NEW_PASSWORD });
  assert.ok(!hub.logs().includes(NEW_PASSWORD), 'the password is never logged');
  assert.deepEqual(problems, []);
  assert.deepEqual(anaProblems, []);
  await sctx.close();
  await actx.close();
});
