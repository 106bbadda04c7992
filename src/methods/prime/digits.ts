/** Base-b sub-tokenization of MDM-Prime: each of C classes becomes ℓ digits, most significant first. */
import { decodeState, digitLayout, encodeTokens, type StateLayout } from "../../diffusion/state-layout.js";

/** b^e as an exact integer while it stays ≤ cap, else cap + 1 (no overflow, no floating roots). */
function powCapped(b: number, e: number, cap: number): number {
  let p = 1;
  for (let i = 0; i < e; i++) {
    p *= b;
    if (p > cap) return cap + 1;
  }
  return p;
}

/** Checks that n is an integer ≥ min, naming it in the error. */
function requireInt(n: number, min: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${what} must be an integer ≥ ${min}, got ${n}`);
}

/** The smallest integer b with b^ℓ ≥ C, found by an integer loop (Math.pow roots overshoot on exact powers). */
export function digitBase(C: number, ell: number): number {
  requireInt(C, 1, "class count C");
  requireInt(ell, 1, "digits per token ℓ");
  let b = 1;
  while (powCapped(b, ell, C) < C) b++;
  return b;
}

/** Encodes tokens of C classes as ℓ base-b digits each, decodes them back, and lists classes consistent with partial digits. */
export class DigitCodec {
  /** Number of real token classes C. */
  readonly classes: number;
  /** Digits per token ℓ. */
  readonly ell: number;
  /** Digit base b, the smallest with b^ℓ ≥ C. */
  readonly base: number;
  /** The masked-digit symbol, equal to the base. */
  readonly maskDigit: number;
  /** The state layout these digits form (what denoisers and samplers read). */
  readonly layout: StateLayout;
  /** digitTable[j·C + c] = digit j of class c (j = 0 most significant). */
  readonly digitTable: Int32Array;

  /** A codec for C classes and ℓ digits per token. */
  constructor(classes: number, ell: number) {
    this.base = digitBase(classes, ell);
    this.layout = digitLayout(classes, this.base, ell);
    this.classes = classes;
    this.ell = ell;
    this.maskDigit = this.base;
    this.digitTable = this.layout.digitTable;
  }

  /** Digits of L tokens, length L·ℓ: position i·ℓ + j holds digit j of token i. */
  encode(tokens: Int32Array): Int32Array {
    return encodeTokens(this.layout, tokens);
  }

  /** Tokens from fully visible digits; throws on a mask digit, a digit ≥ b, or a code ≥ C, naming the position. */
  decode(digits: Int32Array): Int32Array {
    return decodeState(this.layout, digits);
  }

  /** Classes (ascending) whose digits agree with every visible digit of one token's ℓ digits, by enumerating completions of the masked ones. */
  consistentClasses(tokenDigits: Int32Array): Int32Array {
    const { ell, base, classes: C } = this;
    if (tokenDigits.length !== ell) throw new Error(`expected ${ell} digits of one token, got ${tokenDigits.length}`);
    let prefix = 0; // value of the digits with masked ones set to 0
    const freeWeights: number[] = []; // b^(ℓ−1−j) of each masked digit j, most significant first
    for (let j = 0, w = powCapped(base, ell - 1, Number.MAX_SAFE_INTEGER); j < ell; j++, w /= base) {
      const d = tokenDigits[j]!;
      if (d === this.maskDigit) freeWeights.push(w);
      else if (d >= 0 && d < base) prefix += d * w;
      else throw new Error(`digit ${d} at index ${j} is neither 0..${base - 1} nor the mask ${this.maskDigit}`);
    }
    const out: number[] = [];
    const visit = (k: number, c: number): void => {
      if (c >= C) return; // completions only grow from here
      if (k === freeWeights.length) {
        out.push(c);
        return;
      }
      for (let v = 0; v < base; v++) visit(k + 1, c + v * freeWeights[k]!);
    };
    visit(0, prefix);
    return Int32Array.from(out);
  }
}
