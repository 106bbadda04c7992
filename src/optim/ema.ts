/** Exponential moving average of parameters, for evaluation and sampling. */
import { keep, noGrad, type Tensor } from "../engine/index.js";

/** Shadow copies updated as shadow ← decay·shadow + (1−decay)·param. */
export class Ema {
  readonly shadow: Tensor[];

  constructor(readonly params: Tensor[], readonly decay = 0.9999) {
    this.shadow = noGrad(() => params.map((p) => keep(p.detach().clone())));
  }

  /** Moves the averages one step toward the current parameters. */
  update(): void {
    noGrad(() => this.shadow.forEach((s, i) => s.lerpInPlace(this.params[i]!, 1 - this.decay)));
  }

  /** Runs fn with the averaged weights swapped into the parameters, then restores them. */
  withAveraged<T>(fn: () => T): T {
    const saved = noGrad(() => this.params.map((p) => keep(p.detach().clone())));
    noGrad(() => this.params.forEach((p, i) => p.copyInPlace(this.shadow[i]!)));
    try {
      return fn();
    } finally {
      noGrad(() => this.params.forEach((p, i) => p.copyInPlace(saved[i]!)));
      saved.forEach((s) => s.dispose());
    }
  }
}
