// The figure of resumable eval-samplers tables (whatever rows they hold), with the command's own plot code. Several
// tables go in one figure when each is given as FILE=LABEL: their samplers are named "LABEL sampler", and the
// reference (true-HMM) row is the first table's.
// Usage (after npx tsc): node scripts/remdm-scale-plot.mjs docs/results/samplers-hmm-p0.9.jsonl docs/results/samplers-hmm-p0.9.svg
//        node scripts/remdm-scale-plot.mjs A.jsonl=MD4 B.jsonl=Prime out.svg
import { readFileSync, writeFileSync } from "node:fs";
import { renderSamplerEvalSvg } from "../dist/src/eval/sampler-eval-plot.js";

const args = process.argv.slice(2);
const out = args.pop();
const rows = args.flatMap((arg, i) => {
  const [file, label] = arg.split("=");
  const table = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  return table
    .filter((r) => r.T !== null || i === 0)
    .map((r) => (label && r.T !== null ? { ...r, sampler: `${label} ${r.sampler}` } : r));
});
const r0 = rows[0];
const title = `Samplers on the HMM oracle: L = 64, N = ${[...new Set(rows.map((r) => r.n))].join("/")} per point, top-p ${[...new Set(rows.map((r) => r.top_p))].join("/")} (checkpoint step 2500)`;
writeFileSync(out, await renderSamplerEvalSvg(rows, title));
console.error(`wrote ${out} (${rows.length} rows; reference: ${r0.sampler})`);
