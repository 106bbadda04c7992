/** The tensor engine: libtorch tensors, ops and autograd for TypeScript. */
export { Tensor, type DType, type TensorLike } from "./tensor.js";
export { tensor, scalar, full, zeros, ones, arange, rand, randn, randint, multinomial, type CreateOptions } from "./create.js";
export { cat, stack, where, linear, layerNorm, embedding, dropout, crossEntropy, attention } from "./functional.js";
export { tidy, keep } from "./scope.js";
export { noGrad, isGradEnabled } from "./grad.js";
export { manualSeed, getRngState, setRngState } from "./random.js";
export { liveTensors, setNumThreads, getNumThreads, hasCuda, torchVersion, allocatorName } from "./runtime.js";
export { saveSafetensors, loadSafetensors, readSafetensorsHeader, type SafetensorsEntry, type SafetensorsHeader, type LoadSafetensorsOptions } from "./safetensors.js";
export { Rng } from "./rng.js";
export { ProcessGroup, availableBackends, type ProcessGroupOptions, type ReduceOp } from "./process-group.js";
