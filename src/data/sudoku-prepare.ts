/**
 * `maskdiff data sudoku`: the fixed Sudoku split, generated once from a seed and written to a folder — train.txt and
 * valid.txt (complete grids), test.txt (puzzles with their unique solutions) and meta.json (sizes, seeds, generator version,
 * SHA-256 of each file). The three parts come from separate seeded streams (test: seed, train: seed + 1, valid: seed + 2), so
 * changing one size leaves the other parts as they were. An existing folder is refused unless `force` is set.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isValidSeed, seedRangeMessage } from "../engine/seed.js";
import { writeFilesAtomically } from "./atomic-write.js";
import { defaultDataDir } from "./paths.js";
import { gridText } from "./sudoku-format.js";
import { generateGrids, generatePuzzles, SUDOKU_GENERATOR } from "./sudoku-generate.js";
import { SUDOKU_BLANK, SUDOKU_CELLS } from "./sudoku-solver.js";

/** Default sizes: complete training grids, validation grids, test puzzles (see README: about 2 min to generate). */
export const SUDOKU_DEFAULTS = { train: 40_000, valid: 500, test: 1_000, seed: 0, difficulty: 0.5 } as const;

/** The files of a prepared folder. */
export const SUDOKU_FILES = ["train.txt", "valid.txt", "test.txt"] as const;

/** Default prepared folder: <package root>/data/sudoku. */
export function defaultSudokuDir(): string {
  return path.join(defaultDataDir(), "sudoku");
}

/** Options of prepareSudoku. */
export interface PrepareSudokuOptions {
  /** Folder to write. */
  outDir: string;
  /** Complete training grids. */
  train?: number;
  /** Complete validation grids. */
  valid?: number;
  /** Test puzzles. */
  test?: number;
  /** Seed of the split (the parts use seed, seed + 1, seed + 2). */
  seed?: number;
  /** The generator's difficulty in [0, 1] (see generatePuzzles). */
  difficulty?: number;
  /** Replace an existing folder's files. */
  force?: boolean;
}

/** What prepareSudoku wrote (also meta.json). */
export interface SudokuMeta {
  /** The generator package and version. */
  generator: string;
  /** Seed of the split. */
  seed: number;
  /** The generator's difficulty. */
  difficulty: number;
  /** Grids (train, valid) and puzzles (test). */
  sizes: { train: number; valid: number; test: number };
  /** Given cells per test puzzle. */
  givens: { min: number; mean: number; max: number };
  /** How uniqueness was checked. */
  uniqueness: string;
  /** SHA-256 of each file, checked when the folder is loaded. */
  sha256: Record<string, string>;
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

function checkCount(what: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${what} must be an integer ≥ ${min}, got ${n}`);
}

/** Generates the split and writes the folder atomically; returns its meta. */
export function prepareSudoku(opts: PrepareSudokuOptions): SudokuMeta {
  const { train = SUDOKU_DEFAULTS.train, valid = SUDOKU_DEFAULTS.valid, test = SUDOKU_DEFAULTS.test } = opts;
  const { seed = SUDOKU_DEFAULTS.seed, difficulty = SUDOKU_DEFAULTS.difficulty, outDir } = opts;
  checkCount("--train", train, 1);
  checkCount("--valid", valid, 1);
  checkCount("--test", test, 1);
  if (!isValidSeed(seed, 2)) throw new Error(seedRangeMessage("--seed", seed, 2));
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw new Error(`${outDir} exists and is not a folder`);
  if (!opts.force && fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0)
    throw new Error(`${outDir} already exists and is not empty: the split is written once; pass --force to replace it, or choose another --out`);
  const puzzles = generatePuzzles(test, seed, difficulty);
  const grids = { train: generateGrids(train, seed + 1), valid: generateGrids(valid, seed + 2) };
  const lines = (cells: Uint8Array): string[] => Array.from({ length: cells.length / SUDOKU_CELLS }, (_, k) => gridText(cells.subarray(k * SUDOKU_CELLS, (k + 1) * SUDOKU_CELLS)));
  const solutionLines = lines(puzzles.solutions);
  const text: Record<(typeof SUDOKU_FILES)[number], string[]> = {
    "train.txt": lines(grids.train),
    "valid.txt": lines(grids.valid),
    "test.txt": lines(puzzles.givens).map((p, k) => `${p} ${solutionLines[k]}`),
  };
  const seen = new Set(solutionLines);
  for (const g of [...text["train.txt"], ...text["valid.txt"]]) {
    if (seen.has(g)) throw new Error(`seed ${seed} draws grid ${g} twice (train, valid and test grids must be distinct); use another --seed`);
    seen.add(g);
  }
  const givenCounts = Array.from({ length: test }, (_, k) => puzzles.givens.subarray(k * SUDOKU_CELLS, (k + 1) * SUDOKU_CELLS).filter((v) => v !== SUDOKU_BLANK).length);
  const files = SUDOKU_FILES.map((name) => ({ name, data: text[name].join("\n") + "\n" }));
  const meta: SudokuMeta = {
    generator: SUDOKU_GENERATOR,
    seed,
    difficulty,
    sizes: { train, valid, test },
    givens: { min: Math.min(...givenCounts), mean: givenCounts.reduce((a, b) => a + b, 0) / test, max: Math.max(...givenCounts) },
    uniqueness: "every test puzzle has exactly one solution, counted by maskdiff's backtracking solver, equal to the generator's",
    sha256: Object.fromEntries(files.map((f) => [f.name, sha256(f.data)])),
  };
  writeFilesAtomically([
    ...files.map((f) => ({ path: path.join(outDir, f.name), data: f.data })),
    { path: path.join(outDir, "meta.json"), data: JSON.stringify(meta, null, 2) + "\n" },
  ]);
  return meta;
}
