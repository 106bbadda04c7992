/**
 * Process groups on PyTorch's c10d (native/src/dist.cc): a TCPStore rendezvous, then collectives on
 * Gloo (CPU tensors) or NCCL (CUDA tensors, in builds against a CUDA libtorch with NCCL).
 *
 * Every collective blocks the JavaScript thread until all ranks took part, one failed, or the
 * time-out passed; nothing runs on the event loop meanwhile (timers, I/O callbacks wait), which suits
 * a training loop and needs no care beyond not expecting callbacks during a collective. A failure
 * (a peer that exited, or stalled past the time-out) is a UserError naming the rank and the time-out,
 * and leaves the group unusable.
 */
import { native, type GroupHandle } from "./native.js";
import type { Tensor } from "./tensor.js";
import { UserError } from "../cli/user-error.js";

/** A reduction of allReduce; "avg" divides the sum by the world size. */
export type ReduceOp = "sum" | "avg" | "max" | "min";

/** Where and how a process joins its group. */
export interface ProcessGroupOptions {
  /** "gloo" (CPU) or "nccl" (CUDA). */
  backend: string;
  /** Address of rank 0, which serves the rendezvous store (MASTER_ADDR). */
  masterAddr: string;
  /** Port of the rendezvous store on rank 0 (MASTER_PORT). */
  masterPort: number;
  worldSize: number;
  rank: number;
  /** Time-out of each collective, in milliseconds (and of the rendezvous unless rendezvousTimeoutMs is given). */
  timeoutMs: number;
  /** Time-out of the rendezvous, in milliseconds: how long rank 0 waits for the others to start, and they for it. */
  rendezvousTimeoutMs?: number;
  /** Whether this rank serves the rendezvous store (default: rank 0; false for all under torchrun's agent store), and the prefix of its keys. */
  storeIsServer?: boolean;
  storePrefix?: string;
  /** Device of the tensors of scalar collectives (default "cpu"; "cuda:LOCAL_RANK" with NCCL). */
  device?: string;
  /** Gloo's network interface (GLOO_SOCKET_IFNAME), else the address to bind; default: Gloo's choice from the host name. */
  glooInterface?: string;
  glooHostname?: string;
}

/** The c10d backends this build of the binding supports. */
export function availableBackends(): string[] {
  return native.distBackends();
}

/** One process's membership in a group of `worldSize` processes. */
export class ProcessGroup {
  private constructor(
    private readonly handle: GroupHandle,
    readonly rank: number,
    readonly worldSize: number,
    readonly backend: string,
  ) {}

  /** Joins the group: blocks until all worldSize ranks met at masterAddr:masterPort, or throws after the time-out. */
  static create(o: ProcessGroupOptions): ProcessGroup {
    const have = availableBackends();
    if (!have.includes(o.backend))
      throw new UserError(`distributed backend '${o.backend}' is not in this build (it has: ${have.join(", ") || "none"}); Gloo needs its headers at build time (Debian: apt-get install libgloo-dev, then npm run build:native), NCCL a CUDA libtorch with nccl.h`);
    const handle = wrap(() => native.distCreate({
      backend: o.backend, host: o.masterAddr, port: o.masterPort, worldSize: o.worldSize, rank: o.rank, timeoutMs: o.timeoutMs,
      rendezvousTimeoutMs: o.rendezvousTimeoutMs, storeIsServer: o.storeIsServer, storePrefix: o.storePrefix, device: o.device ?? "cpu", glooInterface: o.glooInterface, glooHostname: o.glooHostname,
    }));
    return new ProcessGroup(handle, o.rank, o.worldSize, o.backend);
  }

  /** Reduces the tensors over all ranks, in place, as one flattened buffer (same dtype and device). */
  allReduce(tensors: Tensor[], op: ReduceOp = "sum"): void {
    if (tensors.length) wrap(() => native.distAllReduce(this.handle, tensors.map((t) => t.handle), op));
  }

  /** Overwrites the tensors with rank `root`'s, as one flattened buffer. */
  broadcast(tensors: Tensor[], root = 0): void {
    if (tensors.length) wrap(() => native.distBroadcast(this.handle, tensors.map((t) => t.handle), root));
  }

  /** Every rank's `value`, indexed by rank. */
  allGather(value: number): number[] {
    return wrap(() => native.distAllGather(this.handle, value));
  }

  /** Returns once every rank called barrier(). */
  barrier(): void {
    wrap(() => native.distBarrier(this.handle));
  }

  /** Leaves the group; later calls throw. */
  close(): void {
    native.distClose(this.handle);
  }
}

/** Runs a binding call, turning a failed rendezvous or collective into one UserError. */
function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const msg = (e as Error).message;
    if (/failed on rank|rendezvous/.test(msg)) throw new UserError(msg.replace(/^dist\w+: /, ""));
    throw e;
  }
}
