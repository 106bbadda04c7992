/** Sudoku data: the solver on hand-made cases, unique generated puzzles, the seeded split, the data command, the dataset. */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BatchReader } from "../src/data/batch-reader.js";
import { datasetFromName } from "../src/data/registry.js";
import { loadSudoku, sudokuPuzzlesOf } from "../src/data/sudoku-dataset.js";
import { SUDOKU_GENERATOR } from "../src/data/sudoku-generate.js";
import { prepareSudoku } from "../src/data/sudoku-prepare.js";
import { countSolutions, isValidGrid, SUDOKU_BLANK } from "../src/data/sudoku-solver.js";
import { parseTrainConfig } from "../src/train/config.js";
import { REPO_ROOT, okJson, runCli, snapshot, userError } from "./helpers/cli.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "maskdiff-sudoku-data-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = (name: string): string => path.join(root, `${counter++}-${name}`);

/** A grid written as 81 characters, '.' blank → classes (blank = SUDOKU_BLANK). */
const cells = (s: string): number[] => [...s].map((c) => (c === "." ? SUDOKU_BLANK : Number(c) - 1));
const text = (g: ArrayLike<number>): string => Array.from(g, (v) => (v === SUDOKU_BLANK ? "." : String(v + 1))).join("");

// A well-known puzzle with a unique solution (typed by hand, not produced by the code under test).
const PUZZLE = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";
const SOLUTION = "534678912672195348198342567859761423426853791713924856961537284287419635345286179";

test("solver: a unique puzzle, a puzzle with exactly two solutions, an empty grid, broken and malformed grids", () => {
  const unique = countSolutions(cells(PUZZLE), 10);
  assert.equal(unique.count, 1);
  assert.equal(text(unique.solution!), SOLUTION);
  assert.ok(isValidGrid(cells(SOLUTION)));
  // Blank the rectangle r0c3 = 6, r0c4 = 7, r3c3 = 7, r3c4 = 6 of the solution: 6/7 can swap, so exactly two solutions.
  const two = cells(SOLUTION);
  for (const i of [3, 4, 30, 31]) two[i] = SUDOKU_BLANK;
  assert.equal(countSolutions(two, 10).count, 2);
  assert.equal(countSolutions(two).count, 2, "the default limit is 2");
  const swapped = SOLUTION.slice(0, 3) + "76" + SOLUTION.slice(5, 30) + "67" + SOLUTION.slice(32);
  assert.ok(isValidGrid(cells(swapped)), "the other solution is valid too");
  assert.equal(countSolutions(cells(".".repeat(81)), 3).count, 3, "an empty grid: stops at the limit");
  // two 5s in row 0 (the 3 at column 1 becomes a 5): no solution
  assert.equal(countSolutions(cells("55..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79")).count, 0);
  // no direct conflict, but cell 0 has no candidate left (1..8 in its row, 9 in its column)
  const dead = cells(".12345678" + ".".repeat(72));
  dead[9] = 8; // a 9 below cell 0
  assert.equal(countSolutions(dead).count, 0);
  assert.ok(!isValidGrid(cells(SOLUTION.slice(0, 80) + "8")), "a repeated digit breaks the rules");
  assert.ok(!isValidGrid(cells(SOLUTION.slice(0, 80))), "80 cells is not a grid");
  assert.throws(() => countSolutions(cells(PUZZLE).slice(1)), /puzzle has 80 cells; a Sudoku grid has 81/);
  assert.throws(() => countSolutions([...cells(PUZZLE).slice(1), 10]), /cell 80 holds 10; expected a digit class 0..8 or 9 \(blank\)/);
});

const small = { train: 120, valid: 10, test: 150, seed: 3 };
const dirA = fresh("a");
const metaA = prepareSudoku({ outDir: dirA, ...small });

