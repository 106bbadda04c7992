/** The Tensor class: a libtorch tensor seen from TypeScript, with its ops as methods. */
import { native, type Handle, type HandleOrScalar } from "./native.js";
import { track } from "./scope.js";

/** Element types the engine supports. */
export type DType = "float32" | "float64" | "int64" | "int32" | "bool" | "uint8";
/** A tensor or a plain number (broadcast as a scalar). */
export type TensorLike = Tensor | number;

const h = (x: TensorLike | boolean): HandleOrScalar => (x instanceof Tensor ? x.handle : x);
const call = (name: string, ...args: unknown[]): Handle => (native[name] as (...a: unknown[]) => Handle)(...args);

/** A libtorch tensor. Methods return new tensors; *InPlace methods mutate and return this. */
export class Tensor {
  /** True when keep() exempted this tensor from tidy scopes. */
  kept = false;

  /** Wraps a binding handle (use the creation functions instead of calling this). */
  constructor(readonly handle: Handle) {
    track(this);
  }

  /** Dimensions, outermost first. */
  get shape(): number[] {
    return native.shape(this.handle);
  }
  /** Element type. */
  get dtype(): DType {
    return native.dtype(this.handle) as DType;
  }
  /** Device string, e.g. 'cpu' or 'cuda:0'. */
  get device(): string {
    return native.device(this.handle);
  }
  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** Whether the memory was released. */
  get isDisposed(): boolean {
    return native.isDisposed(this.handle);
  }
  /** Releases the tensor's memory now; later use throws. */
  dispose(): void {
    native.dispose(this.handle);
  }

  // ---- reading back ----
  /** The elements as a typed array of the tensor's own type (int64 as BigInt64Array, bool as Uint8Array). */
  data(): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array {
    const buf = native.toBuffer(this.handle);
    switch (this.dtype) {
      case "float32": return new Float32Array(buf);
      case "float64": return new Float64Array(buf);
      case "int32": return new Int32Array(buf);
      case "int64": return new BigInt64Array(buf);
      default: return new Uint8Array(buf);
    }
  }
  /** The elements converted to float32. */
  toFloat32Array(): Float32Array {
    return new Float32Array(native.toBuffer(this.handle, "float32"));
  }
  /** The elements converted to float64. */
  toFloat64Array(): Float64Array {
    return new Float64Array(native.toBuffer(this.handle, "float64"));
  }
  /** The elements converted to int32. */
  toInt32Array(): Int32Array {
    return new Int32Array(native.toBuffer(this.handle, "int32"));
  }
  /** The elements as plain numbers. */
  toArray(): number[] {
    return Array.from(this.toFloat64Array());
  }
  /** The single element of a one-element tensor. */
  item(): number {
    return native.item(this.handle);
  }

