'use strict';
// Out of office hours, a parent handed to a caseworker is told when one is next in (en, es),
// never a wait estimate; hours and holidays are options, and a bad value is a usage error.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { BINARY, PARENTS, prepare, startHub, loginParent, ask } = require('./lib/hub');

let env;
let hub;
// Open only on a weekday that is not today in Pacific time (so now is out of hours, whatever the
// hour), from 08:00 to 17:00.
const today = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', weekday: 'long' })
  .format(new Date());
const NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const openIso = ((NAMES.indexOf(today) + 2) % 7) + 1; // the day after tomorrow, ISO 1..7
const openName = NAMES[openIso - 1];
const SPANISH = ['lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'];

before(async () => {
  env = prepare();
  hub = await startHub(env.db, ['--office-hours', `${openIso} 08:00-17:00`]);
});
after(async () => {
  if (hub) await hub.stop();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
});

test('out of hours: the parent is told when a caseworker is next in (en)', async () => {
  const { client } = await loginParent(hub, PARENTS.john);
  const { reply } = await ask(client, 'c-1', 'agent');
  assert.match(reply.text, new RegExp(`out of the office now\\. They are next in on ${openName}, .* at 8:00\\sAM`), reply.text);
  assert.doesNotMatch(reply.text, /usually takes/);
  await client.close();
});

test('out of hours: the parent is told when a caseworker is next in (es)', async () => {
  const { client } = await loginParent(hub, PARENTS.maria);
  const { reply } = await ask(client, 'c-1', 'quiero hablar con una persona');
  assert.match(reply.text, new RegExp(`no están en la oficina ahora\\. Vuelven el ${SPANISH[openIso - 1]}, .* a las 8:00\\sa\\.\\sm\\.`), reply.text);
  assert.doesNotMatch(reply.text, /Normalmente tarda/);
  await client.close();
});

test('bad office hours or holidays are usage errors', () => {
  for (const args of [['--office-hours', '1-5 17:00-08:00'], ['--office-hours', '8 08:00-17:00'],
    ['--holiday', '2026-02-30']]) {
    const r = spawnSync(BINARY, ['serve', '--db', env.db, '--listen', '127.0.0.1:0', ...args], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2, args.join(' ') + ': ' + r.stderr);
    assert.match(r.stderr, /--office-hours|--holiday/);
  }
});