test("every generated test puzzle has exactly one solution (our solver, on the files read back), equal to the stored one", () => {
  const data = loadSudoku(dirA);
  const p = sudokuPuzzlesOf(data)!;
  assert.equal(p.count, small.test);
  for (let k = 0; k < p.count; k++) {
    const r = countSolutions(p.givens.subarray(k * 81, (k + 1) * 81), 2);
    assert.equal(r.count, 1, `puzzle ${k}`);
    assert.deepEqual(Array.from(r.solution!), Array.from(p.solutions.subarray(k * 81, (k + 1) * 81)), `puzzle ${k}`);
    const blanks = p.givens.subarray(k * 81, (k + 1) * 81).filter((v) => v === SUDOKU_BLANK).length;
    assert.ok(blanks >= 30 && blanks <= 60, `puzzle ${k}: ${blanks} blanks at difficulty 0.5`);
  }
  for (const split of ["train", "valid"] as const) {
    const s = data.splits[split];
    assert.equal(s.length, small[split] * 81);
    for (let k = 0; k < s.length / 81; k++) assert.ok(isValidGrid(s.subarray(k * 81, (k + 1) * 81)), `${split} grid ${k}`);
  }
  assert.deepEqual(data.splits.test, p.solutions);
  assert.equal(metaA.generator, SUDOKU_GENERATOR);
  assert.ok(metaA.givens.min <= metaA.givens.mean && metaA.givens.mean <= metaA.givens.max && metaA.givens.min > 20);
});

test("the generator version in the meta is the exact one package.json pins and node_modules holds", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  const [name, version] = [SUDOKU_GENERATOR.slice(0, SUDOKU_GENERATOR.lastIndexOf("@")), SUDOKU_GENERATOR.slice(SUDOKU_GENERATOR.lastIndexOf("@") + 1)];
  assert.equal(pkg.dependencies[name], version, "pinned exactly (no ^ range): the split depends on the package's draws");
  assert.equal(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")).version, version);
});

test("the split is reproducible from the seed: same seed → same bytes; another seed differs; another train size keeps test", () => {
  const read = (d: string, f: string) => fs.readFileSync(path.join(d, f), "utf8");
  const dirB = fresh("b");
  prepareSudoku({ outDir: dirB, ...small });
  for (const f of ["train.txt", "valid.txt", "test.txt", "meta.json"]) assert.equal(read(dirB, f), read(dirA, f), f);
  const dirC = fresh("c");
  prepareSudoku({ outDir: dirC, ...small, seed: 4 });
  for (const f of ["train.txt", "valid.txt", "test.txt"]) assert.notEqual(read(dirC, f), read(dirA, f), f);
  const dirD = fresh("d");
  prepareSudoku({ outDir: dirD, ...small, train: 50 });
  assert.equal(read(dirD, "test.txt"), read(dirA, "test.txt"));
  assert.equal(read(dirD, "train.txt"), read(dirA, "train.txt").split("\n").slice(0, 50).join("\n") + "\n");
  const lines = read(dirA, "train.txt").split("\n").filter(Boolean);
  assert.equal(new Set(lines).size, lines.length, "no repeated grid");
});

