/** `maskdiff toy2d`: MDM-Prime's 2-D toy — ℓ × {joint, factorized} on a 512 × 512 grid density, exact KL of the fixed-order sampler, PNGs. */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { writeFilesAtomically } from "../../data/atomic-write.js";
import { gridDensity, gridEntropy, type GridDensity } from "../../data/grid-density.js";
import { writeDensitiesPng } from "../../eval/density-image.js";
import { evalGridToy, poolDensity, trainGridToy, type GridToyOptions } from "../../eval/grid-toy.js";
import { digitBase } from "../../methods/prime/digits.js";
import { intAtLeast, numberIn, seedArg } from "../options.js";
import { UserError } from "../user-error.js";

/** A comma-separated list of integers in 1..16. */
function ellList(v: string): number[] {
  const out = v.split(",").map((s) => Number(s.trim()));
  if (out.length === 0 || out.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) throw new InvalidArgumentError(`expected a comma-separated list of integers in 1..16, got '${v}'`);
  return out;
}

interface Toy2dOptions {
  ells: number[];
  variants: "both" | "joint" | "factorized";
  steps: number;
  batch: number;
  lr: number;
  d: number;
  layers: number;
  heads: number;
  cond: number;
  seed: number;
  densitySeed: number;
  size: number;
  objective: "certified" | "paper";
  heldOut: number;
  imagePool: number;
  saveLaws?: string;
  out: string;
}

/** One row of the results. */
interface Row {
  ell: number;
  base: number;
  joint: boolean;
  steps: number;
  batch: number;
  parameters: number;
  train_s: number;
  final_loss: number;
  kl: number;
  floored_cells: number;
  cross_entropy: number;
  law_mass: number;
  nelbo_certified: number;
  nelbo_se: number;
  law_states: number;
  law_s: number;
}