  // ---- autograd ----
  /** Whether autograd records operations on this tensor. */
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  set requiresGrad(on: boolean) {
    native.setRequiresGrad(this.handle, on);
  }
  /** The accumulated gradient, or null before any backward pass. */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g === null ? null : new Tensor(g);
  }
  /** Drops the accumulated gradient (set to none). */
  zeroGrad(): void {
    native.clearGrad(this.handle);
  }
  /** Back-propagates from this tensor (a scalar, or pass the output gradient). */
  backward(gradient?: Tensor): void {
    native.backward(this.handle, gradient?.handle);
  }
  /** The same data, cut from the autograd graph. */
  detach(): Tensor {
    return new Tensor(call("detach", this.handle));
  }
  /** A copy with its own storage. */
  clone(): Tensor {
    return new Tensor(call("clone", this.handle));
  }
  /** The same values with a contiguous layout. */
  contiguous(): Tensor {
    return new Tensor(call("contiguous", this.handle));
  }
  /** Converts the element type and/or moves to a device. */
  to(dtype: DType | null, device: string | null = null): Tensor {
    return new Tensor(native.to(this.handle, dtype, device));
  }

  // ---- elementwise ----
  private unary(name: string): Tensor {
    return new Tensor(call(name, this.handle));
  }
  private binary(name: string, other: TensorLike | boolean): Tensor {
    return new Tensor(call(name, this.handle, h(other)));
  }
  /** -x */
  neg(): Tensor { return this.unary("neg"); }
  /** e^x */
  exp(): Tensor { return this.unary("exp"); }
  /** ln x */
  log(): Tensor { return this.unary("log"); }
  /** ln(1 + x) */
  log1p(): Tensor { return this.unary("log1p"); }
  /** e^x - 1 */
  expm1(): Tensor { return this.unary("expm1"); }
  /** √x */
  sqrt(): Tensor { return this.unary("sqrt"); }
  /** 1/√x */
  rsqrt(): Tensor { return this.unary("rsqrt"); }
  /** |x| */
  abs(): Tensor { return this.unary("abs"); }
  /** x² */
  square(): Tensor { return this.unary("square"); }
  /** tanh x */
  tanh(): Tensor { return this.unary("tanh"); }
  /** 1/(1+e^-x) */
  sigmoid(): Tensor { return this.unary("sigmoid"); }
  /** max(x, 0) */
  relu(): Tensor { return this.unary("relu"); }
  /** x·sigmoid(x) */
  silu(): Tensor { return this.unary("silu"); }
  /** sin x */
  sin(): Tensor { return this.unary("sin"); }
  /** cos x */
  cos(): Tensor { return this.unary("cos"); }
  /** ⌊x⌋ */
  floor(): Tensor { return this.unary("floor"); }
  /** sign(x) */
  sign(): Tensor { return this.unary("sign"); }
  /** Logical not (bool result). */
  logicalNot(): Tensor { return this.unary("logicalNot"); }
  /** GELU, exact (erf) or with the tanh approximation. */
  gelu(approximate: "none" | "tanh" = "none"): Tensor {
    return new Tensor(native.gelu(this.handle, approximate));
  }
  /** Clamps into [min, max]; pass null for an open side. */
  clamp(min: number | null, max: number | null): Tensor {
    return new Tensor(native.clamp(this.handle, min, max));
  }
  /** x + y (broadcasting). */
  add(y: TensorLike): Tensor { return this.binary("add", y); }
  /** x - y */
  sub(y: TensorLike): Tensor { return this.binary("sub", y); }
  /** x · y */
  mul(y: TensorLike): Tensor { return this.binary("mul", y); }
  /** x / y (true division) */
  div(y: TensorLike): Tensor { return this.binary("div", y); }
  /** x ^ y */
  pow(y: TensorLike): Tensor { return this.binary("pow", y); }
  /** Elementwise maximum. */
  maximum(y: TensorLike): Tensor { return this.binary("maximum", y); }
  /** Elementwise minimum. */
  minimum(y: TensorLike): Tensor { return this.binary("minimum", y); }
  /** x == y (bool) */
  eq(y: TensorLike): Tensor { return this.binary("eq", y); }
  /** x != y (bool) */
  ne(y: TensorLike): Tensor { return this.binary("ne", y); }
  /** x < y (bool) */
  lt(y: TensorLike): Tensor { return this.binary("lt", y); }
  /** x <= y (bool) */
  le(y: TensorLike): Tensor { return this.binary("le", y); }
  /** x > y (bool) */
  gt(y: TensorLike): Tensor { return this.binary("gt", y); }
  /** x >= y (bool) */
  ge(y: TensorLike): Tensor { return this.binary("ge", y); }
  /** Logical and (bool). */
  logicalAnd(y: Tensor | boolean): Tensor { return this.binary("logicalAnd", y); }
  /** Logical or (bool). */
  logicalOr(y: Tensor | boolean): Tensor { return this.binary("logicalOr", y); }
  /** Replaces the elements where mask is true by value. */
  maskedFill(mask: Tensor, value: number | boolean): Tensor {
    return new Tensor(native.maskedFill(this.handle, mask.handle, value));
  }

  // ---- matrix ----
  /** Matrix product with broadcasting over batch dimensions. */
  matmul(y: Tensor): Tensor { return this.binary("matmul", y); }
  /** Batched matrix product of [B,n,k] and [B,k,m]. */
  bmm(y: Tensor): Tensor { return this.binary("bmm", y); }

  // ---- reductions ----
  /** Sum over dims (all when omitted), accumulated and returned in `dtype` when given (e.g. float32 data summed in float64). */
  sum(dims: number | number[] = [], keepdim = false, dtype?: DType): Tensor {
    return new Tensor(native.sum(this.handle, typeof dims === "number" ? [dims] : dims, keepdim, dtype));
  }
  /** Mean over dims (all when omitted). */
  mean(dims: number | number[] = [], keepdim = false): Tensor {
    return new Tensor(native.mean(this.handle, typeof dims === "number" ? [dims] : dims, keepdim));
  }
  /** Maximum over one dim (values), or of all elements. */
  max(dim: number | null = null, keepdim = false): Tensor {
    return new Tensor(native.max(this.handle, dim, keepdim));
  }
  /** Minimum over one dim (values), or of all elements. */
  min(dim: number | null = null, keepdim = false): Tensor {
    return new Tensor(native.min(this.handle, dim, keepdim));
  }
  /** Maximum along dim and its index (int64; the first maximum on ties). */
  maxWithIndex(dim: number, keepdim = false): [Tensor, Tensor] {
    const [v, i] = native.maxDim(this.handle, dim, keepdim);
    return [new Tensor(v), new Tensor(i)];
  }
  /** Index of the maximum along dim (int64). */
  argmax(dim: number, keepdim = false): Tensor {
    return new Tensor(native.argmax(this.handle, dim, keepdim));
  }
  /** log Σ exp over dims, computed stably. */
  logsumexp(dims: number | number[], keepdim = false): Tensor {
    return new Tensor(native.logsumexp(this.handle, typeof dims === "number" ? [dims] : dims, keepdim));
  }
  /** Running sum along dim. */
  cumsum(dim: number): Tensor {
    return new Tensor(native.cumsum(this.handle, dim));
  }
  /** Softmax along dim. */
  softmax(dim: number): Tensor {
    return new Tensor(native.softmax(this.handle, dim));
  }
  /** Log-softmax along dim. */
  logSoftmax(dim: number): Tensor {
    return new Tensor(native.logSoftmax(this.handle, dim));
  }
  /** Sorted values and their original indices along dim; `stable` keeps equal values in their original order. */
  sort(dim = -1, descending = false, stable = false): [Tensor, Tensor] {
    const [v, i] = native.sort(this.handle, dim, descending, stable);
    return [new Tensor(v), new Tensor(i)];
  }
  /** The k largest (or smallest) values along dim, sorted, with their indices. */
  topk(k: number, dim = -1, largest = true): [Tensor, Tensor] {
    const [v, i] = native.topk(this.handle, k, dim, largest);
    return [new Tensor(v), new Tensor(i)];
  }

  /** Insertion indices (int64) of `values` into this tensor, sorted ascending along its last dim (row by row); `right`: after equal entries. */
  searchsorted(values: Tensor, right = false): Tensor {
    return new Tensor(native.searchsorted(this.handle, values.handle, right));
  }

  // ---- indexing ----
  /** out[i][j] = x[i][index[i][j]] along dim (index: int64). */
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(native.gather(this.handle, dim, index.handle));
  }
  /** A copy with src (or a number) written at index along dim. */
  scatter(dim: number, index: Tensor, src: TensorLike): Tensor {
    return new Tensor(native.scatter(this.handle, dim, index.handle, h(src)));
  }
  /** A copy with src added at index along dim. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return new Tensor(native.scatterAdd(this.handle, dim, index.handle, src.handle));
  }
  /** Rows (along dim) picked by an int64 index vector. */
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.handle, dim, index.handle));
  }

  // ---- shape ----
  /** Same elements, new shape (one dim may be -1). */
  reshape(...shape: number[]): Tensor {
    return new Tensor(native.reshape(this.handle, shape));
  }
  /** Reorders the dimensions. */
  permute(...dims: number[]): Tensor {
    return new Tensor(native.permute(this.handle, dims));
  }
  /** Swaps two dimensions. */
  transpose(a: number, b: number): Tensor {
    return new Tensor(native.transpose(this.handle, a, b));
  }
  /** Broadcasts size-1 dims to the given shape (-1 keeps a dim). */
  expand(...shape: number[]): Tensor {
    return new Tensor(native.expand(this.handle, shape));
  }
  /** Inserts a size-1 dim. */
  unsqueeze(dim: number): Tensor {
    return new Tensor(native.unsqueeze(this.handle, dim));
  }
  /** Removes a size-1 dim. */
  squeeze(dim: number): Tensor {
    return new Tensor(native.squeeze(this.handle, dim));
  }
  /** Elements start..end (exclusive) with a step along dim; negative indices count from the end. */
  slice(dim: number, start: number, end: number = Number.MAX_SAFE_INTEGER, step = 1): Tensor {
    return new Tensor(native.slice(this.handle, dim, start, end, step));
  }
  /** The same bytes reinterpreted as another element type of the same size (float32 <-> int32, float64 <-> int64). */
  viewAs(dtype: DType): Tensor {
    return new Tensor(native.viewAs(this.handle, dtype));
  }
  /** Integer x >> bits. */
  shiftRight(bits: number): Tensor {
    return new Tensor(native.shiftRight(this.handle, bits));
  }
  /** Splits into n nearly equal pieces along dim. */
  chunk(n: number, dim = 0): Tensor[] {
    return native.chunk(this.handle, n, dim).map((x) => new Tensor(x));
  }

  // ---- in place (use under noGrad for parameters) ----
  /** this += alpha·y */
  addInPlace(y: TensorLike, alpha = 1): this {
    native.addInPlace(this.handle, h(y), alpha);
    return this;
  }
  /** this *= y */
  mulInPlace(y: TensorLike): this {
    native.mulInPlace(this.handle, h(y));
    return this;
  }
  /** this += value·a·b */
  addcmulInPlace(a: Tensor, b: Tensor, value = 1): this {
    native.addcmulInPlace(this.handle, a.handle, b.handle, value);
    return this;
  }
  /** this += value·a/b */
  addcdivInPlace(a: Tensor, b: Tensor, value = 1): this {
    native.addcdivInPlace(this.handle, a.handle, b.handle, value);
    return this;
  }
  /** this += weight·(end − this) */
  lerpInPlace(end: Tensor, weight: number): this {
    native.lerpInPlace(this.handle, end.handle, weight);
    return this;
  }
  /** Copies src's values into this (broadcasting, converting type). */
  copyInPlace(src: Tensor): this {
    native.copyInPlace(this.handle, src.handle);
    return this;
  }
  /** Copies src's slices into this at the positions `index` (int64) along dim: this[index[i]] = src[i]. */
  indexCopyInPlace(dim: number, index: Tensor, src: Tensor): this {
    native.indexCopyInPlace(this.handle, dim, index.handle, src.handle);
    return this;
  }
  /** Sets every element to value. */
  fillInPlace(value: number | boolean): this {
    native.fillInPlace(this.handle, value);
    return this;
  }

  /** A short description: dtype, shape and device. */
  toString(): string {
    return this.isDisposed ? "Tensor(<disposed>)" : `Tensor(${this.dtype}[${this.shape.join(", ")}] on ${this.device})`;
  }
}
