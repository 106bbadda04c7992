/** What the sampling page shows of a state: one cell per layout token, masked, partially revealed (sub-tokens) or visible. */
import type { TokenDataset, TokenStream } from "../data/dataset.js";
import { classAt, ungroupTokens, type StateLayout } from "../diffusion/state-layout.js";

/** A cell's kind: every position masked, some of its ℓ digits visible, or all visible. */
export type CellKind = "masked" | "partial" | "visible";

/** One cell: its index in the whole output (sequences one after the other), kind, and text (the digits, '?' masked, for partial cells). */
export type Cell = [index: number, kind: CellKind, text: string];

/** Cell i (layout token i) of `state`, numbered `offset + i`. */
export function cellOf(layout: StateLayout, data: TokenDataset<TokenStream>, state: Int32Array, i: number, offset: number): Cell {
  const ell = layout.positionsPerToken;
  const digits = Array.from(state.subarray(i * ell, (i + 1) * ell));
  const masked = digits.filter((d) => d === layout.maskId).length;
  if (masked === ell) return [offset + i, "masked", ""];
  if (masked > 0) return [offset + i, "partial", digits.map((d) => (d === layout.maskId ? "?" : String(d))).join(" ")];
  return [offset + i, "visible", data.decode(ungroupTokens(layout, Int32Array.of(classAt(layout, state, i))))];
}

/** The cells holding the state positions `positions` (each cell once, ascending). */
export function changedCells(layout: StateLayout, data: TokenDataset<TokenStream>, state: Int32Array, positions: Int32Array, offset: number): Cell[] {
  const tokens = [...new Set(Array.from(positions, (p) => Math.floor(p / layout.positionsPerToken)))];
  return tokens.map((i) => cellOf(layout, data, state, i, offset));
}
