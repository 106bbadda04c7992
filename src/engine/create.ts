/** Creating tensors: from data, constants, ranges and seeded random draws. */
import { native } from "./native.js";
import { Tensor, type DType } from "./tensor.js";

/** Element type and device of a new tensor. */
export interface CreateOptions {
  dtype?: DType;
  device?: string;
}

type Data = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | number[] | boolean[];

function dtypeOfData(d: Data): DType {
  if (d instanceof Float64Array) return "float64";
  if (d instanceof Int32Array) return "int32";
  if (d instanceof BigInt64Array) return "int64";
  if (d instanceof Uint8Array) return "uint8";
  if (Array.isArray(d) && typeof d[0] === "boolean") return "bool";
  return "float32";
}

function asBuffer(d: Data, dtype: DType): ArrayBufferView {
  const plain = Array.isArray(d) ? (d as (number | boolean)[]).map(Number) : null;
  switch (dtype) {
    case "float32": return d instanceof Float32Array ? d : Float32Array.from(plain ?? (d as ArrayLike<number>));
    case "float64": return d instanceof Float64Array ? d : Float64Array.from(plain ?? (d as ArrayLike<number>));
    case "int32": return d instanceof Int32Array ? d : Int32Array.from(plain ?? (d as ArrayLike<number>));
    case "int64":
      if (d instanceof BigInt64Array) return d;
      return BigInt64Array.from(Array.from(plain ?? (d as ArrayLike<number>), (v) => BigInt(Math.trunc(Number(v)))));
    case "uint8": return d instanceof Uint8Array ? d : Uint8Array.from(plain ?? (d as ArrayLike<number>));
    default: return Uint8Array.from(plain ?? (d as ArrayLike<number>), (v) => (v ? 1 : 0));
  }
}

/**
 * A tensor holding a copy of data (a typed array or a flat number array), with the given
 * shape (default: 1-D). The dtype defaults to the typed array's type (number[] -> float32).
 */
export function tensor(data: Data, shape?: number[], opts: CreateOptions = {}): Tensor {
  const dtype = opts.dtype ?? dtypeOfData(data);
  const buf = asBuffer(data, dtype);
  const dims = shape ?? [Array.isArray(data) ? data.length : (data as ArrayLike<unknown>).length];
  const n = dims.reduce((a, b) => a * b, 1);
  const len = Array.isArray(data) ? data.length : (data as ArrayLike<unknown>).length;
  if (n !== len) throw new Error(`tensor(): shape [${dims.join(", ")}] needs ${n} elements but data has ${len}`);
  return new Tensor(native.fromBuffer(buf, dims, dtype, opts.device ?? "cpu"));
}

/** A 0-d tensor holding one number. */
export function scalar(value: number, opts: CreateOptions = {}): Tensor {
  return full([], value, opts);
}

/** A tensor filled with value. */
export function full(shape: number[], value: number | boolean, opts: CreateOptions = {}): Tensor {
  return new Tensor(native.full(shape, value, opts.dtype ?? "float32", opts.device ?? "cpu"));
}

/** A tensor of zeros. */
export function zeros(shape: number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 0, opts);
}

/** A tensor of ones. */
export function ones(shape: number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

/** start, start+step, ... below end (int64 by default). */
export function arange(start: number, end: number, step = 1, opts: CreateOptions = {}): Tensor {
  return new Tensor(native.arange(start, end, step, opts.dtype ?? "int64", opts.device ?? "cpu"));
}

/** Uniform draws on [0, 1) from the seeded generator. */
export function rand(shape: number[], opts: CreateOptions = {}): Tensor {
  return new Tensor(native.rand(shape, opts.dtype ?? "float32", opts.device ?? "cpu"));
}

/** Standard normal draws from the seeded generator. */
export function randn(shape: number[], opts: CreateOptions = {}): Tensor {
  return new Tensor(native.randn(shape, opts.dtype ?? "float32", opts.device ?? "cpu"));
}

/** Uniform integers in [low, high) from the seeded generator (int64 by default). */
export function randint(low: number, high: number, shape: number[], opts: CreateOptions = {}): Tensor {
  return new Tensor(native.randint(low, high, shape, opts.dtype ?? "int64", opts.device ?? "cpu"));
}

/** n category indices per row of probs (rows need not be normalised). */
export function multinomial(probs: Tensor, n: number, replacement = false): Tensor {
  return new Tensor(native.multinomial(probs.handle, n, replacement));
}
