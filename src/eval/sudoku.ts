/**
 * Sudoku accuracy (ALGORITHMS.md §5.7): each test puzzle's given cells are the prompt of the sampling loop (never changed),
 * its free cells are filled by a policy in T = NFE steps, and the completed grid is compared with the puzzle's unique
 * solution. Per (order, NFE): the share of puzzles solved exactly, the share of completions that satisfy the rules (equal to
 * it when every puzzle's solution is unique and the givens are kept, so a difference flags a bug), and the share of free
 * cells right; each with its standard error over puzzles.
 */
import type { Denoiser } from "../diffusion/denoiser.js";
import type { Schedule } from "../diffusion/schedule.js";
import { sample } from "../diffusion/samplers/index.js";
import { encodeTemplate } from "../diffusion/state-layout.js";
import type { SudokuPuzzles } from "../data/sudoku-generate.js";
import { isValidGrid, SUDOKU_BLANK, SUDOKU_CELLS, SUDOKU_DIGITS } from "../data/sudoku-solver.js";
import { Rng } from "../engine/rng.js";
import { meanStderr } from "./sampler-eval-metrics.js";
import { policyFromSpec } from "./sampler-eval-policy.js";

/** One (order, NFE) result; key order is the JSON output's. */
export interface SudokuEvalRow {
  /** The sampler spec that chose the cells to reveal. */
  order: string;
  /** Steps T of the loop (one network call each, at most). */
  nfe: number;
  /** Puzzles scored. */
  puzzles: number;
  /** Share of puzzles whose completed grid equals the solution. */
  accuracy: number;
  accuracy_stderr: number;
  /** Share of completions that satisfy the rules and keep the givens. */
  valid: number;
  valid_stderr: number;
  /** Mean over puzzles of the share of free cells filled right. */
  cell_accuracy: number;
  cell_accuracy_stderr: number;
  /** Real network evaluations per puzzle (steps that changed nothing reuse the last prediction). */
  nfe_per_puzzle: number;
  /** Wall time of the sampling in seconds. */
  seconds: number;
}

/** Options of evaluateSudoku. */
export interface SudokuEvalOptions {
  /** Sampler specs (see policyFromSpec), e.g. "confidence-prob", "confidence-margin". */
  orders: readonly string[];
  /** Step counts T. */
  nfe: readonly number[];
  /** Every (order, NFE) starts from Rng(seed) (common random numbers). */
  seed: number;
  /** The masking schedule the model was trained with. */
  schedule: Schedule;
  /** Puzzles per sample() call (default 250). */
  batch?: number;
  /** Called after each row, e.g. for progress. */
  onRow?: (row: SudokuEvalRow) => void;
}

/** The prompt of puzzles [from, to): each one's givens in the denoiser's state layout, concatenated. */
function prompts(denoiser: Denoiser, p: SudokuPuzzles, from: number, to: number): Int32Array {
  const parts = [];
  for (let k = from; k < to; k++) parts.push(encodeTemplate(denoiser.layout, p.givens.subarray(k * SUDOKU_CELLS, (k + 1) * SUDOKU_CELLS)));
  const out = new Int32Array(parts.reduce((a, x) => a + x.length, 0));
  parts.reduce((at, x) => (out.set(x, at), at + x.length), 0);
  return out;
}

/** [solved, valid, share of free cells right] of one completed grid against its puzzle's givens and solution. */
export function scoreGrid(grid: ArrayLike<number>, given: ArrayLike<number>, truth: ArrayLike<number>): [number, number, number] {
  let free = 0, right = 0, keeps = true;
  for (let i = 0; i < SUDOKU_CELLS; i++) {
    if (given[i] !== SUDOKU_BLANK) {
      if (grid[i] !== given[i]) keeps = false;
      continue;
    }
    free++;
    if (grid[i] === truth[i]) right++;
  }
  return [right === free && keeps ? 1 : 0, keeps && isValidGrid(grid) ? 1 : 0, free === 0 ? 1 : right / free];
}

/** Scores every (order, NFE) on every puzzle; returns the rows in order × NFE order. */
export function evaluateSudoku(denoiser: Denoiser, puzzles: SudokuPuzzles, o: SudokuEvalOptions): SudokuEvalRow[] {
  if (denoiser.layout.dataClasses !== SUDOKU_DIGITS) throw new Error(`evaluateSudoku: the denoiser has ${denoiser.layout.dataClasses} data classes; Sudoku needs ${SUDOKU_DIGITS}`);
  if (puzzles.count < 1) throw new Error("evaluateSudoku: no puzzles");
  if (o.orders.length === 0) throw new Error("evaluateSudoku: no orders given");
  if (o.nfe.length === 0 || !o.nfe.every((T) => Number.isSafeInteger(T) && T >= 1)) throw new Error(`evaluateSudoku: NFE must be positive integers, got [${o.nfe.join(", ")}]`);
  const batch = o.batch ?? 250;
  if (!Number.isSafeInteger(batch) || batch < 1) throw new Error(`evaluateSudoku: batch must be a positive integer, got ${batch}`);
  for (const spec of o.orders) policyFromSpec(spec); // a bad spec fails before any sampling
  const n = puzzles.count;
  const out: SudokuEvalRow[] = [];
  for (const order of o.orders) {
    for (const T of o.nfe) {
      const rng = new Rng(o.seed);
      const solved = new Float64Array(n), valid = new Float64Array(n), cells = new Float64Array(n);
      let rows = 0;
      const t0 = performance.now();
      for (let from = 0; from < n; from += batch) {
        const to = Math.min(n, from + batch);
        const r = sample(denoiser, policyFromSpec(order), { batch: to - from, length: SUDOKU_CELLS, steps: T, schedule: o.schedule, rng, prompt: prompts(denoiser, puzzles, from, to) });
        rows += r.stats.predictedRows;
        for (let k = from; k < to; k++) {
          const grid = r.tokens.subarray((k - from) * SUDOKU_CELLS, (k - from + 1) * SUDOKU_CELLS);
          [solved[k], valid[k], cells[k]] = scoreGrid(grid, puzzles.givens.subarray(k * SUDOKU_CELLS, (k + 1) * SUDOKU_CELLS), puzzles.solutions.subarray(k * SUDOKU_CELLS, (k + 1) * SUDOKU_CELLS));
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      const [a, v, c] = [meanStderr(solved), meanStderr(valid), meanStderr(cells)];
      const row: SudokuEvalRow = {
        order, nfe: T, puzzles: n, accuracy: a.mean, accuracy_stderr: a.stderr, valid: v.mean, valid_stderr: v.stderr,
        cell_accuracy: c.mean, cell_accuracy_stderr: c.stderr, nfe_per_puzzle: rows / n, seconds,
      };
      out.push(row);
      o.onRow?.(row);
    }
  }
  return out;
}
