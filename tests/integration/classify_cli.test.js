'use strict';
// `connecthub classify` as the evaluation and debugging tool runs it (SPEC §2): the real binary,
// utterances on stdin. The plain output stays intent<TAB>lang<TAB>confidence; --explain adds the
// top three intents, the deciding words and the word-list rule.
const test = require('node:test');
const assert = require('node:assert');
const { run } = require('./lib/hub');

const LINE = /^[a-z_]+\t(en|es)\t[01]\.\d{3}$/;

test('plain output: one line per utterance, out of scope is unknown, enforcement is its own',
  () => {
    const lines = [
      'how much do i owe',
      'puedo tener la custodia completa de mi hija',
      'will they suspend my drivers license',
      '',
      '\u00ff\u00fe garbage \u0000 bytes',
    ];
    const out = run(['classify'], lines.join('\n') + '\n').trimEnd().split('\n');
    assert.strictEqual(out.length, lines.length);
    for (const l of out) assert.match(l, LINE);
    assert.strictEqual(out[0].split('\t')[0], 'balance');
    assert.deepStrictEqual(out[1].split('\t').slice(0, 2), ['unknown', 'es']);
    assert.strictEqual(out[2].split('\t')[0], 'enforcement');
    assert.strictEqual(out[3].split('\t')[0], 'unknown');
  });

test('--explain: top three intents, the deciding words and the rule that decided', () => {
  const out = run(['classify', '--explain', '--lang', 'es'],
    'cuanto debo\ntrabajador de caso\n').split('\n');
  assert.match(out[0], LINE);
  assert.strictEqual(out[0].split('\t')[0], 'balance');
  assert.strictEqual(out[1], '  normalized: cuanto debo');
  assert.match(out[2], /^ {2}1\. balance [01]\.\d{3}$/);
  assert.match(out[3], /^ {2}2\. [a-z_]+ [01]\.\d{3}$/);
  assert.match(out[4], /^ {2}3\. [a-z_]+ [01]\.\d{3}$/);
  assert.match(out[5], /^ {2}deciding words \(balance over [a-z_]+\): (cuanto|debo) [+-]\d+\.\d\d/);
  const agent = out.indexOf('agent\tes\t0.900');
  assert.ok(agent > 0, out.join('\n'));
  assert.ok(out.slice(agent).some((l) => l.startsWith('  rule: request for a person')),
    out.join('\n'));
});
