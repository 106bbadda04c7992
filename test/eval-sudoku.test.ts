/** Sudoku accuracy: exact values for a perfect, a uniform and a half-perfect denoiser; eval-sudoku on a tiny trained checkpoint. */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { generatePuzzles, type SudokuPuzzles } from "../src/data/sudoku-generate.js";
import { prepareSudoku } from "../src/data/sudoku-prepare.js";
import { SUDOKU_BLANK } from "../src/data/sudoku-solver.js";
import { evaluateSudoku, scoreGrid } from "../src/eval/sudoku.js";
import { ok, runCli, userError } from "./helpers/cli.js";
import { functionDenoiser } from "./helpers/table-denoiser.js";

const puzzles = generatePuzzles(60, 11, 0.5);
const solution = (k: number) => puzzles.solutions.subarray(k * 81, (k + 1) * 81);
const given = (k: number) => puzzles.givens.subarray(k * 81, (k + 1) * 81);
const schedule = scheduleFromName("linear");
const ORDERS = ["confidence-prob", "confidence-margin", "ancestral"];
const NFE = [1, 5, 10, 20];

/** The puzzle whose solution agrees with every revealed cell of z (unique solutions make it the right one), or −1. */
const lookup = (z: Int32Array): number => {
  for (let k = 0; k < puzzles.count; k++) if (solution(k).every((v, i) => z[i] === SUDOKU_BLANK || z[i] === v)) return k;
  return -1;
};

/** All mass on the solution for puzzles `knows` accepts, uniform logits otherwise. */
const denoiser = (knows: (k: number) => boolean) =>
  functionDenoiser(9, false, (z) => {
    const out = new Float64Array(81 * 9);
    const k = lookup(z);
    if (k >= 0 && knows(k)) for (let i = 0; i < 81; i++) for (let v = 0; v < 9; v++) out[i * 9 + v] = v === solution(k)[i] ? 0 : -1e4;
    return out;
  });

test("a denoiser that puts all mass on the solution solves every puzzle at every NFE and order", () => {
  const rows = evaluateSudoku(denoiser(() => true), puzzles, { orders: ORDERS, nfe: NFE, seed: 0, schedule, batch: 25 });
  assert.equal(rows.length, ORDERS.length * NFE.length);
  for (const r of rows) {
    assert.equal(r.puzzles, 60);
    assert.deepEqual([r.accuracy, r.valid, r.cell_accuracy], [1, 1, 1], `${r.order} NFE ${r.nfe}`);
    assert.deepEqual([r.accuracy_stderr, r.valid_stderr], [0, 0]);
    assert.ok(r.nfe_per_puzzle >= 1 && r.nfe_per_puzzle <= r.nfe + 1, `${r.order} NFE ${r.nfe}: ${r.nfe_per_puzzle} calls per puzzle`);
  }
});

test("a uniform denoiser solves none; greedy top-probability then fills every free cell with the first class (exact cell accuracy)", () => {
  const rows = evaluateSudoku(denoiser(() => false), puzzles, { orders: ORDERS, nfe: [1, 10], seed: 0, schedule });
  for (const r of rows) assert.deepEqual([r.accuracy, r.valid], [0, 0], `${r.order} NFE ${r.nfe}`);
  // uniform scores tie everywhere and the argmax of a flat row is class 0: cell accuracy = share of free cells whose digit is 1
  let share = 0;
  for (let k = 0; k < puzzles.count; k++) {
    const free = [...given(k).keys()].filter((i) => given(k)[i] === SUDOKU_BLANK);
    share += free.filter((i) => solution(k)[i] === 0).length / free.length / puzzles.count;
  }
  for (const r of rows.filter((x) => x.order !== "ancestral")) assert.ok(Math.abs(r.cell_accuracy - share) < 1e-12, `${r.order}: ${r.cell_accuracy} vs ${share}`);
  const anc = rows.filter((x) => x.order === "ancestral");
  for (const r of anc) assert.ok(Math.abs(r.cell_accuracy - 1 / 9) < 5 * r.cell_accuracy_stderr + 0.01, `ancestral draws uniform digits: ${r.cell_accuracy}`);
});

test("perfect on a known subset, uniform elsewhere: accuracy is the subset's share, with the standard error over puzzles", () => {
  const knows = (k: number) => solution(k)[0]! < 3; // the first cell holds 1, 2 or 3
  const p = Array.from({ length: puzzles.count }, (_, k) => k).filter(knows).length / puzzles.count;
  assert.ok(p > 0.1 && p < 0.7, `subset share ${p}`);
  const [r] = evaluateSudoku(denoiser(knows), puzzles, { orders: ["confidence-margin"], nfe: [5], seed: 0, schedule });
  assert.equal(r!.accuracy, p);
  assert.ok(Math.abs(r!.accuracy_stderr - Math.sqrt((p * (1 - p)) / (puzzles.count - 1))) < 1e-12);
  assert.equal(r!.valid, p);
});