/** The toy2d command. */
export function toy2dCommand(): Command {
  return new Command("toy2d")
    .description(
      "MDM-Prime's 2-D toy: train a time-agnostic Prime DiT on pairs from a grid density for each ℓ, with the joint and the factorized output; " +
        "report KL(truth ‖ model) from the exact law of the fixed-order sub-token sampler, the held-out per-digit NELBO, and PNGs of the learned densities",
    )
    .option("--ells <list>", "sub-tokens per token ℓ, comma-separated", ellList, [1, 2, 3, 9])
    .addOption(new Option("--variants <v>", "output parameterizations to run (ℓ = 1 runs once: both are the same model)").choices(["both", "joint", "factorized"]).default("both"))
    .option("--steps <n>", "training steps per run", intAtLeast(1), 3000)
    .option("--batch <n>", "pairs per step", intAtLeast(1), 256)
    .option("--lr <x>", "peak learning rate (warm-up 200 steps, cosine to 0)", numberIn(1e-6, 1), 2e-3)
    .option("--d <n>", "model width (divisible by every ℓ and by heads, even head dimension)", intAtLeast(2), 72)
    .option("--layers <n>", "DiT blocks", intAtLeast(1), 4)
    .option("--heads <n>", "attention heads", intAtLeast(1), 2)
    .option("--cond <n>", "conditioning width", intAtLeast(1), 64)
    .option("--seed <s>", "seed of network init, training pairs and times (seed … seed + 4 are used)", seedArg(4), 0)
    .option("--density-seed <s>", "seed of the grid density", seedArg(), 0)
    .option("--size <n>", "grid side = classes per token", intAtLeast(2), 512)
    .addOption(new Option("--objective <o>", "Prime training objective").choices(["certified", "paper"]).default("certified"))
    .option("--held-out <n>", "held-out pairs for the per-digit NELBO", intAtLeast(2), 50000)
    .option("--image-pool <k>", "pictures sum k × k cells into one pixel (k divides the size)", intAtLeast(1), 1)
    .option("--save-laws <dir>", "also write each learned law as raw float64 (row-major, token 0 = row) to <dir>/l<ℓ>-<joint|factorized>.f64")
    .requiredOption("--out <prefix>", "output prefix: writes <prefix>.json, <prefix>-joint.png and <prefix>-factorized.png")
    .action((o: Toy2dOptions) => {
      for (const ell of o.ells) if (o.d % ell !== 0) throw new UserError(`--d ${o.d} is not divisible by ℓ = ${ell}`);
      if (o.size % o.imagePool !== 0) throw new UserError(`--image-pool ${o.imagePool} does not divide --size ${o.size}`);
      const density = gridDensity({ seed: o.densitySeed, size: o.size });
      const entropy = gridEntropy(density);
      console.log(`grid ${o.size}×${o.size}, density seed ${o.densitySeed}: H(truth) = ${entropy.toFixed(4)} nats per pair`);
      const rows: Row[] = [];
      const laws = new Map<string, GridDensity>();
      for (const ell of o.ells) {
        const variants = ell === 1 ? [true] : o.variants === "both" ? [true, false] : [o.variants === "joint"];
        for (const joint of variants) {
          const opts: GridToyOptions = {
            ell, joint, objective: o.objective, steps: o.steps, batch: o.batch, lr: o.lr, d: o.d, layers: o.layers, heads: o.heads, cond: o.cond, seed: o.seed,
            onStep: (s, loss) => {
              if (s % 500 === 0) process.stderr.write(`  ℓ = ${ell} ${joint ? "joint" : "factorized"} step ${s}/${o.steps} loss ${loss.toFixed(4)}\n`);
            },
          };
          const trained = trainGridToy(density, opts);
          const score = evalGridToy(density, trained, { seed: o.seed, heldOut: o.heldOut });
          const row: Row = {
            ell, base: digitBase(o.size, ell), joint, steps: o.steps, batch: o.batch, parameters: trained.parameters, train_s: trained.seconds,
            final_loss: trained.finalLoss, kl: score.kl, floored_cells: score.floored, cross_entropy: score.crossEntropy, law_mass: score.lawMass,
            nelbo_certified: score.nelbo.mean, nelbo_se: score.nelbo.se, law_states: score.states, law_s: score.lawSeconds,
          };
          rows.push(row);
          laws.set(`${ell}-${joint}`, { size: o.size, probs: score.law });
          if (o.saveLaws)
            writeFilesAtomically([{ path: join(o.saveLaws, `l${ell}-${joint ? "joint" : "factorized"}.f64`), data: Buffer.from(score.law.buffer, score.law.byteOffset, score.law.byteLength) }]);
          console.log(
            `ℓ = ${ell} (b = ${row.base}) ${joint ? "joint     " : "factorized"}: KL = ${row.kl.toFixed(4)}  NELBO = ${row.nelbo_certified.toFixed(4)} ± ${row.nelbo_se.toFixed(4)}  ` +
              `train ${row.train_s.toFixed(0)} s, law ${row.law_s.toFixed(1)} s (${row.law_states} states)`,
          );
        }
      }
      mkdirSync(dirname(o.out) || ".", { recursive: true });
      const captions: Record<string, string> = {};
      for (const joint of [true, false]) {
        const keys = o.ells.map((ell) => `${ell}-${ell === 1 ? true : joint}`).filter((k) => laws.has(k) && (joint || !k.startsWith("1-")));
        if (keys.length === 0) continue;
        const path = `${o.out}-${joint ? "joint" : "factorized"}.png`;
        const titles = ["truth", ...keys.map((k) => `ℓ = ${k.split("-")[0]} ${joint ? "joint" : "factorized"}`)];
        const panels = [density, ...keys.map((k) => laws.get(k)!)].map((p) => poolDensity(p, o.imagePool));
        captions[path] = writeDensitiesPng(path, panels, titles);
      }
      const result = { command: process.argv.slice(2).join(" "), size: o.size, density_seed: o.densitySeed, entropy, options: { ...o }, rows, captions };
      writeFilesAtomically([{ path: `${o.out}.json`, data: Buffer.from(JSON.stringify(result, null, 2) + "\n") }]);
      console.log(`wrote ${o.out}.json and ${Object.keys(captions).join(", ")}`);
    });
}
