// The figure of one resumable eval-samplers table (whatever rows it holds), with the command's own plot code.
// Usage (after npx tsc): node scripts/remdm-scale-plot.mjs docs/results/samplers-hmm-p0.9.jsonl docs/results/samplers-hmm-p0.9.svg
import { readFileSync, writeFileSync } from "node:fs";
import { renderSamplerEvalSvg } from "../dist/src/eval/sampler-eval-plot.js";

const [file, out] = process.argv.slice(2);
const rows = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const r0 = rows[0];
writeFileSync(out, await renderSamplerEvalSvg(rows, `Samplers on the HMM oracle: L = 64, N = ${r0.n} per point, top-p ${r0.top_p} (checkpoint step 2500)`));
console.error(`wrote ${out}`);
