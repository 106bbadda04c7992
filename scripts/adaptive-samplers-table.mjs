// The compact table of docs/results/adaptive-samplers.md from the eval-samplers JSON rows, sorted by family and cost.
// Usage: node scripts/adaptive-samplers-table.mjs docs/results/adaptive-samplers.jsonl
import { readFileSync } from "node:fs";

const all = readFileSync(process.argv[2], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const name = (r) => r.sampler.split(":")[0];
// the reference row first, then by sampler name and network evaluations
const rows = [...all].sort((a, b) => (a.nfe === 0 ? -1 : b.nfe === 0 ? 1 : name(a).localeCompare(name(b)) || a.nfe_seq_mean - b.nfe_seq_mean));
const f = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : "—");
console.log("| sampler | T | NFE per sequence mean [min, max] | oracle NLL ± se | per-sample entropy ± se | trigram KL ± se |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const nfe = r.nfe === 0 ? "—" : `${f(r.nfe_seq_mean, 1)} [${r.nfe_seq_min}, ${r.nfe_seq_max}]`;
  console.log(`| ${r.sampler} | ${r.T ?? "—"} | ${nfe} | ${f(r.oracle_nll, 4)} ± ${f(r.oracle_nll_stderr, 4)} | ${f(r.sample_entropy, 3)} ± ${f(r.sample_entropy_stderr, 3)} | ${f(r.trigram_kl, 3)} ± ${f(r.trigram_kl_stderr, 3)} |`);
}
const m = rows[0].manifest;
console.log(`\nManifest (every row): method ${m.method}, checkpoint sha256 ${m.checkpoint_sha256}, N ${m.n}, seed ${m.seed}, draws ${m.draw_dtype}, version ${m.version}.`);
