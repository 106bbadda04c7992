// Markdown tables of docs/results/samplers-hmm.md from the resumable eval-samplers tables of scripts/remdm-scale.sh:
// per top-p, one row per sampler × T (oracle NLL ± se, per-sample entropy, trigram KL both ways, entropy bounds,
// KL lower-bound estimate, N-NFE, seconds), then per sampler the change of the oracle NLL from T = L in standard errors,
// then each sampler against ancestral at the same T.
// Usage: node scripts/remdm-scale-tables.mjs docs/results/samplers-hmm-p0.9.jsonl docs/results/samplers-hmm-p1.jsonl
import { readFileSync } from "node:fs";

const fx = (x, d) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(d));
for (const file of process.argv.slice(2)) {
  const rows = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const order = [...new Set(rows.map((r) => r.sampler))];
  rows.sort((a, b) => order.indexOf(a.sampler) - order.indexOf(b.sampler) || (a.T ?? 0) - (b.T ?? 0));
  const L = 64;
  console.log(`### top-p ${rows[0].top_p} (${file.split("/").pop()}, N = ${rows[0].n}, seed ${rows[0].seed})\n`);
  console.log("| sampler | T | oracle NLL ± se | per-sample H | trigram KL(true‖s) | trigram KL(s‖true) | H upper est. model | H upper est. Markov | KL(s‖true) lower est. ± se | N-NFE/seq | seconds |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.sampler} | ${r.T ?? "—"} | ${fx(r.oracle_nll, 4)} ± ${fx(r.oracle_nll_stderr, 4)} | ${fx(r.sample_entropy, 3)} | ${fx(r.trigram_kl_true_model, 3)} | ${fx(r.trigram_kl_model_true, 3)} | ${fx(r.entropy_ub_model, 4)} | ${fx(r.entropy_ub_markov, 4)} | ${fx(r.kl_lower_estimate, 4)} ± ${fx(r.kl_lower_estimate_stderr, 4)} | ${r.T === null ? "—" : fx(r.nfe_per_sequence, 1)} | ${fx(r.seconds, 0)} |`);
  }
  console.log("\nChange of the oracle NLL from T = L (Δ = NLL(T) − NLL(L); z = Δ / √(se_T² + se_L²)):\n");
  console.log("| sampler | T | Δ oracle NLL | z |");
  console.log("|---|---:|---:|---:|");
  for (const s of order.filter((x) => x !== "true-hmm")) {
    const base = rows.find((r) => r.sampler === s && r.T === L);
    if (!base) continue;
    for (const r of rows.filter((x) => x.sampler === s && x.T !== L)) {
      const d = r.oracle_nll - base.oracle_nll;
      console.log(`| ${s} | ${r.T} | ${d >= 0 ? "+" : ""}${fx(d, 4)} | ${fx(d / Math.hypot(r.oracle_nll_stderr, base.oracle_nll_stderr), 1)} |`);
    }
  }
  console.log("\nAgainst ancestral at the same T (Δ = NLL(sampler, T) − NLL(ancestral, T); z as above):\n");
  console.log("| sampler | T | Δ oracle NLL | z | Δ trigram KL(true‖s) |");
  console.log("|---|---:|---:|---:|---:|");
  for (const s of order.filter((x) => x !== "true-hmm" && x !== "ancestral")) {
    for (const r of rows.filter((x) => x.sampler === s)) {
      const base = rows.find((x) => x.sampler === "ancestral" && x.T === r.T);
      if (!base) continue;
      const d = r.oracle_nll - base.oracle_nll;
      const k = r.trigram_kl_true_model - base.trigram_kl_true_model;
      console.log(`| ${s} | ${r.T} | ${d >= 0 ? "+" : ""}${fx(d, 4)} | ${fx(d / Math.hypot(r.oracle_nll_stderr, base.oracle_nll_stderr), 1)} | ${k >= 0 ? "+" : ""}${fx(k, 3)} |`);
    }
  }
  console.log("");
}
