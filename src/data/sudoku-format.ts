/**
 * The text form of Sudoku grids in a prepared folder: one grid per line, 81 characters row-major, digits '1'..'9' and '_'
 * for a blank cell (the free mark of `maskdiff sample --template`, so a puzzle line can be pasted there as it is).
 * test.txt lines hold "<puzzle> <solution>".
 */
import { SUDOKU_BLANK, SUDOKU_CELLS } from "./sudoku-solver.js";

/** The character of a blank cell. */
export const BLANK_CHAR = "_";

/** The text of one grid (classes 0..8 → '1'..'9', SUDOKU_BLANK → '_'). */
export function gridText(cells: ArrayLike<number>): string {
  let s = "";
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i]!;
    if (v === SUDOKU_BLANK) s += BLANK_CHAR;
    else if (Number.isInteger(v) && v >= 0 && v < SUDOKU_BLANK) s += String(v + 1);
    else throw new Error(`gridText: cell ${i} holds ${v}; expected 0..${SUDOKU_BLANK}`);
  }
  return s;
}

/** Parses 81 characters into `out` at `offset`; throws naming `where` at the first bad character. */
export function parseGrid(text: string, blanks: boolean, out: Uint8Array, offset: number, where: string): void {
  if (text.length !== SUDOKU_CELLS) throw new Error(`${where}: ${text.length} characters; expected ${SUDOKU_CELLS} (one grid per line)`);
  for (let i = 0; i < SUDOKU_CELLS; i++) {
    const ch = text[i]!;
    if (ch >= "1" && ch <= "9") out[offset + i] = ch.charCodeAt(0) - 49;
    else if (blanks && ch === BLANK_CHAR) out[offset + i] = SUDOKU_BLANK;
    else throw new Error(`${where}: character ${JSON.stringify(ch)} at column ${i + 1}; expected a digit 1-9${blanks ? ` or '${BLANK_CHAR}'` : ""}`);
  }
}

/** The lines of a prepared file's text (one trailing newline allowed, no empty line). */
export function gridLines(text: string, where: string): string[] {
  const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
  const empty = lines.findIndex((l) => l.length === 0);
  if (empty >= 0) throw new Error(`${where}:${empty + 1}: empty line`);
  return lines;
}
