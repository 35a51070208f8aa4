'use strict';
// Issue 18: trains nlp.js (the npm @nlpjs packages, a well-known JavaScript intent engine) on
// exactly the project's training data, intents/data/{en,es}.tsv, and scores it and `connecthub
// classify` on the same labelled evaluation sets, so the two engines can be compared.
//
//   node tests/bench/nlpjs_compare.js [--binary build/hub/connecthub] [EVAL.tsv ...]
//
// Default evaluation sets: ../shared/eval/intents-dev.tsv and intents-dev-hard.tsv. Prints, per
// set and engine: intent accuracy, the share of out-of-scope lines (labelled `unknown`) answered
// with a case intent, the share of in-scope lines answered with another in-scope intent, language
// accuracy (connecthub only: nlp.js is given the language), and classifications per second.
// nlp.js answers `None` under its own threshold; that counts as `unknown`.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { containerBootstrap } = require('@nlpjs/core');
const { Nlp } = require('@nlpjs/nlp');
const { LangEn } = require('@nlpjs/lang-en-min');
const { LangEs } = require('@nlpjs/lang-es');

const ROOT = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
let binary = path.join(ROOT, 'build', 'hub', 'connecthub');
const sets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--binary') binary = args[++i];
  else sets.push(args[i]);
}
if (!sets.length) {
  sets.push(path.join(ROOT, '..', 'shared', 'eval', 'intents-dev.tsv'),
    path.join(ROOT, '..', 'shared', 'eval', 'intents-dev-hard.tsv'));
}

// Intents that answer from or about the parent's case: an out-of-scope question must never get
// one of these (the bot would give an unrelated answer).
const NOT_CASE = new Set(['unknown', 'agent', 'help', 'greeting', 'thanks', 'goodbye',
  'set_language']);

function readTsv(file, columns) {
  const rows = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const fields = line.replace(/\r$/, '').split('\t');
    if (fields.length < columns || fields[0] === 'lang') continue;
    rows.push(fields);
  }
  return rows;
}

function score(name, rows, predictions) {
  let ok = 0; let langOk = 0; let oos = 0; let oosCase = 0; let inScope = 0; let inWrong = 0;
  rows.forEach(([lang, intent], i) => {
    const p = predictions[i];
    if (p.intent === intent) ok += 1;
    if (p.lang === lang) langOk += 1;
    if (intent === 'unknown') {
      oos += 1;
      if (!NOT_CASE.has(p.intent)) oosCase += 1;
    } else {
      inScope += 1;
      if (p.intent !== intent && p.intent !== 'unknown' && p.intent !== 'agent') inWrong += 1;
    }
  });
  const f = (n, d) => (d ? (n / d).toFixed(3) : 'n/a');
  return { engine: name, lines: rows.length, intent_accuracy: f(ok, rows.length),
    out_of_scope_answered_with_case_intent: f(oosCase, oos),
    in_scope_wrong_intent: f(inWrong, inScope),
    language_accuracy: predictions[0].lang ? f(langOk, rows.length) : 'given' };
}

async function main() {
  const container = await containerBootstrap();
  container.use(Nlp);
  container.use(LangEn);
  container.use(LangEs);
  const nlp = container.get('nlp');
  nlp.settings.autoSave = false;
  nlp.addLanguage(['en', 'es']);
  let examples = 0;
  for (const lang of ['en', 'es']) {
    for (const [intent, text] of readTsv(path.join(ROOT, 'intents', 'data', `${lang}.tsv`), 2)) {
      nlp.addDocument(lang, text, intent);
      examples += 1;
    }
  }
  const t0 = process.hrtime.bigint();
  // nlp.js's NLU logs every training epoch to the console whatever the settings say.
  const log = console.log;
  console.log = () => {};
  try {
    await nlp.train();
  } finally {
    console.log = log;
  }
  const trainMs = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`nlp.js trained on ${examples} utterances in ${trainMs.toFixed(0)} ms`);

  const results = [];
  for (const file of sets) {
    const rows = readTsv(file, 3);
    const t1 = process.hrtime.bigint();
    const nlpPred = [];
    for (const [lang, , text] of rows) {
      const r = await nlp.process(lang, text);
      nlpPred.push({ intent: r.intent === 'None' ? 'unknown' : r.intent, lang: '' });
    }
    const nlpSecs = Number(process.hrtime.bigint() - t1) / 1e9;
    const ours = spawnSync(binary, ['classify', '--lang', 'auto'],
      { input: rows.map((r) => r[2]).join('\n') + '\n', encoding: 'utf8' });
    if (ours.status !== 0) throw new Error(`connecthub classify failed: ${ours.stderr}`);
    const ourPred = ours.stdout.trim().split('\n').map((l) => {
      const [intent, lang] = l.split('\t');
      return { intent, lang };
    });
    if (ourPred.length !== rows.length) throw new Error('connecthub classify: line count differs');
    const a = score('nlp.js', rows, nlpPred);
    a.per_second = Math.round(rows.length / nlpSecs);
    const b = score('connecthub', rows, ourPred);
    results.push({ set: path.basename(file), ...a }, { set: path.basename(file), ...b });
  }
  console.table(results);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