test("data sudoku on the CLI: prints what it wrote, refuses an existing folder unless --force, refuses misplaced options", () => {
  const out = fresh("cli");
  const r = okJson(runCli(["data", "sudoku", "--out", out, "--train", "20", "--valid", "5", "--test", "8", "--seed", "3"]));
  assert.equal(r.out, out);
  assert.deepEqual(r.sizes, { train: 20, valid: 5, test: 8 });
  assert.deepEqual(fs.readdirSync(out).sort(), ["meta.json", "test.txt", "train.txt", "valid.txt"]);
  assert.equal(fs.readFileSync(path.join(out, "test.txt"), "utf8"), fs.readFileSync(path.join(dirA, "test.txt"), "utf8").split("\n").slice(0, 8).join("\n") + "\n", "same seed, same puzzles as the library call");
  const before = snapshot(out);
  userError(runCli(["data", "sudoku", "--out", out, "--train", "20"]), /already exists and is not empty: the split is written once; pass --force/);
  assert.deepEqual(snapshot(out), before, "nothing touched");
  okJson(runCli(["data", "sudoku", "--out", out, "--train", "30", "--valid", "5", "--test", "8", "--seed", "3", "--force"]));
  assert.equal(fs.readFileSync(path.join(out, "train.txt"), "utf8").split("\n").filter(Boolean).length, 30);
  assert.deepEqual(fs.readdirSync(out).sort(), ["meta.json", "test.txt", "train.txt", "valid.txt"], "no temporary left behind");
  const file = fresh("file");
  fs.writeFileSync(file, "x");
  userError(runCli(["data", "sudoku", "--out", file]), /exists and is not a folder/);
  userError(runCli(["data", "text8", "--train", "5", "--force"]), /--train, --force apply only to `maskdiff data sudoku`/);
  userError(runCli(["data", "sudoku", "--from", file, "--out", fresh("x")]), /--from applies only to text8/);
  userError(runCli(["data", "sudoku", "--difficulty", "1.5", "--out", fresh("x")]), /--difficulty.*expected a number in \[0, 1\]/);
  userError(runCli(["data", "sudoku", "--test", "0", "--out", fresh("x")]), /--test.*expected an integer ≥ 1/);
  userError(runCli(["data", "sudoku", "--seed", "4294967294", "--out", fresh("x")]), /from 0 to 4294967293/);
});

test("dataset: clear errors for an unprepared or edited folder; training rows are whole grids; config checks", () => {
  const missing = fresh("missing");
  assert.throws(() => datasetFromName("sudoku", { dir: missing }), new RegExp(`Sudoku folder ${missing} is not prepared \\(no meta.json\\); run \`maskdiff data sudoku --out ${missing}\``));
  const edited = fresh("edited");
  fs.cpSync(dirA, edited, { recursive: true });
  const t = path.join(edited, "train.txt");
  fs.writeFileSync(t, fs.readFileSync(t, "utf8").replace(/^(.)/, (c) => (c === "1" ? "2" : "1")));
  assert.throws(() => loadSudoku(edited), /train.txt does not match the checksum in .*meta.json .*--force/);
  const data = datasetFromName("sudoku", { dir: dirA });
  assert.equal(data.vocabSize, 9);
  assert.equal(data.recordLength, 81);
  assert.equal(data.decode(cells(PUZZLE)), PUZZLE.replaceAll(".", "_"));
  const aligned = new BatchReader(data.splits.train, { batchSize: 64, seqLen: 81, seed: 1, recordLength: data.recordLength }).next().data;
  for (let b = 0; b < 64; b++) assert.ok(isValidGrid(aligned.subarray(b * 81, (b + 1) * 81)), `row ${b} is a whole grid`);
  const loose = new BatchReader(data.splits.train, { batchSize: 64, seqLen: 81, seed: 1 }).next().data;
  assert.ok(Array.from({ length: 64 }, (_, b) => isValidGrid(loose.subarray(b * 81, (b + 1) * 81))).filter((v) => !v).length > 50, "without record alignment rows straddle grids");
  const base = { model: { d: 16, layers: 1, heads: 2, cond: 8 }, train: { steps: 1, batch: 1, lr: 1e-3 } };
  assert.throws(() => parseTrainConfig({ ...base, data: { name: "sudoku", seqLen: 162 } }), /data.name "sudoku" needs data.seqLen 81/);
  assert.throws(() => parseTrainConfig({ ...base, data: { name: "fortunes", seqLen: 8, dir: "x" } }), /dir applies only to data.name "text8" and "sudoku"/);
  assert.equal(parseTrainConfig({ ...base, data: { name: "sudoku", seqLen: 81, dir: dirA } }).data.dir, dirA);
});
