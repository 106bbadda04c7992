/**
 * Sudoku rules and an exact solver. A grid is 81 cells, row-major; a digit 1..9 is stored as its class 0..8 and a blank
 * cell as SUDOKU_BLANK (9, which is also the mask id of the V = 9 token layout). The solver is plain backtracking over
 * row/column/box bitmasks, always branching on the blank cell with the fewest candidates; it counts solutions up to a limit,
 * so "is this puzzle's solution unique?" is countSolutions(p, 2).count === 1.
 */

/** Cells of a grid. */
export const SUDOKU_CELLS = 81;

/** Digits (classes) per cell. */
export const SUDOKU_DIGITS = 9;

/** The value of a blank cell. */
export const SUDOKU_BLANK = SUDOKU_DIGITS;

const ALL = (1 << SUDOKU_DIGITS) - 1;

const boxOf = (cell: number): number => 3 * Math.floor(cell / 27) + Math.floor((cell % 9) / 3);

/** Throws unless grid has 81 cells, each a digit class 0..8 or (when blanks are allowed) SUDOKU_BLANK. */
export function checkGridShape(grid: ArrayLike<number>, blanks: boolean, what = "grid"): void {
  if (grid.length !== SUDOKU_CELLS) throw new Error(`${what} has ${grid.length} cells; a Sudoku grid has ${SUDOKU_CELLS}`);
  const top = blanks ? SUDOKU_BLANK : SUDOKU_DIGITS - 1;
  for (let i = 0; i < SUDOKU_CELLS; i++) {
    const v = grid[i]!;
    if (!Number.isInteger(v) || v < 0 || v > top) throw new Error(`${what}: cell ${i} holds ${v}; expected a digit class 0..8${blanks ? ` or ${SUDOKU_BLANK} (blank)` : ""}`);
  }
}

/** Whether a complete grid (classes 0..8, no blank) satisfies the rules: every row, column and 3×3 box holds each digit once. */
export function isValidGrid(grid: ArrayLike<number>): boolean {
  if (grid.length !== SUDOKU_CELLS) return false;
  const rows = new Array<number>(9).fill(0), cols = new Array<number>(9).fill(0), boxes = new Array<number>(9).fill(0);
  for (let i = 0; i < SUDOKU_CELLS; i++) {
    const v = grid[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= SUDOKU_DIGITS) return false;
    const bit = 1 << v, r = Math.floor(i / 9), c = i % 9, b = boxOf(i);
    if ((rows[r]! | cols[c]! | boxes[b]!) & bit) return false;
    rows[r]! |= bit;
    cols[c]! |= bit;
    boxes[b]! |= bit;
  }
  return true;
}

/** What countSolutions found. */
export interface SolutionCount {
  /** Solutions found, at most the limit (0 also when the givens break a rule). */
  count: number;
  /** The first solution found, or null when there is none. */
  solution: Uint8Array | null;
}

/** Counts the completions of a puzzle (blanks = SUDOKU_BLANK) that satisfy the rules, stopping at `limit` (default 2). */
export function countSolutions(puzzle: ArrayLike<number>, limit = 2): SolutionCount {
  checkGridShape(puzzle, true, "puzzle");
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`countSolutions: limit must be an integer ≥ 1, got ${limit}`);
  const grid = Uint8Array.from(puzzle as ArrayLike<number>);
  const rows = new Array<number>(9).fill(0), cols = new Array<number>(9).fill(0), boxes = new Array<number>(9).fill(0);
  const blanks: number[] = [];
  for (let i = 0; i < SUDOKU_CELLS; i++) {
    const v = grid[i]!;
    if (v === SUDOKU_BLANK) {
      blanks.push(i);
      continue;
    }
    const bit = 1 << v, r = Math.floor(i / 9), c = i % 9, b = boxOf(i);
    if ((rows[r]! | cols[c]! | boxes[b]!) & bit) return { count: 0, solution: null };
    rows[r]! |= bit;
    cols[c]! |= bit;
    boxes[b]! |= bit;
  }
  const free = (i: number): number => ALL & ~(rows[Math.floor(i / 9)]! | cols[i % 9]! | boxes[boxOf(i)]!);
  let count = 0;
  let solution: Uint8Array | null = null;
  const search = (left: number): void => {
    if (left === 0) {
      count++;
      solution ??= grid.slice();
      return;
    }
    // the blank (among blanks[0..left)) with the fewest candidates goes last, then is branched on
    let best = 0, bestFree = 0, bestSize = SUDOKU_DIGITS + 1;
    for (let k = 0; k < left; k++) {
      const f = free(blanks[k]!);
      const size = popcount(f);
      if (size < bestSize) [best, bestFree, bestSize] = [k, f, size];
      if (size === 0) return;
    }
    const cell = blanks[best]!;
    [blanks[best], blanks[left - 1]] = [blanks[left - 1]!, cell];
    const r = Math.floor(cell / 9), c = cell % 9, b = boxOf(cell);
    for (let v = 0; v < SUDOKU_DIGITS && count < limit; v++) {
      const bit = 1 << v;
      if (!(bestFree & bit)) continue;
      rows[r]! |= bit;
      cols[c]! |= bit;
      boxes[b]! |= bit;
      grid[cell] = v;
      search(left - 1);
      rows[r]! &= ~bit;
      cols[c]! &= ~bit;
      boxes[b]! &= ~bit;
    }
    grid[cell] = SUDOKU_BLANK;
    [blanks[best], blanks[left - 1]] = [blanks[left - 1]!, blanks[best]!];
  };
  search(blanks.length);
  return { count, solution };
}

function popcount(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}
