/** Loads the libtorch binding (build/Release/maskdiff_native.node) and types its functions. */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BindingError, UserError } from "../errors.js";

/** Opaque handle to a libtorch tensor owned by the binding. */
export type Handle = { readonly __handle: unique symbol };
/** Opaque handle to a c10d process group owned by the binding (native/src/dist.cc). */
export type GroupHandle = { readonly __group: unique symbol };
/** What distCreate reads: the rendezvous, the backend and, for Gloo, which network device to use. */
export interface NativeGroupOptions {
  backend: string;
  host: string;
  port: number;
  worldSize: number;
  rank: number;
  timeoutMs: number;
  /** Time-out of the rendezvous (default timeoutMs). */
  rendezvousTimeoutMs?: number;
  /** Whether this rank serves the TCPStore (default: rank 0), and a prefix of its keys. */
  storeIsServer?: boolean;
  storePrefix?: string;
  /** Device of scalar collectives' tensors: 'cpu' (Gloo) or 'cuda:k' (NCCL). */
  device: string;
  /** Gloo's network interface (e.g. 'eth0'); else glooHostname; else Gloo's default device. */
  glooInterface?: string;
  glooHostname?: string;
}
/** An argument the binding accepts where a tensor or a scalar may appear. */
export type HandleOrScalar = Handle | number | boolean;

/** The functions exported by the C++ binding; see native/src/*.cc for each one. */
export interface NativeAddon {
  torchVersion: string;
  allocator: string;
  fromBuffer(data: ArrayBufferView, shape: number[], dtype: string, device: string): Handle;
  toBuffer(h: Handle, dtype?: string): ArrayBuffer;
  item(h: Handle): number;
  full(shape: number[], value: number | boolean, dtype: string, device: string): Handle;
  arange(start: number, end: number, step: number, dtype: string, device: string): Handle;
  rand(shape: number[], dtype: string, device: string): Handle;
  randn(shape: number[], dtype: string, device: string): Handle;
  randint(low: number, high: number, shape: number[], dtype: string, device: string): Handle;
  multinomial(p: Handle, n: number, replacement: boolean): Handle;
  manualSeed(seed: number | bigint): void;
  getRngState(): Handle;
  setRngState(h: Handle): void;
  shape(h: Handle): number[];
  dtype(h: Handle): string;
  device(h: Handle): string;
  isDisposed(h: Handle): boolean;
  dispose(h: Handle): void;
  live(): number;
  requiresGrad(h: Handle): boolean;
  setRequiresGrad(h: Handle, on: boolean): void;
  grad(h: Handle): Handle | null;
  clearGrad(h: Handle): void;
  backward(h: Handle, gradient?: Handle): void;
  setGradEnabled(on: boolean): boolean;
  isGradEnabled(): boolean;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  hasCuda(): boolean;
  gelu(h: Handle, approximate: string): Handle;
  clamp(h: Handle, min: number | null, max: number | null): Handle;
  to(h: Handle, dtype: string | null, device: string | null): Handle;
  where(c: Handle, a: HandleOrScalar, b: HandleOrScalar): Handle;
  maskedFill(h: Handle, mask: Handle, value: number | boolean): Handle;
  linear(x: Handle, w: Handle, b: Handle | null): Handle;
  sum(h: Handle, dims: number[], keepdim: boolean, dtype?: string): Handle;
  mean(h: Handle, dims: number[], keepdim: boolean): Handle;
  max(h: Handle, dim: number | null, keepdim: boolean): Handle;
  min(h: Handle, dim: number | null, keepdim: boolean): Handle;
  argmax(h: Handle, dim: number, keepdim: boolean): Handle;
  logsumexp(h: Handle, dims: number[], keepdim: boolean): Handle;
  cumsum(h: Handle, dim: number): Handle;
  softmax(h: Handle, dim: number): Handle;
  logSoftmax(h: Handle, dim: number): Handle;
  sort(h: Handle, dim: number, descending: boolean, stable?: boolean): [Handle, Handle];
  maxDim(h: Handle, dim: number, keepdim: boolean): [Handle, Handle];
  searchsorted(sorted: Handle, values: Handle, right: boolean): Handle;
  viewAs(h: Handle, dtype: string): Handle;
  shiftRight(h: Handle, bits: number): Handle;
  topk(h: Handle, k: number, dim: number, largest: boolean): [Handle, Handle];
  gather(h: Handle, dim: number, index: Handle): Handle;
  scatter(h: Handle, dim: number, index: Handle, src: HandleOrScalar): Handle;
  scatterAdd(h: Handle, dim: number, index: Handle, src: Handle): Handle;
  indexSelect(h: Handle, dim: number, index: Handle): Handle;
  embedding(weight: Handle, indices: Handle): Handle;
  reshape(h: Handle, shape: number[]): Handle;
  permute(h: Handle, dims: number[]): Handle;
  transpose(h: Handle, a: number, b: number): Handle;
  expand(h: Handle, shape: number[]): Handle;
  unsqueeze(h: Handle, dim: number): Handle;
  squeeze(h: Handle, dim: number): Handle;
  slice(h: Handle, dim: number, start: number, end: number, step: number): Handle;
  cat(hs: Handle[], dim: number): Handle;
  stack(hs: Handle[], dim: number): Handle;
  chunk(h: Handle, n: number, dim: number): Handle[];
  layerNorm(x: Handle, shape: number[], w: Handle | null, b: Handle | null, eps: number): Handle;
  dropout(x: Handle, p: number, train: boolean): Handle;
  crossEntropy(logits: Handle, target: Handle, reduction: string): Handle;
  addInPlace(h: Handle, other: HandleOrScalar, alpha?: number): void;
  mulInPlace(h: Handle, other: HandleOrScalar): void;
  addcmulInPlace(h: Handle, a: Handle, b: Handle, value: number): void;
  addcdivInPlace(h: Handle, a: Handle, b: Handle, value: number): void;
  lerpInPlace(h: Handle, end: Handle, weight: number): void;
  copyInPlace(h: Handle, src: Handle): void;
  indexCopyInPlace(h: Handle, dim: number, index: Handle, src: Handle): void;
  fillInPlace(h: Handle, value: number | boolean): void;
  distBackends(): string[];
  distCreate(o: NativeGroupOptions): GroupHandle;
  distAllReduce(g: GroupHandle, ts: Handle[], op: string): void;
  distBroadcast(g: GroupHandle, ts: Handle[], root: number): void;
  distAllGather(g: GroupHandle, value: number): number[];
  distBarrier(g: GroupHandle): void;
  distClose(g: GroupHandle): void;
  [unaryOrBinary: string]: unknown;
}

