/**
 * Data parallelism for the trainer: which rows of each global batch this process computes, the noise
 * of its share, and the collectives that keep N processes on the trajectory of one process with the
 * global batch (rank 0's state broadcast at the start, gradients averaged in flattened buckets, step
 * numbers and validation values reduced). One process is the world of size 1: every collective is
 * then the identity and nothing is communicated.
 */
import { noGrad, ProcessGroup, rand, tensor, tidy, type Tensor } from "../engine/index.js";
import type { BatchUniform } from "../diffusion/process.js";
import { UserError } from "../cli/user-error.js";

/** Gradients are all-reduced in buckets of at most this many bytes (PyTorch DDP's default, 25 MiB). */
export const BUCKET_BYTES = 25 * 2 ** 20;

/** A rank's rows [first, first + count) of a global batch. */
export interface BatchShare {
  first: number;
  count: number;
}

/** This process's place in a data-parallel run and the collectives the trainer uses. */
export class DataParallel {
  /** rank and worldSize of the group (0 and 1 without one). */
  readonly rank: number;
  readonly worldSize: number;

  constructor(private readonly group: ProcessGroup | null = null) {
    this.rank = group?.rank ?? 0;
    this.worldSize = group?.worldSize ?? 1;
  }

  /** This rank's rows of a global batch of `batch` rows; a UserError unless the world size divides it. */
  share(batch: number): BatchShare {
    if (batch % this.worldSize !== 0)
      throw new UserError(`train.batch ${batch} (the global batch) must be divisible by the number of processes ${this.worldSize}`);
    const count = batch / this.worldSize;
    return { first: this.rank * count, count };
  }

  /** The loss noise of a share: the global batch's draw (identical on every rank), of which this rank keeps its rows. */
  uniform(share: BatchShare): BatchUniform {
    if (this.worldSize === 1) return rand;
    return (shape) => {
      const [rows, ...rest] = shape;
      if (rows !== share.count) throw new Error(`data-parallel noise: a loss drew shape [${shape.join(", ")}], whose first dimension is not the batch share ${share.count}`);
      return tidy(() => rand([share.count * this.worldSize, ...rest]).slice(0, share.first, share.first + share.count).contiguous());
    };
  }

  /** Overwrites the tensors with rank 0's, in flattened buckets. */
  broadcastTensors(tensors: Tensor[]): void {
    if (this.group) noGrad(() => buckets(tensors).forEach((b) => this.group!.broadcast(b, 0)));
  }

  /** Rank 0's value of a JSON-serialisable object (other ranks pass anything, e.g. null). */
  broadcastJson<T>(value: T): T {
    if (!this.group) return value;
    const bytes = this.rank === 0 ? new TextEncoder().encode(JSON.stringify(value)) : new Uint8Array(0);
    const length = tidy(() => {
      const n = tensor([bytes.length], [1], { dtype: "float64" });
      this.group!.broadcast([n], 0);
      return n.item();
    });
    return tidy(() => {
      const buf = this.rank === 0 ? tensor(bytes, [length], { dtype: "uint8" }) : tensor(new Uint8Array(length), [length], { dtype: "uint8" });
      this.group!.broadcast([buf], 0);
      return JSON.parse(new TextDecoder().decode(buf.data() as Uint8Array)) as T;
    });
  }

  /** Tells the other ranks, waiting in the start's broadcastJson, that rank 0 refused to start (and why). */
  refuse(reason: string): void {
    this.broadcastJson({ refused: reason });
  }

  /** Averages the parameters' gradients over the ranks, in place, in flattened buckets of at most BUCKET_BYTES. */
  averageGradients(params: readonly [string, Tensor][]): void {
    if (!this.group) return;
    const missing = params.filter(([, p]) => p.grad === null).map(([n]) => n);
    if (missing.length) throw new Error(`data-parallel training needs a gradient for every parameter; none for ${missing.join(", ")}`);
    for (const b of buckets(params.map(([, p]) => p.grad!))) this.group.allReduce(b, "avg");
  }

  /** The mean over the ranks of each number (float64; the identity in one process). */
  mean(values: number[]): number[] {
    if (!this.group || values.length === 0) return values;
    return tidy(() => {
      const t = tensor(values, [values.length], { dtype: "float64" });
      this.group!.allReduce([t], "avg");
      return t.toArray();
    });
  }

  /** The element-wise sum over the ranks (float64). */
  sum(values: Float64Array): Float64Array {
    if (!this.group || values.length === 0) return values;
    return tidy(() => {
      const t = tensor(values, [values.length], { dtype: "float64" });
      this.group!.allReduce([t], "sum");
      return t.toFloat64Array();
    });
  }

  /** Waits for every rank. */
  barrier(): void {
    this.group?.barrier();
  }
}

const BYTES: Record<string, number> = { float64: 8, int64: 8, float32: 4, int32: 4, uint8: 1, bool: 1 };

/** Consecutive runs of tensors of one dtype holding at most BUCKET_BYTES each (a larger tensor is a bucket of its own). */
function buckets(tensors: Tensor[]): Tensor[][] {
  const out: Tensor[][] = [];
  let bytes = 0;
  for (const t of tensors) {
    const size = t.size * BYTES[t.dtype]!;
    const last = out.at(-1);
    if (last && last[0]!.dtype === t.dtype && bytes + size <= BUCKET_BYTES) {
      last.push(t);
      bytes += size;
    } else {
      out.push([t]);
      bytes = size;
    }
  }
  return out;
}
