/** Likelihood metrics (§1.9) from per-sequence NELBO values: nats/token, bits, perplexity, with standard errors. */

/** A summary of per-sequence NELBO-type values (an upper bound on −log p only where its producer says so). */
export interface NelboSummary {
  /** Σ NELBO / Σ tokens. */
  nats_per_token: number;
  /** Standard error of nats_per_token across sequences (NaN with fewer than 2 sequences). */
  nats_per_token_stderr: number;
  /** nats_per_token / ln 2 (bits per character / dimension / token). */
  bpc: number;
  /** nats_per_token_stderr / ln 2. */
  bpc_stderr: number;
  /** exp(nats_per_token). */
  ppl: number;
  /** Number of sequences. */
  n_sequences: number;
  /** Total number of tokens. */
  tokens: number;
}

/**
 * Summarises per-sequence NELBOs (nats). tokens: one length for all sequences, or one per sequence.
 * The standard error is the ratio estimator's, √(Σ(n_i − R·ℓ_i)²/(N(N−1)))/mean ℓ with R the
 * nats/token; with equal lengths it is the sample std of the per-token values over √N.
 */
export function summarizeNelbo(nelbo: ArrayLike<number>, tokens: number | ArrayLike<number>): NelboSummary {
  const n = nelbo.length;
  if (n === 0) throw new Error("summarizeNelbo: no sequences");
  const len = (i: number): number => (typeof tokens === "number" ? tokens : tokens[i]!);
  if (typeof tokens !== "number" && tokens.length !== n) throw new Error(`summarizeNelbo: ${n} NELBOs but ${tokens.length} lengths`);
  let total = 0;
  let totalTokens = 0;
  for (let i = 0; i < n; i++) {
    total += nelbo[i]!;
    totalTokens += len(i);
  }
  const rate = total / totalTokens;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (nelbo[i]! - rate * len(i)) ** 2;
  const stderr = n < 2 ? NaN : Math.sqrt(ss / (n * (n - 1))) / (totalTokens / n);
  return {
    nats_per_token: rate,
    nats_per_token_stderr: stderr,
    bpc: rate / Math.LN2,
    bpc_stderr: stderr / Math.LN2,
    ppl: Math.exp(rate),
    n_sequences: n,
    tokens: totalTokens,
  };
}

/**
 * "≤ 1.234 ± 0.005 bpc" for a certified upper bound, "1.234 ± 0.005 bpc" for anything else (or nats, or ppl
 * with the delta-method error ppl·stderr).
 */
export function formatBound(s: NelboSummary, unit: "bpc" | "nats" | "ppl" = "bpc", digits = 3, certified = true): string {
  const [value, err, label] =
    unit === "bpc" ? [s.bpc, s.bpc_stderr, "bpc"]
    : unit === "nats" ? [s.nats_per_token, s.nats_per_token_stderr, "nats/token"]
    : [s.ppl, s.ppl * s.nats_per_token_stderr, "ppl"];
  return `${certified ? "≤ " : ""}${value.toFixed(digits)} ± ${err.toFixed(digits)} ${label}`;
}
