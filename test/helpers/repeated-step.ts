/** One policy step on many independent copies of a batch at once: each copy is one more group of sequences with its own streams. */
import type { SamplerPolicy } from "../../src/diffusion/samplers/policy.js";
import { stepContext, type StepInput } from "../../src/diffusion/samplers/step-context.js";

/** `reps` copies of a flat array, one after another. */
function repeat<A extends Int32Array | Float64Array | Uint8Array>(x: A, reps: number): A {
  const out = new (x.constructor as new (n: number) => A)(x.length * reps);
  for (let r = 0; r < reps; r++) out.set(x, r * x.length);
  return out;
}

/** Runs policy.step once on `reps` copies of x's batch (x.tokens untouched) and returns each copy's next state. */
export function repeatedStep(policy: SamplerPolicy, x: StepInput, reps: number): Int32Array[] {
  const tokens = repeat(x.tokens, reps);
  const fixed = x.fixed ? repeat(x.fixed, reps) : null;
  policy.step(stepContext({ ...x, batch: x.batch * reps, tokens, probs: repeat(x.probs, reps), fixed }));
  const size = x.tokens.length;
  return Array.from({ length: reps }, (_, r) => tokens.subarray(r * size, (r + 1) * size));
}
