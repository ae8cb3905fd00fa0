// Dumps Hugging Face tokenizers' own NFD/NFKD decompositions, and checks candidate canonical
// compositions against its NFC, so that model/Tokenizers/UnicodeNormalizationData.g.cs follows
// the Unicode version Hugging Face normalises with, not the newer one of Python or .NET.
// usage: node tokenizers-normalization.mjs PAIRS.json OUT.json  (run by UnicodeNormalizationData.gen.py)
import fs from 'node:fs';
import tk from '@anush008/tokenizers';

const [pairsFile, outFile] = process.argv.slice(2);
const nfd = tk.nfdNormalizer(), nfkd = tk.nfkdNormalizer(), nfc = tk.nfcNormalizer();
const canonical = {}, compat = {};
const cps = s => [...s].map(c => c.codePointAt(0));
for (let cp = 0; cp < 0x110000; cp++) {
  if (cp >= 0xD800 && cp <= 0xDFFF) continue;
  const s = String.fromCodePoint(cp);
  const d = nfd.normalizeString(s);
  if (d !== s) canonical[cp] = cps(d);
  const k = nfkd.normalizeString(s);
  if (k !== d) compat[cp] = cps(k);
}
const pairs = JSON.parse(fs.readFileSync(pairsFile, 'utf8'))
  .filter(([a, b, c]) => nfc.normalizeString(String.fromCodePoint(a, b)) === String.fromCodePoint(c));
fs.writeFileSync(outFile, JSON.stringify({ canonical, compat, pairs }));
