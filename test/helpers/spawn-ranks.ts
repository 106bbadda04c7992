/** Starting N processes of a loopback distributed run as an external launcher would (torchrun's variables), and collecting their output. */
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../../src/cli/launch-workers.js";
import { REPO_ROOT } from "./cli.js";

export { freePort };

/** One rank's process and, once it exits, what it printed and how it ended. */
export interface RankProcess {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>;
}

/** Starts `node <script> ...args` (script relative to the repository root) as ranks 0..n-1 of one run on a free loopback port. */
export async function spawnRanks(n: number, script: string, args: string[], env: Record<string, string> = {}): Promise<RankProcess[]> {
  const port = await freePort();
  return Array.from({ length: n }, (_, rank) => {
    const started = Date.now();
    const child = spawn(process.execPath, [script, ...args], {
      cwd: REPO_ROOT,
      env: {
        ...process.env, NO_COLOR: "1", OPENBLAS_NUM_THREADS: "1", ...env,
        MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(port), WORLD_SIZE: String(n), RANK: String(rank), LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: String(n),
      },
    });
    let stdout = "", stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const done = new Promise<Awaited<RankProcess["done"]>>((resolve) =>
      child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started })),
    );
    return { child, done };
  });
}
