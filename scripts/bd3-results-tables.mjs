// Prints the tables of docs/results/bd3.md from the JSON that scripts/bd3-results.sh wrote.
// Usage: node scripts/bd3-results-tables.mjs [DIR]   (default runs/bd3-results; the kept copy is docs/results/bd3-raw)
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? "runs/bd3-results";
const read = (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : null);
const f3 = (x) => x.toFixed(3);

console.log("| L′ | blocks | step | per-block T-step bound, T = 256 per block (≤, certified) | per-block continuous (truncated, not a bound) |");
console.log("|---|---|---|---|---|");
for (const b of [1, 4, 8, 16, 64]) {
  const text = read(`fortunes-b${b}.eval.json`);
  if (text === null) {
    console.log(`| ${b} | ${64 / b} | — | not run | not run |`);
    continue;
  }
  const e = JSON.parse(text);
  const [cont, steps] = ["nelbo", "nelbo_T"].map((n) => e.bounds.find((x) => x.name === n));
  console.log(`| ${b}${b === 64 ? " (= L)" : ""} | ${64 / b} | ${e.checkpoint_step} | ≤ ${f3(steps.bpc)} ± ${f3(steps.bpc_stderr)} | ${f3(cont.bpc)} ± ${f3(cont.bpc_stderr)} |`);
}

console.log("\n| model | sampler | steps | NFE per sequence (non-cached) | oracle NLL ± se (nats/token) | trigram KL | unigram H | per-sample H |");
console.log("|---|---|---|---|---|---|---|---|");
// the loop's counters are per call: MD4's one call covers the batch (NFE = T per sequence); bd3 sums its calls, one per block and sequence
for (const [file, model, per] of [["hmm-md4", "MD4", "over L"], ["hmm-b4", "bd3 L′ = 4", "per block"], ["hmm-b16", "bd3 L′ = 16", "per block"]]) {
  const text = read(`${file}.samplers.jsonl`);
  if (text === null) continue;
  for (const line of text.trim().split("\n")) {
    const r = JSON.parse(line);
    const name = r.sampler === "true-hmm" ? "true HMM samples" : model;
    const steps = r.T === null ? "—" : `${r.T} ${per}`;
    const nfe = r.T === null ? "—" : `${file === "hmm-md4" ? r.nfe : r.nfe / 128} (${r.nfe_per_sequence.toFixed(1)})`;
    console.log(`| ${name} | ${r.sampler === "true-hmm" ? "—" : r.sampler} | ${steps} | ${nfe} | ${r.oracle_nll.toFixed(4)} ± ${r.oracle_nll_stderr.toFixed(4)} | ${f3(r.trigram_kl)} | ${f3(r.unigram_entropy)} | ${f3(r.sample_entropy)} |`);
  }
}
