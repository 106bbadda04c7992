/**
 * How the positions of a noisy state map to tokens and classes. A token of class c is written as ℓ
 * base-b digits, most significant first (ℓ = 1, b = C for MD4; MDM-Prime's sub-tokens for ℓ > 1).
 */

/** The layout of a denoiser's states; the loop, the prediction cache, the final fill and traces read it. */
export interface StateLayout {
  /** Number of real classes C per token: the denoiser's output size. */
  readonly classes: number;
  /** Values a visible state position takes, 0..symbols−1 (the digit base b); the mask id is `symbols`. */
  readonly symbols: number;
  /** The mask id in states (= symbols). */
  readonly maskId: number;
  /** State positions per token ℓ (token i owns positions i·ℓ .. i·ℓ+ℓ−1). */
  readonly positionsPerToken: number;
  /** Digit j of class c: digitTable[j·C + c]. */
  readonly digitTable: Int32Array;
}

/** The layout of C classes as ℓ digits of base b (requires b^ℓ ≥ C). */
export function digitLayout(classes: number, base: number, ell: number): StateLayout {
  for (const [k, v] of [["classes", classes], ["base", base], ["digits per token", ell]] as const)
    if (!Number.isInteger(v) || v < 1) throw new Error(`state layout: ${k} must be a positive integer, got ${v}`);
  if (base ** ell < classes) throw new Error(`state layout: ${ell} digits of base ${base} cannot write ${classes} classes`);
  const digitTable = new Int32Array(ell * classes);
  for (let c = 0; c < classes; c++) for (let j = ell - 1, r = c; j >= 0; j--, r = Math.floor(r / base)) digitTable[j * classes + c] = r % base;
  return { classes, symbols: base, maskId: base, positionsPerToken: ell, digitTable };
}

/** The plain layout: one position per token, V classes, mask id V. */
export function tokenLayout(V: number): StateLayout {
  return digitLayout(V, V, 1);
}

/** Digit j of class c under the layout. */
export function symbolOf(layout: StateLayout, c: number, j: number): number {
  return layout.digitTable[j * layout.classes + c]!;
}

/** The class of every token of a fully visible state [n·ℓ]; throws naming the first masked or invalid position. */
export function decodeState(layout: StateLayout, state: Int32Array): Int32Array {
  const { positionsPerToken: ell, symbols: base } = layout;
  if (state.length % ell !== 0) throw new Error(`digit sequence length ${state.length} is not a multiple of ℓ = ${ell}`);
  const out = new Int32Array(state.length / ell);
  for (let i = 0; i < out.length; i++) {
    let c = 0;
    for (let j = 0; j < ell; j++) {
      const d = state[i * ell + j]!;
      if (d === layout.maskId) throw new Error(`digit ${j} of token ${i} (position ${i * ell + j}) is masked`);
      if (!(d >= 0 && d < base)) throw new Error(`digit ${d} at position ${i * ell + j} is outside 0..${base - 1}`);
      c = c * base + d;
    }
    if (c >= layout.classes) throw new Error(`token ${i} decodes to code ${c} ≥ C = ${layout.classes} (an unused code)`);
    out[i] = c;
  }
  return out;
}

/** The state [n·ℓ] of clean classes [n]: position i·ℓ + j holds digit j of token i. */
export function encodeTokens(layout: StateLayout, tokens: ArrayLike<number>): Int32Array {
  const { classes: C, positionsPerToken: ell, digitTable } = layout;
  const out = new Int32Array(tokens.length * ell);
  for (let i = 0; i < tokens.length; i++) {
    const c = tokens[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < C)) throw new Error(`token ${c} at position ${i} is outside 0..${C - 1}`);
    for (let j = 0; j < ell; j++) out[i * ell + j] = digitTable[j * C + c]!;
  }
  return out;
}
