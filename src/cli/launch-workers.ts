/**
 * `maskdiff train --nproc N` (and the ddp bench): starts this host's N workers of a distributed run as child processes with torchrun's
 * variables (see train/dist-env.ts), forwards their output (global rank 0's as is, the others' stderr prefixed with
 * their rank), stops the rest when one fails, and returns the exit code of the first failure (0 when all succeed).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import { distEnvVars, type DistEnv } from "../train/dist-env.js";
import { UserError } from "./user-error.js";

/** Where this host's workers sit in the run, and what each of them runs. */
export interface LaunchPlan {
  /** Workers on this host. */
  nproc: number;
  /** Hosts of the run, and this host's index. */
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  /** Port of the rendezvous on rank 0's host (default: a free loopback port for a one-host run). */
  masterPort?: number;
  /** The program each worker runs and its arguments (e.g. [node, bin/maskdiff.js, "train", ...]). */
  command: string[];
  /** The workers' environment, to which the torchrun variables are added (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs this host's workers; resolves with the exit code for the launcher. */
export async function launchWorkers(plan: LaunchPlan): Promise<number> {
  if (process.env.RANK !== undefined && process.env.WORLD_SIZE !== undefined)
    throw new UserError("--nproc/--nnodes inside a worker that a launcher already started (RANK and WORLD_SIZE are set): drop those options, or unset the variables");
  if (plan.nodeRank >= plan.nnodes) throw new UserError(`--node-rank ${plan.nodeRank} must be below --nnodes ${plan.nnodes}`);
  if (plan.nnodes > 1 && plan.masterPort === undefined) throw new UserError("--master-port is needed with --nnodes > 1 (the same port on every host)");
  const masterPort = plan.masterPort ?? (await freePort());
  // Each worker's matmuls get an equal part of the cores unless the user chose.
  const base = plan.env ?? process.env;
  const blas = base.OPENBLAS_NUM_THREADS ?? String(Math.max(1, Math.floor(availableParallelism() / plan.nproc)));
  const workers: ChildProcess[] = [];
  let firstFailure: { rank: number; code: number } | null = null;
  const stopAll = (signal: NodeJS.Signals) => workers.forEach((w) => w.exitCode === null && w.signalCode === null && w.kill(signal));
  const onSignal = (signal: NodeJS.Signals) => stopAll(signal);
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  const exits = Array.from({ length: plan.nproc }, (_, local) => {
    const e: DistEnv = { masterAddr: plan.masterAddr, masterPort, worldSize: plan.nnodes * plan.nproc, rank: plan.nodeRank * plan.nproc + local, localRank: local, localWorldSize: plan.nproc };
    const [program, ...args] = plan.command;
    const child = spawn(program!, args, {
      env: { ...base, ...distEnvVars(e), OPENBLAS_NUM_THREADS: blas },
      stdio: e.rank === 0 ? "inherit" : ["ignore", "inherit", "pipe"],
    });
    if (child.stderr) createInterface({ input: child.stderr }).on("line", (l) => process.stderr.write(`[rank ${e.rank}] ${l}\n`));
    workers.push(child);
    const failed = (code: number, what: string) => {
      if (firstFailure) return;
      firstFailure = { rank: e.rank, code };
      process.stderr.write(`maskdiff: worker rank ${e.rank} ${what}; stopping the other workers\n`);
      stopAll("SIGTERM");
    };
    return new Promise<void>((resolve) => {
      child.on("error", (err) => (failed(1, `could not start: ${err.message}`), resolve()));
      child.on("exit", (code, signal) => {
        if (code !== 0 || signal) failed(code || 1, signal ? `was killed by ${signal}` : `exited with code ${code}`);
        resolve();
      });
    });
  });
  await Promise.all(exits);
  process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  return (firstFailure as { code: number } | null)?.code ?? 0;
}
