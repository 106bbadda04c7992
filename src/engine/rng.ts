/** A seeded float64 random stream for sampling math in JavaScript (xoroshiro128+ from pure-rand). */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus, xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";

type Generator = ReturnType<typeof xoroshiro128plus>;

/** Murmur3's 32-bit finaliser: spreads nearby seeds (0, 1, 2, ...) over the whole state space. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/** Reproducible uniform doubles with 53 random bits; its state can be saved and restored. */
export class Rng {
  private gen: Generator;

  /** A stream seeded with an integer in [0, 2^32 − 1]. */
  constructor(seed: number) {
    // mix32 keeps only seed mod 2^32 (and truncates fractions): refuse what would alias.
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
      throw new RangeError(`Rng: seed must be an integer from 0 to 2^32 - 1 (4294967295), got ${seed}`);
    this.gen = xoroshiro128plus(mix32(seed));
    for (let i = 0; i < 4; i++) this.gen.next(); // leave the low-entropy start of small seeds behind
  }

  /** A stream restored from state(). */
  static fromState(state: readonly number[]): Rng {
    const r = new Rng(0);
    r.gen = xoroshiro128plusFromState(state);
    return r;
  }

  /** Uniform on [0, 1). */
  next(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Exponential(1) draw, −log(1 − U), never infinite. */
  exponential(): number {
    return -Math.log1p(-this.next());
  }

  /** Standard normal draw by Box–Muller from two uniforms (the second value is discarded, so each call is stateless). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** The generator's state, for checkpoints. */
  state(): number[] {
    return [...this.gen.getState()];
  }
}
