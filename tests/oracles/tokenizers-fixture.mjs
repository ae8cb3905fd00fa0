// Regenerates tests/fixtures/tokenizers/*.tokenizer.json, the tokenizers the benchmarks load:
//   node tests/oracles/tokenizers-fixture.mjs
// It writes a deterministic training corpus, has tokenizers-oracle.mjs train the same variants
// the tests use (with more merges), and keeps the GPT-2-style byte-level one and the Llama 2-style
// byte-fallback one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', 'fixtures', 'tokenizers');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenizer-fixture-'));

let state = 12345;
const next = n => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return (state >>> 8) % n; };
const pick = xs => xs[next(xs.length)];
const words = ('the of and to in is that for it as with was on be by this are from at or an have not which but they ' +
  'reward policy gradient model token train sample group advantage loss value update step batch learning rate ' +
  'function return class public static void string int var new if else while for each yield async await').split(' ');
const code = ['def f(x):\n    return x * 2', 'for (int i = 0; i < n; i++) { sum += a[i]; }', 'const x = { "a": 1, "b": [2, 3] };',
  'if x != None and y >= 0:', '#include <vector>', 'SELECT id, name FROM users WHERE age > 30;'];
const other = ['日本語のテキスト', '中文分词', 'Привет мир', 'مرحبا', 'café naïve', '😀 👍🏽 👨‍👩‍👧', '3.14159', '2025-11-22', "don't it's I'm"];
const syllables = 'ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu str pl gr th sh ch qu ion ent ing ed er'.split(' ');
const invented = () => { let w = ''; for (let k = 1 + next(4); k > 0; k--) w += pick(syllables); return next(5) ? w : w[0].toUpperCase() + w.slice(1); };
const lines = [];
for (let i = 0; i < 20000; i++) {
  const parts = [];
  for (let k = 1 + next(12); k > 0; k--) parts.push(next(10) < 4 ? pick(words) : next(10) < 6 ? invented() : next(10) < 3 ? String(next(100000)) : next(2) ? pick(code) : pick(other));
  lines.push(parts.join(pick([' ', ' ', ' ', '  ', '\t', '\n'])));
}
fs.writeFileSync(path.join(work, 'corpus.json'), JSON.stringify(lines));
fs.writeFileSync(path.join(work, 'config.json'), JSON.stringify({ trainLines: lines.length, merges: 12000 }));
execFileSync(process.execPath, [path.join(here, 'tokenizers-oracle.mjs'), work], { stdio: 'ignore' });
fs.mkdirSync(out, { recursive: true });
for (const name of ['bytelevel-gpt2', 'bytefallback-llama2']) {
  fs.copyFileSync(path.join(work, `${name}.tokenizer.json`), path.join(out, `${name}.tokenizer.json`));
}
fs.rmSync(work, { recursive: true, force: true });