/** Intra-op threads set when the binding loads; read now so that a bad MASKDIFF_TORCH_THREADS fails at import. */
const torchThreads = torchThreadsFromEnv(process.env.MASKDIFF_TORCH_THREADS);

/** Loads the binding, or throws a BindingError saying why it cannot be used and how to rebuild it. */
function load(): NativeAddon {
  // OpenBLAS (Debian's libtorch matmuls) reads its thread count once, when libtorch loads.
  process.env.OPENBLAS_NUM_THREADS ??= String(Math.min(availableParallelism(), 8));
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  const file = join(dir, "build", "Release", "maskdiff_native.node");
  const rebuild =
    `build it with \`npm run build:native\` in ${dir} (where maskdiff is a dependency: \`npm rebuild maskdiff\`, after ` +
    "`npm install-scripts approve maskdiff` where npm 11's strict-allow-scripts is set); libtorch must be installed (apt-get install libtorch-dev, or set LIBTORCH; see README)";
  if (!existsSync(file)) throw new BindingError(`maskdiff: the libtorch binding is not built (${file} is missing); ${rebuild}`, "BINDING_MISSING");
  let addon: NativeAddon;
  try {
    addon = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (e) {
    const why = (e as Error).message.split("\n")[0];
    throw new BindingError(`maskdiff: the libtorch binding ${file} cannot be loaded (${why}); it was probably built against another libtorch or on another machine; ${rebuild}`, "BINDING_UNLOADABLE", { cause: e });
  }
  // Intra-op threads on top of OpenBLAS's own threads oversubscribe a small CPU.
  addon.setNumThreads(torchThreads);
  return addon;
}

/**
 * The intra-op thread count from MASKDIFF_TORCH_THREADS (unset or empty: 1). Anything but an
 * integer from 1 to 1024 is refused with a UserError naming the variable (bin/maskdiff.js prints it as
 * one line, exit 2): libtorch's set_num_threads(0) throws a c10::Error, which used to abort the process at import.
 */
export function torchThreadsFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1024)
    throw new UserError(`MASKDIFF_TORCH_THREADS must be an integer from 1 to 1024 (libtorch's intra-op threads; unset means 1), got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * The binding, loaded at its first use (so importing maskdiff needs no binding): until then a stand-in whose
 * first property read loads the real one and puts it in this live binding, so later calls go straight to it.
 */
export let native: NativeAddon = new Proxy({} as NativeAddon, {
  get: (_, key) => (native = loaded ??= load())[key as string],
});
let loaded: NativeAddon | undefined;
