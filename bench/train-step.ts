/** A timed training step (loss, backward, AdamW) of one method variant, shared by the method benches. */
import { manualSeed, randint, tidy } from "../src/engine/index.js";
import { Rng } from "../src/engine/rng.js";
import { scheduleFromName } from "../src/diffusion/schedule.js";
import { antithetic } from "../src/diffusion/time-sampling.js";
import { methodNamed } from "../src/methods/registry.js";
import { AdamW } from "../src/optim/index.js";
import type { TrainConfig } from "../src/train/config.js";

/** A function that runs one training step of `config`'s method on random tokens (27 classes) and returns its milliseconds. */
export function stepper(config: TrainConfig): () => number {
  manualSeed(0);
  const method = methodNamed(config.method.name);
  const model = method.build(config, 27);
  const opt = new AdamW(model.network.parameters(), { lr: 1e-4 });
  const schedule = scheduleFromName(config.diffusion.schedule);
  const rng = new Rng(1);
  const { batch } = config.train;
  const L = config.data.seqLen;
  const times = batch * (method.timesPerSequence?.(config) ?? 1);
  return () => {
    const t0 = performance.now();
    tidy(() => {
      const x = randint(0, 27, [batch, L]);
      const { loss } = model.loss({ x, t: antithetic(times, rng, config.diffusion.tMin), schedule });
      loss.backward();
    });
    opt.update();
    opt.zeroGrad();
    return performance.now() - t0;
  };
}

/** Median of a list. */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}
