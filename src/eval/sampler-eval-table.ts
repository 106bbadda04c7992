/** The eval-samplers results as a markdown table, with the oracle's reference values above it. */
import type { SamplerEvalRow } from "./sampler-eval.js";

/** Fixed-point text, or "—" for a missing or non-finite value. */
function fx(x: number | null, digits: number): string {
  return x === null || !Number.isFinite(x) ? "—" : x.toFixed(digits);
}

/** Header lines (oracle references) and one table row per result; all entropies in nats per token. */
export function samplerEvalMarkdown(rows: SamplerEvalRow[], heading: string): string {
  if (rows.length === 0) throw new Error("samplerEvalMarkdown: no rows");
  const r0 = rows[0]!;
  const lines = [
    heading,
    "",
    `True HMM: entropy rate ${fx(r0.true_entropy, 4)} nats/token (${fx(r0.true_entropy / Math.LN2, 4)} bits), ` +
      `H(X1..XL)/L ${fx(r0.true_window_entropy, 4)}, unigram entropy ${fx(r0.true_unigram_entropy, 4)}.`,
    "",
    "H upper est.: estimates of upper bounds on the samples' entropy rate (the model's T-step NELBO of them; a Markov chain fitted to the other half of them). " +
      "KL lower est. = oracle NLL − the smaller one: a lower bound on KL(samples ‖ true HMM) per token up to Monte-Carlo error.",
    "",
    "| sampler | T | oracle NLL ± se | unigram H | per-sample H | trigram KL | KL(true‖model) | KL(model‖true) | NFE | non-cached NFE | N-NFE per sequence (formula) | seconds | NFE per sequence mean [min, max] | per-sample H se | trigram KL se | H upper est. (model) | H upper est. (Markov) | KL(samples‖true) lower est. ± se |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.sampler} | ${r.T ?? "—"} | ${fx(r.oracle_nll, 4)} ± ${fx(r.oracle_nll_stderr, 4)} | ${fx(r.unigram_entropy, 3)} | ${fx(r.sample_entropy, 3)} | ` +
        `${fx(r.trigram_kl, 3)} | ${fx(r.trigram_kl_true_model, 3)} | ${fx(r.trigram_kl_model_true, 3)} | ${r.nfe} | ${r.nfe_noncached} | ${r.T === null ? "—" : `${fx(r.nfe_per_sequence, 1)} (${Number.isNaN(r.nfe_per_sequence_formula) ? "—" : fx(r.nfe_per_sequence_formula, 1)})`} | ${fx(r.seconds, 2)} | ${r.nfe === 0 ? "—" : `${fx(r.nfe_seq_mean, 2)} [${r.nfe_seq_min}, ${r.nfe_seq_max}]`} | ${fx(r.sample_entropy_stderr, 3)} | ${fx(r.trigram_kl_stderr, 3)} | ` +
        `${fx(r.entropy_ub_model, 4)} | ${fx(r.entropy_ub_markov, 4)} | ${fx(r.kl_lower_estimate, 4)} ± ${fx(r.kl_lower_estimate_stderr, 4)} |`,
    );
  }
  return lines.join("\n");
}
