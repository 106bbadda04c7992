/** Facts and settings of the libtorch runtime: version, threads, devices, live tensors. */
import { native } from "./native.js";

/** libtorch's version string, e.g. '1.13.0'. */
export function torchVersion(): string {
  return native.torchVersion;
}

/** Which CPU allocator the binding installed ('caching' or 'system'). */
export function allocatorName(): string {
  return native.allocator;
}

/** Number of tensors neither disposed nor garbage-collected. */
export function liveTensors(): number {
  return native.live();
}

/** Sets libtorch's intra-op thread count (OpenBLAS threads are set by OPENBLAS_NUM_THREADS). */
export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}

/** libtorch's intra-op thread count. */
export function getNumThreads(): number {
  return native.getNumThreads();
}

/** Whether this libtorch was built with CUDA and a GPU is visible. */
export function hasCuda(): boolean {
  return native.hasCuda();
}
