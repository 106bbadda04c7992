// Prints the markdown tables of docs/results/prime.md from the files scripts/prime-results.sh writes.
// Usage: node scripts/prime-results-tables.mjs [runs/prime-results]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? "runs/prime-results";
const read = (f) => JSON.parse(readFileSync(join(dir, f), "utf8"));
const fmt = (b) => `${b.bpc.toFixed(3)} ± ${b.bpc_stderr.toFixed(3)}`;
const bound = (e, name) => e.bounds.find((b) => b.name === name);

console.log("| ℓ | base | steps | train s | T-step bound, T = 256 (≤, certified) | per-digit continuous (certified form, truncated) | paper form (not a bound) | paper − certified |");
console.log("|---|---|---|---|---|---|---|---|");
for (const ell of [1, 2, 3, 4]) {
  for (const wall of [false, true]) {
    const name = `fortunes-l${ell}${wall ? "-wall" : ""}`;
    if (!existsSync(join(dir, `${name}.eval.json`))) continue;
    const e = read(`${name}.eval.json`);
    const t = read(`fortunes-l${ell}.train.json`);
    const c = bound(e, "nelbo_certified"), p = bound(e, "nelbo_prime_paper"), T = bound(e, "nelbo_T");
    let b = 1;
    while (b ** ell < 27) b++;
    const secs = wall ? `(${((t.seconds * e.checkpoint_step) / t.steps).toFixed(0)})` : t.seconds.toFixed(0);
    console.log(`| ${ell}${wall ? " (equal wall-clock)" : ""} | ${b} | ${e.checkpoint_step} | ${secs} | ≤ ${fmt(T)} | ${fmt(c)} | ${fmt(p)} | ${(p.bpc - c.bpc).toFixed(3)} |`);
  }
}
console.log("");
console.log("| model | T | oracle NLL ± se (nats/token) | trigram KL | unigram H | per-sample H | N-NFE per sequence: measured (closed form) |");
console.log("|---|---|---|---|---|---|---|");
let truth = null;
for (const m of ["md4", "prime2", "prime4"]) {
  const f = join(dir, `hmm-${m}.samplers.jsonl`);
  if (!existsSync(f)) continue;
  for (const line of readFileSync(f, "utf8").trim().split("\n")) {
    const r = JSON.parse(line);
    if (r.T === null) {
      truth ??= r;
      continue;
    }
    console.log(`| ${m === "md4" ? "MD4" : `Prime ℓ = ${m.slice(5)}`} | ${r.T} | ${r.oracle_nll.toFixed(4)} ± ${r.oracle_nll_stderr.toFixed(4)} | ${r.trigram_kl.toFixed(3)} | ${r.unigram_entropy.toFixed(3)} | ${r.sample_entropy.toFixed(3)} | ${r.nfe_per_sequence.toFixed(1)} (${r.nfe_per_sequence_formula.toFixed(1)}) |`);
  }
}
if (truth) console.log(`| true HMM samples | — | ${truth.oracle_nll.toFixed(4)} ± ${truth.oracle_nll_stderr.toFixed(4)} | ${truth.trigram_kl.toFixed(3)} | ${truth.unigram_entropy.toFixed(3)} | ${truth.sample_entropy.toFixed(3)} | — |`);
for (const m of ["md4", "prime2", "prime4"]) {
  const f = join(dir, `hmm-${m}.train.json`);
  if (existsSync(f)) { const t = read(`hmm-${m}.train.json`); console.log(`\n${m}: ${t.steps} steps in ${t.seconds} s; validation ${t.valid.name} ${fmt(t.valid)} bpc`); }
}
