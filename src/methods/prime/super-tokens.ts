/** Super-tokenization (ℓ = p/q < 1): q base-C tokens merged into one integer, re-split into p digits. */
import { DigitCodec } from "./digits.js";

/** Merges groups of q tokens into one integer in [0, C^q) and writes it as p digits of base b, b^p ≥ C^q. */
export class SuperTokenCodec {
  /** Class count C of the original tokens. */
  readonly classes: number;
  /** Tokens per group q. */
  readonly groupSize: number;
  /** Digit codec over the C^q merged classes, with p digits per group. */
  readonly digits: DigitCodec;

  /** A codec turning every q tokens of C classes into p digits. */
  constructor(classes: number, p: number, q: number) {
    if (!Number.isInteger(q) || q < 1) throw new Error(`group size q must be a positive integer, got ${q}`);
    const merged = classes ** q;
    if (!Number.isInteger(classes) || classes < 1 || merged > 2 ** 31 - 1) throw new Error(`C^q = ${classes}^${q} must be a positive integer below 2^31`);
    this.classes = classes;
    this.groupSize = q;
    this.digits = new DigitCodec(merged, p);
  }

  /** Merged integers Σ_r x_{g·q+r}·C^(q−1−r), one per group; the length must be a multiple of q. */
  groupTokens(tokens: Int32Array): Int32Array {
    const { classes: C, groupSize: q } = this;
    if (tokens.length % q !== 0) throw new Error(`sequence length ${tokens.length} is not a multiple of q = ${q}`);
    const out = new Int32Array(tokens.length / q);
    for (let g = 0; g < out.length; g++) {
      let n = 0;
      for (let r = 0; r < q; r++) {
        const x = tokens[g * q + r]!;
        if (!(x >= 0 && x < C)) throw new Error(`token ${x} at position ${g * q + r} is outside 0..${C - 1}`);
        n = n * C + x;
      }
      out[g] = n;
    }
    return out;
  }

  /** The q tokens of each merged integer, most significant first (inverse of groupTokens). */
  ungroupTokens(merged: Int32Array): Int32Array {
    const { classes: C, groupSize: q } = this;
    const out = new Int32Array(merged.length * q);
    merged.forEach((n, g) => {
      if (!(n >= 0 && n < this.digits.classes)) throw new Error(`merged token ${n} at position ${g} is outside 0..${this.digits.classes - 1}`);
      for (let r = q - 1; r >= 0; r--, n = Math.floor(n / C)) out[g * q + r] = n % C;
    });
    return out;
  }

  /** Digits of a token sequence: (length / q)·p digits. */
  encode(tokens: Int32Array): Int32Array {
    return this.digits.encode(this.groupTokens(tokens));
  }

  /** Tokens from fully visible digits (inverse of encode). */
  decode(digits: Int32Array): Int32Array {
    return this.ungroupTokens(this.digits.decode(digits));
  }
}
