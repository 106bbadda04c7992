/**
 * One random stream per sequence of a batch, derived in order from the caller's stream: sequence b draws only
 * from stream b, so its sample depends on its own state and stream alone — not on the other sequences of the
 * batch (a batch of B' > b sequences holds the same sequence b), nor on whether μ came from the cache.
 */
import { Rng } from "../../engine/rng.js";

/** The per-sequence streams of one sample() call (or of one test step). */
export class SequenceStreams {
  private readonly streams: Rng[];

  /** Streams for `batch` sequences, seeded by successive draws of `rng`. */
  constructor(rng: Rng, batch: number) {
    this.streams = Array.from({ length: batch }, () => new Rng(rng.int(2 ** 32)));
  }

  /** A uniform on [0, 1) from sequence b's stream. */
  next(b: number): number {
    return this.streams[b]!.next();
  }

  /** `dim` standard normals per sequence [B·dim], each sequence's from its own stream. */
  normals(dim: number): Float64Array {
    const z = new Float64Array(this.streams.length * dim);
    this.streams.forEach((r, b) => {
      for (let k = 0; k < dim; k++) z[b * dim + k] = r.normal();
    });
    return z;
  }

  /** One uniform per token [B·n] (n per sequence), each sequence's drawn in order from its own stream. */
  perToken(n: number): Float64Array {
    const u = new Float64Array(this.streams.length * n);
    this.streams.forEach((r, b) => {
      for (let i = 0; i < n; i++) u[b * n + i] = r.next();
    });
    return u;
  }
}
