#!/usr/bin/env node
// Builds data/fortunes.txt (the built-in English corpus) from Debian's fortunes package and prints its
// stats and n-gram baselines. Uses the compiled library: run `npm run build:ts` first.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const lib = path.join(root, "dist", "src", "data", "index.js");
if (!fs.existsSync(lib)) {
  console.error(`prepare-corpus: ${lib} is missing; run \`npm run build:ts\` first`);
  process.exit(1);
}
const data = await import(pathToFileURL(lib).href);
const outFile = path.join(root, "data", "fortunes.txt");
try {
  const stats = data.prepareFortunes({ outFile });
  const ds = data.loadFortunes(outFile);
  const { train, valid } = ds.splits;
  const uni = data.unigramCrossEntropy(train, valid, { vocabSize: ds.vocabSize });
  const bi = data.bigramCrossEntropy(train, valid, { vocabSize: ds.vocabSize });
  console.log(`wrote ${outFile}: ${stats.chars} chars, ${stats.entries} entries from ${stats.files.length} files ` +
    `(${stats.duplicatesDropped} duplicates dropped), sha256 ${stats.sha256}`);
  console.log(`splits train/valid/test: ${train.length}/${valid.length}/${ds.splits.test.length}`);
  console.log(`valid cross-entropy fitted on train (add-one): unigram ${uni.toFixed(4)} bits/char, bigram ${bi.toFixed(4)} bits/char`);
} catch (e) {
  console.error(`prepare-corpus: ${e.message}`);
  process.exit(1);
}
