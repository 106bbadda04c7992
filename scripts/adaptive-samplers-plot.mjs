// The quality-against-NFE figure of docs/results/adaptive-samplers.md from eval-samplers JSON rows of several runs.
// Usage: node scripts/adaptive-samplers-plot.mjs ROWS.jsonl OUT.svg N
import { readFileSync, writeFileSync } from "node:fs";
import { renderSamplerNfeSvg } from "../dist/src/eval/sampler-eval-nfe-plot.js";

const [rowsPath, out, n] = process.argv.slice(2);
const rows = readFileSync(rowsPath, "utf8").trim().split("\n").map((l) => JSON.parse(l));
writeFileSync(out, await renderSamplerNfeSvg(rows, `Quality against network evaluations on the HMM oracle: L = 64, N = ${n} per point`));
console.error(`wrote ${out}`);
