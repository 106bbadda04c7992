/** Super-tokenization (ℓ = p/q < 1): q base-C tokens merged into one integer, re-split into p digits (a grouped state layout). */
import { decodeState, encodeTokens, groupedLayout, groupTokens, ungroupTokens, type StateLayout } from "../../diffusion/state-layout.js";
import { DigitCodec } from "./digits.js";

/** Merges groups of q tokens into one integer in [0, C^q) and writes it as p digits of base b, b^p ≥ C^q. */
export class SuperTokenCodec {
  /** Class count C of the original tokens. */
  readonly classes: number;
  /** Tokens per group q. */
  readonly groupSize: number;
  /** Digit codec over the C^q merged classes, with p digits per group. */
  readonly digits: DigitCodec;
  /** The grouped state layout (what denoisers and samplers read). */
  readonly layout: StateLayout;

  /** A codec turning every q tokens of C classes into p digits. */
  constructor(classes: number, p: number, q: number) {
    if (!Number.isInteger(q) || q < 1) throw new Error(`group size q must be a positive integer, got ${q}`);
    const merged = classes ** q;
    if (!Number.isInteger(classes) || classes < 1 || merged > 2 ** 24) throw new Error(`C^q = ${classes}^${q} must be a positive integer of at most 2^24`);
    this.classes = classes;
    this.groupSize = q;
    this.digits = new DigitCodec(merged, p);
    this.layout = groupedLayout(classes, q, this.digits.base, p);
  }

  /** Merged integers Σ_r x_{g·q+r}·C^(q−1−r), one per group; the length must be a multiple of q. */
  groupTokens(tokens: Int32Array): Int32Array {
    return groupTokens(this.layout, tokens);
  }

  /** The q tokens of each merged integer, most significant first (inverse of groupTokens). */
  ungroupTokens(merged: Int32Array): Int32Array {
    return ungroupTokens(this.layout, merged);
  }

  /** Digits of a token sequence: (length / q)·p digits. */
  encode(tokens: Int32Array): Int32Array {
    return encodeTokens(this.layout, tokens);
  }

  /** Tokens from fully visible digits (inverse of encode). */
  decode(digits: Int32Array): Int32Array {
    return decodeState(this.layout, digits);
  }
}
