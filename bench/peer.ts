/**
 * The project's PyTorch peer, bench/torch_peer.py: where it is, whether it can run here, and how the
 * benches start it (same thread settings and allocator policy as our side). Used by the benches and tests.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// dist/bench/peer.js -> the repository root; the .py file is not compiled, so it stays in bench/.
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** bench/torch_peer.py in this repository. */
export const peerScript: string = join(repo, "bench", "torch_peer.py");

/** The interpreter that runs the peer: Debian's /usr/bin/python3, or $MASKDIFF_TORCH_PYTHON. */
export const torchPython: string = process.env.MASKDIFF_TORCH_PYTHON || "/usr/bin/python3";

/** The command that provides torch for /usr/bin/python3 on Debian. */
export const installTorch = "apt-get install --no-install-recommends python3-torch";

let checked: string | null | undefined;

/** Why the peer cannot run here (one line naming the install command), or null when it can. Cached. */
export function peerUnavailable(): string | null {
  if (checked !== undefined) return checked;
  if (!existsSync(peerScript)) checked = `${peerScript} is missing`;
  else {
    const r = spawnSync(torchPython, ["-c", "import torch, numpy"], { encoding: "utf8" });
    const why = r.error ? r.error.message : (r.stderr ?? "").trim().split("\n").at(-1);
    checked = r.status === 0 ? null : `PyTorch is not available: ${torchPython} cannot import torch${why ? ` (${why})` : ""}; install it with: ${installTorch}`;
  }
  return checked;
}

/** Runs the peer with these arguments and returns the JSON object on its last stdout line. */
export function runPeer<T = Record<string, unknown>>(args: string[], env: NodeJS.ProcessEnv = process.env): T {
  const r = spawnSync(torchPython, [peerScript, ...args], { encoding: "utf8", env, maxBuffer: 1 << 24 });
  const line = r.stdout?.trim().split("\n").at(-1) ?? "";
  if (r.status !== 0 || !line.startsWith("{")) {
    throw new Error(`${torchPython} ${peerScript} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr ?? r.error}`);
  }
  return JSON.parse(line) as T;
}

/** The same thread settings for both sides: OpenBLAS does the matmuls with `threads`, libtorch's pool has 1. */
export function benchEnv(threads: string): NodeJS.ProcessEnv {
  return { ...process.env, OPENBLAS_NUM_THREADS: threads, MASKDIFF_TORCH_THREADS: "1", OMP_NUM_THREADS: "1" };
}

/**
 * The peer's environment: `env`, plus jemalloc without decay when asked and present (we cache freed
 * blocks by size, which jemalloc without decay also does). Returns the allocator actually used.
 */
export function peerEnv(env: NodeJS.ProcessEnv, allocator: string): { env: NodeJS.ProcessEnv; allocator: "jemalloc" | "glibc" } {
  const jemalloc = ["/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2"].find(existsSync);
  if (allocator !== "jemalloc" || !jemalloc) return { env, allocator: "glibc" };
  return { env: { ...env, LD_PRELOAD: jemalloc, MALLOC_CONF: "dirty_decay_ms:-1,muzzy_decay_ms:-1" }, allocator: "jemalloc" };
}
