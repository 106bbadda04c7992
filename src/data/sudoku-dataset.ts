/**
 * The Sudoku dataset (data.name "sudoku"): V = 9 classes (digit d is class d − 1), records of 81 cells. train and valid are
 * the complete grids of a prepared folder, test the solutions of its test puzzles; the puzzles themselves come along for
 * `maskdiff eval-sudoku`. The folder is written once by `maskdiff data sudoku` and checked against its meta.json checksums.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { TokenDataset, TokenStream } from "./dataset.js";
import { readRegularFile } from "./read-file.js";
import { gridLines, gridText, parseGrid } from "./sudoku-format.js";
import type { SudokuPuzzles } from "./sudoku-generate.js";
import { defaultSudokuDir, SUDOKU_FILES, type SudokuMeta } from "./sudoku-prepare.js";
import { SUDOKU_CELLS, SUDOKU_DIGITS } from "./sudoku-solver.js";

/** A loaded Sudoku folder: the token dataset plus the test puzzles. */
export interface SudokuDataset extends TokenDataset {
  /** The test puzzles with their unique solutions (solutions = the test split). */
  puzzles: SudokuPuzzles;
}

/** Reads one prepared file, checked against the checksum in meta.json. */
function readChecked(dir: string, name: string, meta: SudokuMeta): string {
  const file = path.join(dir, name);
  const text = readRegularFile(file, { what: "Sudoku file" }).toString("utf8");
  const want = meta.sha256?.[name];
  const got = createHash("sha256").update(text).digest("hex");
  if (want !== got) throw new Error(`${file} does not match the checksum in ${path.join(dir, "meta.json")} (edited or truncated?); prepare the folder again with \`maskdiff data sudoku --out ${dir} --force\``);
  return text;
}

/** Complete grids, one per line, as a stream of classes. */
function parseGrids(text: string, where: string): Uint8Array {
  const lines = gridLines(text, where);
  const out = new Uint8Array(lines.length * SUDOKU_CELLS);
  lines.forEach((l, k) => parseGrid(l, false, out, k * SUDOKU_CELLS, `${where}:${k + 1}`));
  return out;
}

/** "<puzzle> <solution>" lines. */
function parsePuzzles(text: string, where: string): SudokuPuzzles {
  const lines = gridLines(text, where);
  const givens = new Uint8Array(lines.length * SUDOKU_CELLS);
  const solutions = new Uint8Array(lines.length * SUDOKU_CELLS);
  lines.forEach((l, k) => {
    const parts = l.split(" ");
    if (parts.length !== 2) throw new Error(`${where}:${k + 1}: expected "<puzzle> <solution>" (two grids separated by one space)`);
    parseGrid(parts[0]!, true, givens, k * SUDOKU_CELLS, `${where}:${k + 1} (puzzle)`);
    parseGrid(parts[1]!, false, solutions, k * SUDOKU_CELLS, `${where}:${k + 1} (solution)`);
  });
  return { count: lines.length, givens, solutions };
}

/** Loads a folder prepared by `maskdiff data sudoku` (default data/sudoku). */
export function loadSudoku(dir: string = defaultSudokuDir()): SudokuDataset {
  const metaFile = path.join(dir, "meta.json");
  if (!fs.existsSync(metaFile)) throw new Error(`Sudoku folder ${dir} is not prepared (no meta.json); run \`maskdiff data sudoku${dir === defaultSudokuDir() ? "" : ` --out ${dir}`}\` first`);
  const metaText = readRegularFile(metaFile, { what: "Sudoku meta file" }).toString("utf8");
  let meta: SudokuMeta;
  try {
    meta = JSON.parse(metaText) as SudokuMeta;
  } catch (e) {
    throw new Error(`${metaFile} is not valid JSON: ${(e as Error).message}`);
  }
  const [train, valid, test] = SUDOKU_FILES.map((f) => readChecked(dir, f, meta)) as [string, string, string];
  const puzzles = parsePuzzles(test, path.join(dir, "test.txt"));
  const splits = { train: parseGrids(train, path.join(dir, "train.txt")), valid: parseGrids(valid, path.join(dir, "valid.txt")), test: puzzles.solutions };
  return {
    name: "sudoku",
    vocabSize: SUDOKU_DIGITS,
    recordLength: SUDOKU_CELLS,
    decode: (ids) => gridText(ids),
    splits,
    puzzles,
    meta: { ...meta, source: dir, sizes: { train: splits.train.length, valid: splits.valid.length, test: splits.test.length }, grids: meta.sizes },
  };
}

/** The test puzzles of a dataset loaded by loadSudoku, or null for any other dataset. */
export function sudokuPuzzlesOf(data: TokenDataset<TokenStream>): SudokuPuzzles | null {
  const p = (data as { puzzles?: SudokuPuzzles }).puzzles;
  return data.name === "sudoku" && p !== undefined ? p : null;
}
