import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  applyBackspaces,
  datasetFromName,
  loadFortunes,
  prepareFortunes,
  splitFortuneEntries,
  writeFilesAtomically,
} from "../src/data/index.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "maskdiff-data-corpus-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const fresh = (name: string): string => path.join(dir, `${counter++}-${name}`);

test("fortune parsing: '%' lines separate entries; backspaces overstrike", () => {
  assert.deepEqual(splitFortuneEntries("one\n%\n\ntwo\nlines\n%\r\n%\nthree%\n"), ["one", "two\nlines", "three%"]);
  assert.equal(applyBackspaces("____\b\b\b\bBODY!"), "BODY!");
  assert.equal(applyBackspaces("_\bI x"), "I x");
  assert.equal(applyBackspaces("plain"), "plain");
});

/** A fake fortunes folder: two data files, their .dat indexes, a .u8 link, the excluded ascii-art, an off/ folder. */
function fakeFortunes(): string {
  const src = fresh("fortunes");
  fs.mkdirSync(path.join(src, "off"), { recursive: true });
  fs.writeFileSync(path.join(src, "b"), "Second FILE, entry 1.\n%\nHello -- world 42\n%\n*___\b\b\bnot* bold\n%\n");
  fs.writeFileSync(path.join(src, "a"), "HELLO, World!\n%\n12345\n%\nFirst file\n\tlast entry\n");
  fs.writeFileSync(path.join(src, "a.dat"), Buffer.from([0, 1, 2, 255, 37]));
  fs.writeFileSync(path.join(src, "b.dat"), Buffer.from([0, 1, 2, 254]));
  fs.writeFileSync(path.join(src, "ascii-art"), "  /\\_/\\  \n ( o.o ) cat\n%\n");
  fs.writeFileSync(path.join(src, "off", "rude"), "Uryyb jbeyq\n%\n");
  fs.symlinkSync("a", path.join(src, "a.u8"));
  return src;
}

test("prepareFortunes: reads only the data files in order, normalises, drops repeats, shuffles with a fixed seed", () => {
  const src = fakeFortunes();
  const out1 = fresh("corpus.txt");
  const stats = prepareFortunes({ sourceDir: src, outFile: out1 });
  assert.deepEqual(stats.files, [{ name: "a", entries: 2 }, { name: "b", entries: 2 }]);
  assert.equal(stats.duplicatesDropped, 1); // "hello world" appears in a and b
  const text = fs.readFileSync(out1, "utf8");
  assert.equal(stats.chars, text.length);
  const expected = ["hello world", "first file last entry", "second file entry", "not bold"];
  // The entries must come back whole, each once, in some order: check it is a permutation.
  const perms = (xs: string[]): string[][] =>
    xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
  assert.ok(perms(expected).some((p) => p.join(" ") === text), `unexpected corpus text ${JSON.stringify(text)}`);
  const saved = JSON.parse(fs.readFileSync(out1.replace(/\.txt$/, ".json"), "utf8"));
  assert.equal(saved.sha256, stats.sha256);
  const out2 = fresh("again.txt");
  assert.equal(prepareFortunes({ sourceDir: src, outFile: out2 }).sha256, stats.sha256);
  assert.equal(fs.readFileSync(out2, "utf8"), text);
  const out3 = fresh("other-seed.txt");
  const texts = new Set([text]);
  for (let seed = 1; seed < 8; seed++) {
    prepareFortunes({ sourceDir: src, outFile: out3, shuffleSeed: seed });
    texts.add(fs.readFileSync(out3, "utf8"));
  }
  assert.ok(texts.size > 1, "the shuffle seed must change the order");
  assert.throws(() => prepareFortunes({ sourceDir: fresh("none"), outFile: fresh("x.txt") }), /does not exist.*apt-get install/);
});

test("loadFortunes: a prepared file becomes a 90/5/5 dataset; missing file says to run npm run prepare-data", () => {
  const file = fresh("fortunes.txt");
  const text = Array.from({ length: 100 }, (_, i) => `entry number ${"abcdefghij"[i % 10]}`).join(" ");
  fs.writeFileSync(file, text + "\n");
  const ds = loadFortunes(file);
  assert.equal(ds.name, "fortunes");
  assert.equal(ds.vocabSize, 27);
  const n = text.length;
  const [b1, b2] = [Math.round(n * 0.9), Math.round(n * 0.95)];
  assert.deepEqual(ds.meta.sizes, { train: b1, valid: b2 - b1, test: n - b2 });
  assert.equal(ds.decode(ds.splits.train) + ds.decode(ds.splits.valid) + ds.decode(ds.splits.test), text);
  assert.throws(() => loadFortunes(fresh("missing.txt")), /missing: run `npm run prepare-data`/);
  const bad = fresh("bad.txt");
  fs.writeFileSync(bad, "abc DEF".repeat(30));
  assert.throws(() => loadFortunes(bad), /byte 68 at offset 4/);
});

test("datasetFromName: fortunes, markov, text:<path>, text8; unknown names list the valid ones", () => {
  const txt = fresh("book.txt");
  fs.writeFileSync(txt, "Chapter 1.\n\nIt was a dark & stormy night; the rain fell in torrents.\n");
  const t = datasetFromName(`text:${txt}`);
  assert.equal(t.vocabSize, 27);
  const all = (s: { length: number; subarray(b: number, e: number): ArrayLike<number> }) => t.decode(s.subarray(0, s.length));
  const whole = all(t.splits.train) + all(t.splits.valid) + all(t.splits.test);
  assert.equal(whole, "chapter it was a dark stormy night the rain fell in torrents");
  const m = datasetFromName("markov", { seed: 2, size: 1000, K: 5 });
  assert.equal(m.vocabSize, 5);
  assert.equal(m.splits.train.length, 900);
  assert.throws(() => datasetFromName("fortunes", { file: fresh("nope.txt") }), /npm run prepare-data/);
  assert.throws(() => datasetFromName("text8", { dir: fresh("no-text8") }), /maskdiff data text8/);
  assert.throws(() => datasetFromName("text:"), /needs a file path/);
  assert.throws(() => datasetFromName("wikitext"), /Unknown dataset name "wikitext"; valid names: fortunes, markov, text8, text:<path>/);
});

test("writeFilesAtomically: a failed write leaves no destination and no temporary behind", () => {
  const target = fresh("atomic");
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(target, "blocker"), "a plain file");
  const files = [
    { path: path.join(target, "first.txt"), data: "one" },
    { path: path.join(target, "blocker", "second.txt"), data: "two" }, // its folder is a file: the write fails
  ];
  assert.throws(() => writeFilesAtomically(files));
  assert.deepEqual(fs.readdirSync(target), ["blocker"]);
  writeFilesAtomically([{ path: path.join(target, "sub", "ok.txt"), data: "ok" }]);
  assert.equal(fs.readFileSync(path.join(target, "sub", "ok.txt"), "utf8"), "ok");
});
