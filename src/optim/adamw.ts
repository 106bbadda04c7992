/** AdamW: Adam with decoupled weight decay, updating parameters in place. */
import { keep, noGrad, tidy, zeros, type Tensor } from "../engine/index.js";

/** AdamW hyper-parameters. */
export interface AdamWOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** Per-parameter moment estimates, for checkpoints. */
export interface AdamWState {
  step: number;
  m: Tensor[];
  v: Tensor[];
}

/** AdamW over a fixed list of parameters (same update as torch.optim.AdamW). */
export class AdamW {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  step = 0;
  readonly m: Tensor[];
  readonly v: Tensor[];

  constructor(readonly params: Tensor[], opts: AdamWOptions) {
    this.lr = opts.lr;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.m = params.map((p) => keep(zeros(p.shape, { dtype: p.dtype, device: p.device })));
    this.v = params.map((p) => keep(zeros(p.shape, { dtype: p.dtype, device: p.device })));
  }

  /** Applies one update from the parameters' current gradients (parameters without one are skipped). */
  update(): void {
    this.step += 1;
    const bc1 = 1 - this.beta1 ** this.step;
    const bc2 = 1 - this.beta2 ** this.step;
    noGrad(() =>
      tidy(() => {
        this.params.forEach((p, i) => {
          const g = p.grad;
          if (!g) return;
          if (this.weightDecay) p.mulInPlace(1 - this.lr * this.weightDecay);
          const m = this.m[i]!.mulInPlace(this.beta1).addInPlace(g, 1 - this.beta1);
          const v = this.v[i]!.mulInPlace(this.beta2).addcmulInPlace(g, g, 1 - this.beta2);
          const denom = v.sqrt().div(Math.sqrt(bc2)).add(this.eps);
          p.addcdivInPlace(m, denom, -this.lr / bc1);
        });
      }),
    );
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** Moments and step count (live tensors). */
  state(): AdamWState {
    return { step: this.step, m: this.m, v: this.v };
  }

  /** Restores moments and step count saved by state(). */
  loadState(s: AdamWState): void {
    if (s.m.length !== this.m.length || s.v.length !== this.v.length)
      throw new Error(`optimizer state has ${s.m.length} moments, expected ${this.m.length}`);
    noGrad(() =>
      this.m.forEach((m, i) => {
        m.copyInPlace(s.m[i]!);
        this.v[i]!.copyInPlace(s.v[i]!);
      }),
    );
    this.step = s.step;
  }
}
