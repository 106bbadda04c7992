/** The seeded global generator behind rand/randn/randint/multinomial/dropout. */
import { native } from "./native.js";
import { Tensor } from "./tensor.js";
import { tidy } from "./scope.js";

/** Seeds the generator; the same seed gives the same draws on the same machine. */
export function manualSeed(seed: number | bigint): void {
  native.manualSeed(seed);
}

/** The generator's full state, for checkpoints. */
export function getRngState(): Uint8Array {
  return tidy(() => new Tensor(native.getRngState()).data() as Uint8Array);
}

/** Restores a state returned by getRngState(). */
export function setRngState(state: Uint8Array): void {
  tidy(() => {
    const t = new Tensor(native.fromBuffer(state, [state.length], "uint8", "cpu"));
    native.setRngState(t.handle);
  });
}
