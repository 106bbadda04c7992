/**
 * Sudoku grids and puzzles from the npm package @algorithm.ts/sudoku (MIT; dancing-links solver, puzzles made by removing
 * cells while the solution stays unique), made reproducible from a seed: the package draws from Math.random and takes no
 * seed, so each call runs with Math.random replaced by a seeded Rng stream (restored afterwards; the calls are synchronous,
 * so nothing else can observe the swap). Every puzzle is checked again by our own solver: exactly one solution, equal to
 * the package's; every grid is checked against the rules. Same seed and package version → the same grids, bit for bit.
 */
import { SudokuCreator } from "@algorithm.ts/sudoku";
import { Rng } from "../engine/rng.js";
import { countSolutions, isValidGrid, SUDOKU_BLANK, SUDOKU_CELLS } from "./sudoku-solver.js";

/** The generator package and the exact version the split is reproducible with (pinned in package.json). */
export const SUDOKU_GENERATOR = "@algorithm.ts/sudoku@4.0.3";

/** Test puzzles with their unique solutions, [n·81] each (blanks = SUDOKU_BLANK in givens). */
export interface SudokuPuzzles {
  /** Number of puzzles n. */
  count: number;
  /** The given cells of each puzzle, SUDOKU_BLANK where free. */
  givens: Uint8Array;
  /** The unique solution of each puzzle. */
  solutions: Uint8Array;
}

/** The package's creator, with its (protected) full-grid maker made callable. */
class GridCreator extends SudokuCreator {
  /** One complete random grid (classes 0..8). */
  grid(): number[] {
    return this._createSolution();
  }
}

/** Runs fn with Math.random drawing from rng. */
function withSeededRandom<T>(rng: Rng, fn: () => T): T {
  const saved = Math.random;
  Math.random = () => rng.next();
  try {
    return fn();
  } finally {
    Math.random = saved;
  }
}

/** Throws unless every difficulty is in [0, 1]. */
function checkDifficulty(d: number): void {
  if (!(d >= 0 && d <= 1)) throw new Error(`Sudoku difficulty must be a number in [0, 1], got ${d}`);
}

/** n complete grids [n·81] drawn from the seed; each one checked against the rules. */
export function generateGrids(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const creator = new GridCreator({ childMatrixWidth: 3 });
  const out = new Uint8Array(n * SUDOKU_CELLS);
  for (let k = 0; k < n; k++) {
    const g = withSeededRandom(rng, () => creator.grid());
    if (!isValidGrid(g)) throw new Error(`${SUDOKU_GENERATOR} produced grid ${k} that breaks the rules (seed ${seed})`);
    out.set(g, k * SUDOKU_CELLS);
  }
  return out;
}

/**
 * n puzzles drawn from the seed. `difficulty` ∈ [0, 1] is the package's: it tries to blank the share 0.2 + 0.8·difficulty of
 * the cells (in random order, keeping a cell whenever blanking it would admit a second solution). Each puzzle is checked by
 * countSolutions: exactly one solution, equal to the package's.
 */
export function generatePuzzles(n: number, seed: number, difficulty: number): SudokuPuzzles {
  checkDifficulty(difficulty);
  const rng = new Rng(seed);
  const creator = new SudokuCreator({ childMatrixWidth: 3, difficulty });
  const givens = new Uint8Array(n * SUDOKU_CELLS);
  const solutions = new Uint8Array(n * SUDOKU_CELLS);
  for (let k = 0; k < n; k++) {
    const { puzzle, solution } = withSeededRandom(rng, () => creator.createSudoku());
    const p = puzzle.map((v) => (v === -1 ? SUDOKU_BLANK : v));
    const check = countSolutions(p, 2);
    if (check.count !== 1 || !isValidGrid(solution) || check.solution!.some((v, i) => v !== solution[i]))
      throw new Error(`${SUDOKU_GENERATOR} produced puzzle ${k} whose solution is not unique or not its own (our solver found ${check.count}; seed ${seed})`);
    givens.set(p, k * SUDOKU_CELLS);
    solutions.set(solution, k * SUDOKU_CELLS);
  }
  return { count: n, givens, solutions };
}
