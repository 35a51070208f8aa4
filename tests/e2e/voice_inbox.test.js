'use strict';
// Issue 21: a parent calls out of office hours, signs in with ID and PIN, says "agent" and takes
// the callback; the caseworker sees the call in the inbox as a voice thread: what the caller said
// and heard, the number to call back (a tel: link), and that a reply goes out as a text. Webhooks
// are signed by the twilio package's own code, in English and Spanish inboxes.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const twilio = require('twilio');
const { startHub, PARENTS, CASEWORKERS } = require('./lib/hub');
const B = require('./lib/browser');

const AUTH_TOKEN = 'voice-e2e-auth-token-0123456789';
const PUBLIC_URL = 'https://hub.example.test';
const CALLER = '+15595550102';

// Closed all day today in Pacific time: open only on the day after tomorrow.
const today = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', weekday: 'long' })
  .format(new Date());
const NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const openIso = ((NAMES.indexOf(today) + 2) % 7) + 1;

let hub;
let browser;
before(async () => {
  process.env.CONNECTHUB_TWILIO_AUTH_TOKEN = AUTH_TOKEN;
  hub = await startHub({ args: ['--public-url', PUBLIC_URL, '--office-hours', `${openIso} 08:00-17:00`,
    '--voice-agent-number', '+15550002222'] });
  browser = await B.launch();
});
after(async () => {
  if (browser) await browser.close();
  if (hub) await hub.stop();
});

// One Twilio call: each step signed, posted to the last <Gather>'s action.
async function call(steps) {
  const sid = 'CA' + 'e2e'.padEnd(32, '0');
  let action = '/voice/twilio';
  let last = '';
  for (const extra of [{}, ...steps]) {
    const params = { CallSid: sid, From: CALLER, To: '+18669013212', CallStatus: 'in-progress', ...extra };
    const url = PUBLIC_URL + action;
    const res = await fetch(hub.url + action, {
      method: 'POST', body: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params) } });
    last = await res.text();
    assert.equal(res.status, 200, last);
    const m = /<Gather[^>]* action="([^"]+)"/.exec(last);
    if (m) action = m[1];
  }
  return last;
}

test('a callback request from the phone line in the inbox, with the number to call back', async () => {
  const p = PARENTS.james;
  const end = await call([{ Digits: '1' }, { Digits: p.participant_id }, { Digits: '1' },
    { Digits: p.pin }, { SpeechResult: 'What is my balance?', Confidence: '0.9' },
    { SpeechResult: 'Agent.', Confidence: '0.9' }, { Digits: '1' }]);
  assert.match(end, /call you back at this number/);
  assert.match(end, /<Hangup\/>/);

  const ctx = await browser.newContext(B.DESKTOP);
  const page = await ctx.newPage();
  const problems = B.guard(page, hub.url);
  await B.loginInbox(page, hub.url, CASEWORKERS.ana);
  const item = page.locator('#thread-list .ib-item', { hasText: 'James Carter' });
  await item.waitFor();
  assert.match(await item.textContent(), /Phone call/);
  await item.click();
  // The number to call back, as a tel: link in the case summary.
  await page.locator(`#case-pane a[href="tel:${CALLER}"]`).waitFor();
  const view = page.locator('#thread-view');
  let text = await view.textContent();
  assert.match(await page.locator('#thread-meta').textContent(), new RegExp(`Call back: \\${CALLER}`));
  // What the caller said and what they heard, never the PIN or the keyed ID.
  assert.match(text, /What is my balance\?/);
  assert.match(text, /past due/);
  assert.match(text, /asked for a call back/);
  assert.ok(!text.includes(p.pin));
  assert.doesNotMatch(text, /answer you here/, 'the caller was promised a call back, not an answer here');
  // Claimed, the reply box says the answer goes out as a text to the caller's number.
  await page.getByRole('button', { name: 'Claim' }).click();
  await page.waitForFunction(() => /text message to the number they called from/.test(document.querySelector('#thread-view').textContent));
  await B.shot(page, 'inbox-voice-thread-en');

  await page.locator('#lang-toggle').click();
  await page.waitForFunction(() => /Devolver la llamada/.test(document.querySelector('#thread-meta').textContent));
  text = await view.textContent();
  assert.match(await page.locator('#case-pane').textContent(), /Número de quien llamó/);
  assert.match(text, /mensaje de texto en el número desde el que llamó/);
  assert.match(await page.locator('#thread-meta').textContent(), /Llamada/);
  await B.shot(page, 'inbox-voice-thread-es');
  assert.deepEqual(problems, []);
  await ctx.close();
});
