// Oracle for tests/Model/Tokenizers: trains tokenizers with Hugging Face tokenizers (the npm
// binding of the Rust library), writes them as tokenizer.json variants, and records what the
// library itself encodes and decodes for every corpus line.
//
// usage: node tokenizers-oracle.mjs WORKDIR
//   WORKDIR/corpus.json   array of strings (lines may hold \n, \r, tabs)
//   WORKDIR/config.json   { "trainLines": n, "merges": k }
// writes, per variant V:
//   WORKDIR/V.tokenizer.json  the tokenizer as Hugging Face saves it
//   WORKDIR/V.expected.json   { ids, plain, decoded, decodedSkip } per line, where ids are
//     encoded with special tokens, plain without, decoded = decode(plain), decodedSkip =
//     decode(ids, skipSpecialTokens)
import fs from 'node:fs';
import path from 'node:path';
import tk from '@anush008/tokenizers';

const { Tokenizer, BPE, byteLevelPreTokenizer, metaspacePreTokenizer, byteLevelAlphabet } = tk;

const work = process.argv[2];
const corpus = JSON.parse(fs.readFileSync(path.join(work, 'corpus.json'), 'utf8'));
const config = JSON.parse(fs.readFileSync(path.join(work, 'config.json'), 'utf8'));
const trainFile = path.join(work, 'train.txt');
fs.writeFileSync(trainFile, corpus.slice(0, config.trainLines).join('\n'));

const GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

function train(preTokenizer) {
  const t = new Tokenizer(BPE.empty());
  t.setPreTokenizer(preTokenizer);
  t.train([trainFile]);
  const file = path.join(work, 'trained.json');
  t.save(file, false);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// Keeps the first k merges and the tokens they create: a realistic vocabulary in which unseen
// words need many merges, instead of the trainer's 30k tokens that swallow whole training words.
function truncate(json, k) {
  const m = json.model;
  m.merges = m.merges.slice(0, k);
  const keep = new Set();
  const merged = new Set(m.merges.map(([a, b]) => a + b));
  let maxId = -1;
  for (const [tok, id] of Object.entries(m.vocab)) if (merged.has(tok)) maxId = Math.max(maxId, id);
  const vocab = {};
  let next = 0;
  for (const [tok, id] of Object.entries(m.vocab).sort((x, y) => x[1] - y[1])) {
    if (id <= maxId || (!merged.has(tok) && [...tok].length === 1)) { vocab[tok] = next++; keep.add(tok); }
  }
  m.vocab = vocab;
  return json;
}

function addTokens(json, tokens) {
  const m = json.model;
  let next = Math.max(-1, ...Object.values(m.vocab)) + 1;
  for (const t of tokens) if (!(t in m.vocab)) m.vocab[t] = next++;
}

const special = (content, id, extra = {}) => ({
  id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true, ...extra,
});

function withAdded(json, specials, others) {
  // Ids follow the model vocabulary, as Hugging Face assigns them on load.
  let next = Object.keys(json.model.vocab).length;
  json.added_tokens = [];
  for (const s of specials) {
    const inVocab = json.model.vocab[s.content];
    json.added_tokens.push(special(s.content, inVocab ?? next++, s.extra ?? {}));
  }
  for (const o of others) {
    json.added_tokens.push({ id: next++, content: o.content, single_word: false, lstrip: false, rstrip: false,
      normalized: true, special: false, ...(o.extra ?? {}) });
  }
  return json;
}

const idOf = (json, content) => json.added_tokens.find(t => t.content === content)?.id ?? json.model.vocab[content];
const template = (json, before, after) => ({
  type: 'TemplateProcessing',
  single: [...before.map(b => ({ SpecialToken: { id: b, type_id: 0 } })), { Sequence: { id: 'A', type_id: 0 } },
    ...after.map(a => ({ SpecialToken: { id: a, type_id: 0 } }))],
  pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
  special_tokens: Object.fromEntries([...before, ...after].map(t => [t, { id: t, ids: [idOf(json, t)], tokens: [t] }])),
});

const taskMarkers = ['<think>', '</think>', '<answer>', '</answer>'].map(content => ({ content }));
const variants = {};
const clone = x => JSON.parse(JSON.stringify(x));

// Byte-level BPE, GPT-2 style, with the whole byte alphabet in the vocabulary.
const byteLevel = truncate(train(byteLevelPreTokenizer(false, true)), config.merges);
addTokens(byteLevel, byteLevelAlphabet());
{
  const j = withAdded(clone(byteLevel),
    [{ content: '<|begin_of_text|>' }, { content: '<|end_of_text|>' }, { content: '<|im_start|>' }, { content: '<|im_end|>' }, ...taskMarkers],
    [{ content: '[CODE]' }]);
  j.post_processor = { type: 'Sequence', processors: [
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    template(j, ['<|begin_of_text|>'], ['<|end_of_text|>'])] };
  j.decoder = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
  variants['bytelevel-gpt2'] = j;

  const l3 = clone(j);
  l3.pre_tokenizer = { type: 'Sequence', pretokenizers: [
    { type: 'Split', pattern: { Regex: LLAMA3 }, behavior: 'Isolated', invert: false },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] };
  l3.model.ignore_merges = true;
  variants['bytelevel-llama3'] = l3;

  const q2 = clone(j);
  q2.pre_tokenizer = { type: 'Sequence', pretokenizers: [
    { type: 'Split', pattern: { Regex: QWEN2 }, behavior: 'Isolated', invert: false },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false }] };
  q2.post_processor = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
  variants['bytelevel-qwen2'] = q2;

  // Added-token options: lstrip/rstrip/single_word, a normalized non-special token, prefix space.
  const opt = withAdded(clone(byteLevel),
    [{ content: '<|endoftext|>' }, { content: '<think>', extra: { rstrip: true } }, { content: '</think>', extra: { lstrip: true } },
     { content: '<answer>', extra: { single_word: true } }, { content: '</answer>', extra: { lstrip: true, rstrip: true } }],
    [{ content: 'CODE', extra: { single_word: true } }, { content: ' and', extra: {} }]);
  opt.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
  opt.post_processor = template(opt, [], ['<|endoftext|>']);
  opt.decoder = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
  variants['bytelevel-options'] = opt;
}

