/**
 * `npm run bench -- methods` (alias `prime`): one training step (loss, backward, AdamW) of MD4, MDM-Prime ℓ = 2, 4 and
 * GenMD4 on the same DiT (configs/quickstart.json's), interleaved in one process; prints each step time and its ratio to MD4's.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseTrainConfig } from "../src/train/config.js";
import { median, stepper } from "./train-step.js";
import { resultManifest } from "../src/eval/manifest.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Runs the methods' step-time benchmark with CLI-style arguments. */
export function benchMethods(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { steps: { type: "string", default: "20" }, rounds: { type: "string", default: "3" }, json: { type: "boolean", default: false } } });
  const base = JSON.parse(readFileSync(join(repo, "configs", "quickstart.json"), "utf8")) as Record<string, unknown>;
  const variants: [string, unknown][] = [["md4", { name: "md4" }], ["prime ℓ=2", { name: "prime", ell: 2 }], ["prime ℓ=4", { name: "prime", ell: 4 }], ["genmd4", { name: "genmd4" }]];
  const steppers = variants.map(([, method]) => stepper(parseTrainConfig({ ...base, method })));
  const times: number[][] = variants.map(() => []);
  for (let r = 0; r < Number(values.rounds); r++) {
    steppers.forEach((step, i) => {
      for (let w = 0; w < 3; w++) step();
      for (let k = 0; k < Number(values.steps); k++) times[i]!.push(step());
    });
    process.stderr.write(`  round ${r + 1} done\n`);
  }
  const rows = variants.map(([name], i) => ({ variant: name, median_ms: +median(times[i]!).toFixed(2), ratio_to_md4: +(median(times[i]!) / median(times[0]!)).toFixed(3) }));
  if (values.json) return console.log(JSON.stringify(rows.map((r) => ({ ...r, manifest: resultManifest({ method: r.variant.split(" ")[0] }) }))));
  console.log("| variant (quickstart DiT, batch 32, L = 64) | median train step ms | ratio to MD4 |");
  console.log("|---|---|---|");
  for (const r of rows) console.log(`| ${r.variant} | ${r.median_ms} | ${r.ratio_to_md4} |`);
}
