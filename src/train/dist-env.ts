/**
 * torchrun's launch conventions: a worker learns its place from MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK and
 * LOCAL_RANK (and LOCAL_WORLD_SIZE), whoever started it — `maskdiff train --nproc`, torchrun, or a job scheduler.
 * Under torchrun's static rendezvous (TORCHELASTIC_USE_AGENT_STORE=True) the agent serves the store and every
 * worker is its client, as in torch.distributed's env:// rendezvous.
 */
import { ProcessGroup } from "../engine/index.js";
import { UserError } from "../cli/user-error.js";

/** A worker's place in a distributed run. */
export interface DistEnv {
  masterAddr: string;
  masterPort: number;
  worldSize: number;
  rank: number;
  /** Rank among the workers of this host (selects the GPU under NCCL). */
  localRank: number;
  /** Workers on this host. */
  localWorldSize: number;
  /** Under torchrun's static rendezvous its agent already serves the store at MASTER_PORT: the key prefix of this attempt there. */
  agentStorePrefix?: string;
}

function intVar(env: NodeJS.ProcessEnv, name: string, lo: number, hi: number, fallback?: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") {
    if (fallback !== undefined) return fallback;
    throw new UserError(`${name} is not set: a distributed worker needs MASTER_ADDR, MASTER_PORT, WORLD_SIZE and RANK (WORLD_SIZE is ${env.WORLD_SIZE})`);
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new UserError(`${name} must be an integer from ${lo} to ${hi}, got ${JSON.stringify(raw)}`);
  return n;
}

/** The distributed place set in env, or null when WORLD_SIZE is unset or 1 (a single process). */
export function readDistEnv(env: NodeJS.ProcessEnv = process.env): DistEnv | null {
  if (env.WORLD_SIZE === undefined || env.WORLD_SIZE.trim() === "") return null;
  const worldSize = intVar(env, "WORLD_SIZE", 1, 65536);
  if (worldSize === 1) return null;
  const rank = intVar(env, "RANK", 0, worldSize - 1);
  const masterAddr = env.MASTER_ADDR?.trim();
  if (!masterAddr) throw new UserError(`MASTER_ADDR is not set: a distributed worker needs the address of rank 0 (WORLD_SIZE is ${worldSize})`);
  const localWorldSize = intVar(env, "LOCAL_WORLD_SIZE", 1, worldSize, 1);
  return {
    masterAddr, rank, worldSize, localWorldSize,
    masterPort: intVar(env, "MASTER_PORT", 1, 65535),
    localRank: intVar(env, "LOCAL_RANK", 0, Math.max(0, localWorldSize - 1), 0),
    agentStorePrefix: env.TORCHELASTIC_USE_AGENT_STORE === "True" ? `/worker/attempt_${env.TORCHELASTIC_RESTART_COUNT ?? "0"}` : undefined,
  };
}

/** The torchrun variables that describe `e`, for a worker's environment. */
export function distEnvVars(e: DistEnv): Record<string, string> {
  return {
    MASTER_ADDR: e.masterAddr, MASTER_PORT: String(e.masterPort), WORLD_SIZE: String(e.worldSize), RANK: String(e.rank),
    LOCAL_RANK: String(e.localRank), LOCAL_WORLD_SIZE: String(e.localWorldSize),
  };
}

/** Whether an address names this host's loopback. */
export function isLoopback(addr: string): boolean {
  return addr === "localhost" || addr === "::1" || /^127\.\d+\.\d+\.\d+$/.test(addr);
}

/**
 * Joins the Gloo group of a worker (blocking until every rank arrived, or a UserError after timeoutMs). Gloo talks
 * over GLOO_SOCKET_IFNAME when set, over loopback when rank 0 is on loopback, else over the address of the host name.
 */
export function joinGroup(e: DistEnv, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): ProcessGroup {
  const glooInterface = env.GLOO_SOCKET_IFNAME?.trim() || undefined;
  return ProcessGroup.create({
    backend: "gloo", masterAddr: e.masterAddr, masterPort: e.masterPort, worldSize: e.worldSize, rank: e.rank, timeoutMs,
    ...(e.agentStorePrefix !== undefined && { storeIsServer: false, storePrefix: e.agentStorePrefix }),
    glooInterface, glooHostname: !glooInterface && isLoopback(e.masterAddr) ? "127.0.0.1" : undefined,
  });
}