test("scoreGrid: a completion that changes a given is neither solved nor valid", () => {
  const g = Array.from(solution(0));
  assert.deepEqual(scoreGrid(g, given(0), solution(0)), [1, 1, 1]);
  const i = [...given(0).keys()].find((j) => given(0)[j] !== SUDOKU_BLANK)!;
  const changed = g.slice();
  changed[i] = (changed[i]! + 1) % 9;
  assert.deepEqual(scoreGrid(changed, given(0), solution(0)).slice(0, 2), [0, 0]);
  const wrong = g.slice();
  const f = [...given(0).keys()].find((j) => given(0)[j] === SUDOKU_BLANK)!;
  wrong[f] = (wrong[f]! + 1) % 9;
  const free = given(0).filter((v) => v === SUDOKU_BLANK).length;
  assert.deepEqual(scoreGrid(wrong, given(0), solution(0)), [0, 0, (free - 1) / free]);
});

test("evaluateSudoku refuses bad options before sampling", () => {
  const d = denoiser(() => true);
  assert.throws(() => evaluateSudoku(d, puzzles, { orders: ["nope"], nfe: [5], seed: 0, schedule }), /unknown sampler 'nope'/);
  assert.throws(() => evaluateSudoku(d, puzzles, { orders: ["ancestral"], nfe: [0], seed: 0, schedule }), /NFE must be positive integers/);
  assert.throws(() => evaluateSudoku(functionDenoiser(5, false, () => new Float64Array(405)), puzzles, { orders: ["ancestral"], nfe: [5], seed: 0, schedule }), /5 data classes; Sudoku needs 9/);
  const none: SudokuPuzzles = { count: 0, givens: new Uint8Array(0), solutions: new Uint8Array(0) };
  assert.throws(() => evaluateSudoku(d, none, { orders: ["ancestral"], nfe: [5], seed: 0, schedule }), /no puzzles/);
});

const root = fs.mkdtempSync(path.join(os.tmpdir(), "maskdiff-eval-sudoku-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** Trains a tiny model for `data` and returns its checkpoint. */
function tinyCheckpoint(name: string, data: object): string {
  const cfg = path.join(root, `${name}.json`);
  fs.writeFileSync(cfg, JSON.stringify({
    seed: 0, data, model: { d: 16, layers: 1, heads: 2, cond: 8 },
    train: { steps: 6, batch: 4, lr: 2e-3, warmup: 2, evalEvery: 6, evalSequences: 4, checkpointEvery: 6, keepCheckpoints: 1 },
  }));
  ok(runCli(["train", "--config", cfg, "--out", path.join(root, name), "--samples", "0", "--json"], 120_000));
  return path.join(root, name, fs.readdirSync(path.join(root, name)).find((f) => f.startsWith("ckpt-"))!);
}

test("eval-sudoku on a tiny trained checkpoint: one row per order × NFE, same seed → same numbers, clear refusals", () => {
  const dir = path.join(root, "sudoku");
  prepareSudoku({ outDir: dir, train: 64, valid: 8, test: 12, seed: 1 });
  const ckpt = tinyCheckpoint("md4", { name: "sudoku", seqLen: 81, dir });
  const args = ["eval-sudoku", "--checkpoint", ckpt, "--nfe", "2,4", "--puzzles", "10", "--json"];
  const lines = (s: string) => s.trim().split("\n").map((l) => JSON.parse(l));
  const a = lines(ok(runCli(args)).stdout);
  assert.deepEqual(a.map((r) => [r.order, r.nfe]), [["confidence-prob", 2], ["confidence-prob", 4], ["confidence-margin", 2], ["confidence-margin", 4]]);
  for (const r of a) {
    assert.equal(r.puzzles, 10);
    assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && r.cell_accuracy >= 0 && r.cell_accuracy <= 1);
    assert.equal(r.valid, r.accuracy, "unique solutions: a valid completion is the solution");
  }
  const strip = (rs: { seconds: number }[]) => rs.map(({ seconds, ...rest }) => rest);
  assert.deepEqual(strip(lines(ok(runCli(args)).stdout)), strip(a));
  assert.match(ok(runCli(["eval-sudoku", "--checkpoint", ckpt, "--nfe", "3", "--orders", "ancestral", "--puzzles", "4"])).stdout, /\| ancestral \| 3 \| \d+\.\d ± \d+\.\d %/);
  userError(runCli(["eval-sudoku", "--checkpoint", ckpt, "--orders", "confidence-prob,nope"]), /--orders: sampler spec 'nope': unknown sampler 'nope'/);
  userError(runCli(["eval-sudoku", "--checkpoint", ckpt, "--nfe", "5,0"]), /--nfe: .*every count must be ≥ 1/);
  const pairs = tinyCheckpoint("pairs", { name: "pairs", seqLen: 2, coupledSize: 100 });
  userError(runCli(["eval-sudoku", "--checkpoint", pairs]), /trained on 'pairs', not on Sudoku: eval-sudoku needs a model trained with data.name "sudoku"/);
  fs.rmSync(dir, { recursive: true });
  userError(runCli(["eval-sudoku", "--checkpoint", ckpt]), /cannot be loaded: Sudoku folder .* is not prepared \(no meta.json\); run `maskdiff data sudoku --out/);
});
