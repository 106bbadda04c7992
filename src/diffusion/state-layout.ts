/**
 * How the positions of a noisy state map to tokens and classes. A token of class c is written as ℓ
 * base-b digits, most significant first (ℓ = 1, b = C for MD4; MDM-Prime's sub-tokens for ℓ > 1).
 * A token may stand for a group of q data tokens of C_data classes merged into one class of C_data^q
 * (MDM-Prime's super-tokens, ℓ = p/q): encodeTokens and decodeState map data tokens to states and back.
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
  /** Data tokens per layout token q (1 unless super-tokens). */
  readonly groupSize: number;
  /** Classes of one data token (classes = dataClasses^groupSize). */
  readonly dataClasses: number;
}

/** The layout of C classes as ℓ digits of base b (requires b^ℓ ≥ C). */
export function digitLayout(classes: number, base: number, ell: number): StateLayout {
  for (const [k, v] of [["classes", classes], ["base", base], ["digits per token", ell]] as const)
    if (!Number.isInteger(v) || v < 1) throw new Error(`state layout: ${k} must be a positive integer, got ${v}`);
  if (base ** ell < classes) throw new Error(`state layout: ${ell} digits of base ${base} cannot write ${classes} classes`);
  const digitTable = new Int32Array(ell * classes);
  for (let c = 0; c < classes; c++) for (let j = ell - 1, r = c; j >= 0; j--, r = Math.floor(r / base)) digitTable[j * classes + c] = r % base;
  return { classes, symbols: base, maskId: base, positionsPerToken: ell, digitTable, groupSize: 1, dataClasses: classes };
}

/** Super-tokens: every q data tokens of C classes merged into one class of C^q, written as ℓ digits of base b. */
export function groupedLayout(dataClasses: number, groupSize: number, base: number, ell: number): StateLayout {
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new Error(`group size q must be a positive integer, got ${groupSize}`);
  const merged = dataClasses ** groupSize;
  if (!Number.isInteger(dataClasses) || dataClasses < 1 || merged > 2 ** 24) throw new Error(`C^q = ${dataClasses}^${groupSize} must be a positive integer of at most 2^24`);
  return { ...digitLayout(merged, base, ell), groupSize, dataClasses };
}

/** State positions of a sequence of n data tokens (n must be a multiple of the group size). */
export function statePositions(layout: StateLayout, n: number): number {
  if (n % layout.groupSize !== 0) throw new Error(`sequence length ${n} is not a multiple of q = ${layout.groupSize} (tokens per super-token)`);
  return (n / layout.groupSize) * layout.positionsPerToken;
}

/** Merged classes Σ_r x_{g·q+r}·C^(q−1−r), one per group of q data tokens; the length must be a multiple of q. */
export function groupTokens(layout: StateLayout, tokens: ArrayLike<number>): Int32Array {
  const { dataClasses: C, groupSize: q } = layout;
  if (tokens.length % q !== 0) throw new Error(`sequence length ${tokens.length} is not a multiple of q = ${q}`);
  const out = new Int32Array(tokens.length / q);
  for (let g = 0; g < out.length; g++) {
    let n = 0;
    for (let r = 0; r < q; r++) {
      const x = tokens[g * q + r]!;
      if (!(Number.isInteger(x) && x >= 0 && x < C)) throw new Error(`token ${x} at position ${g * q + r} is outside 0..${C - 1}`);
      n = n * C + x;
    }
    out[g] = n;
  }
  return out;
}

/** The q data tokens of each merged class, most significant first (inverse of groupTokens). */
export function ungroupTokens(layout: StateLayout, merged: Int32Array): Int32Array {
  const { dataClasses: C, groupSize: q, classes } = layout;
  const out = new Int32Array(merged.length * q);
  merged.forEach((n, g) => {
    if (!(n >= 0 && n < classes)) throw new Error(`merged token ${n} at position ${g} is outside 0..${classes - 1}`);
    for (let r = q - 1; r >= 0; r--, n = Math.floor(n / C)) out[g * q + r] = n % C;
  });
  return out;
}

/** The plain layout: one position per token, V classes, mask id V. */
export function tokenLayout(V: number): StateLayout {
  return digitLayout(V, V, 1);
}

/** Digit j of class c under the layout. */
export function symbolOf(layout: StateLayout, c: number, j: number): number {
  return layout.digitTable[j * layout.classes + c]!;
}

/** The data tokens of a fully visible state [n·ℓ] (n·q of them); throws naming the first masked or invalid position. */
export function decodeState(layout: StateLayout, state: Int32Array): Int32Array {
  const merged = decodeDigits(layout, state);
  return layout.groupSize === 1 ? merged : ungroupTokens(layout, merged);
}

/** The class of every layout token of a fully visible state [n·ℓ]. */
function decodeDigits(layout: StateLayout, state: Int32Array): Int32Array {
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

/** The state of clean data tokens [n·q]: position i·ℓ + j holds digit j of (merged) token i. */
export function encodeTokens(layout: StateLayout, data: ArrayLike<number>): Int32Array {
  const tokens = layout.groupSize === 1 ? data : groupTokens(layout, data);
  const { classes: C, positionsPerToken: ell, digitTable } = layout;
  const out = new Int32Array(tokens.length * ell);
  for (let i = 0; i < tokens.length; i++) {
    const c = tokens[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < C)) throw new Error(`token ${c} at position ${i} is outside 0..${C - 1}`);
    for (let j = 0; j < ell; j++) out[i * ell + j] = digitTable[j * C + c]!;
  }
  return out;
}

/**
 * The state of a partly given sequence of data tokens (the mask id dataClasses marks a free token): given tokens are
 * encoded, free ones become ℓ masked positions; with super-tokens every group must be all given or all free.
 */
export function encodeTemplate(layout: StateLayout, data: ArrayLike<number>): Int32Array {
  const free = layout.dataClasses;
  const q = layout.groupSize;
  if (data.length % q !== 0) throw new Error(`template length ${data.length} is not a multiple of the group size ${q}`);
  const ell = layout.positionsPerToken;
  const out = new Int32Array((data.length / q) * ell).fill(layout.maskId);
  for (let g = 0; g < data.length / q; g++) {
    const group = Array.from({ length: q }, (_, r) => data[g * q + r]!);
    const given = group.filter((x) => x !== free).length;
    if (given === 0) continue;
    if (given < q) throw new Error(`template positions ${g * q}..${g * q + q - 1} form one super-token: give all ${q} or none`);
    out.set(encodeTokens(layout, group), g * ell);
  }
  return out;
}