// BPE with byte fallback, trained on metaspace words.
const fallback = truncate(train(metaspacePreTokenizer('▁', 'always', true)), config.merges);
addTokens(fallback, ['<unk>', '<s>', '</s>', ...Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)]);
fallback.model.byte_fallback = true;
fallback.model.fuse_unk = true;
fallback.model.unk_token = '<unk>';
{
  // Llama 2 / TinyLlama: the prepend/replace normalizer and no pre-tokenizer.
  const j = withAdded(clone(fallback), [{ content: '<unk>' }, { content: '<s>' }, { content: '</s>' }, ...taskMarkers], []);
  j.normalizer = { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] };
  j.pre_tokenizer = null;
  j.post_processor = template(j, ['<s>'], []);
  j.decoder = { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' },
    { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }] };
  variants['bytefallback-llama2'] = j;

  // Newer conversions: a Metaspace pre-tokenizer that prepends only at the start of the input.
  const m = clone(j);
  m.normalizer = null;
  m.pre_tokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false };
  m.post_processor = template(m, ['<s>'], ['</s>']);
  variants['bytefallback-metaspace'] = m;

  const s = clone(m);
  s.pre_tokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  s.decoder = { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true }] };
  variants['bytefallback-split'] = s;
}

for (const [name, json] of Object.entries(variants)) {
  const text = JSON.stringify(json);
  const file = path.join(work, `${name}.tokenizer.json`);
  fs.writeFileSync(file, text);
  const tok = Tokenizer.fromFile(file);
  const withSpecial = await tok.encodeBatch(corpus, { addSpecialTokens: true });
  const plain = await tok.encodeBatch(corpus, { addSpecialTokens: false });
  const ids = withSpecial.map(e => e.getIds());
  const plainIds = plain.map(e => e.getIds());
  const decoded = await tok.decodeBatch(plainIds, false);
  const decodedSkip = await tok.decodeBatch(ids, true);
  fs.writeFileSync(path.join(work, `${name}.expected.json`), JSON.stringify({ ids, plain: plainIds, decoded, decodedSkip }));
}
fs.writeFileSync(path.join(work, 'variants.json'), JSON.stringify(Object.keys(variants)));
