/** Locating and running the PyTorch peer (../shared/bench/torch_reference.py) from tests. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Path of torch_reference.py ($MASKDIFF_TORCH_REFERENCE, else ../shared/bench beside the repo). */
export const referenceScript: string =
  process.env.MASKDIFF_TORCH_REFERENCE ?? join(root, "..", "shared", "bench", "torch_reference.py");

/** Debian's interpreter, which has torch when python3-torch is installed. */
export const torchPython = "/usr/bin/python3";

/** Why the PyTorch peer cannot run here, or null when it can. */
export function referenceUnavailable(): string | null {
  if (!existsSync(referenceScript)) return `${referenceScript} not found`;
  const r = spawnSync(torchPython, ["-c", "import torch"], { encoding: "utf8" });
  if (r.status !== 0) return `${torchPython} cannot import torch (apt-get install python3-torch)`;
  return null;
}
