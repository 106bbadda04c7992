/**
 * The quality-against-cost figure of eval-samplers: oracle NLL, per-sample entropy and trigram KL (each ± 1 standard
 * error) against the mean network evaluations per sequence, one line per sampler family (a fixed-step sampler's points
 * are its step counts, a variable-step sampler's are its knob values), with the true-HMM sample values as rules.
 */
import type { TopLevelSpec } from "vega-lite";
import { splitSamplerSpec } from "../diffusion/samplers/index.js";
import { REFERENCE_SAMPLER, type SamplerEvalRow } from "./sampler-eval.js";
import { figureHeader, renderVegaLiteSvg } from "./vega-svg.js";

const WIDTH = 340;

/** A row's family: its sampler name with the swept knob's value left out (the knob is what varies along a line). */
function family(r: SamplerEvalRow, knobs: readonly string[]): string {
  const { name, params } = splitSamplerSpec(r.sampler);
  const kept = params.filter(([k]) => !knobs.includes(k));
  return kept.length === 0 ? name : `${name} (${kept.map(([k, v]) => `${k}=${v}`).join(", ")})`;
}

/** One panel of `field` ± `stderr` against nfe_seq_mean, with the reference value as a dashed rule. */
function panel(rows: object[], field: string, stderr: string, title: string, yTitle: string, ref: number | undefined, logY: boolean): object {
  const x = { field: "nfe_seq_mean", type: "quantitative", title: "network evaluations per sequence (mean, log2 scale)", scale: { type: "log", base: 2 } };
  const color = { field: "family", type: "nominal", title: "sampler" };
  const y = { field, type: "quantitative", title: yTitle, scale: logY ? { type: "log" } : { zero: false } };
  const layers: object[] = [
    { mark: { type: "line", point: { size: 45 }, strokeWidth: 2 }, encoding: { x, y, color, order: { field: "nfe_seq_mean" } } },
    { transform: [{ calculate: `datum.${field} - datum.${stderr}`, as: "lo" }, { calculate: `datum.${field} + datum.${stderr}`, as: "hi" }], mark: { type: "errorbar", ticks: true }, encoding: { x, y: { field: "lo", type: "quantitative", title: yTitle }, y2: { field: "hi" }, color } },
  ];
  if (ref !== undefined) layers.push({ data: { values: [{ y: ref }] }, mark: { type: "rule", color: "#555", strokeDash: [6, 3] }, encoding: { y: { field: "y", type: "quantitative" } } });
  return { width: WIDTH, height: 280, title: { text: title, fontSize: 13 }, data: { values: rows }, layer: layers };
}

/** The Vega-Lite spec; `knobs` are the spec keys swept along a line (e.g. tau, gamma). */
export function samplerNfePlotSpec(all: SamplerEvalRow[], title: string, knobs: readonly string[] = ["tau", "gamma"]): TopLevelSpec {
  const rows = all.filter((r) => r.sampler !== REFERENCE_SAMPLER).map((r) => ({ ...r, family: family(r, knobs) }));
  if (rows.length === 0) throw new Error("samplerNfePlotSpec: no sampler rows to plot");
  const ref = all.find((r) => r.sampler === REFERENCE_SAMPLER);
  return {
    ...figureHeader(title),
    hconcat: [
      panel(rows, "oracle_nll", "oracle_nll_stderr", "oracle NLL (± 1 s.e.); dashed: true-HMM samples", "nats per token", ref?.oracle_nll, false),
      panel(rows, "sample_entropy", "sample_entropy_stderr", "per-sample unigram entropy (± 1 s.e.)", "nats", ref?.sample_entropy, false),
      panel(rows, "trigram_kl", "trigram_kl_stderr", "two-way trigram KL (± 1 bootstrap s.e.)", "nats (log scale)", ref?.trigram_kl, true),
    ],
    resolve: { scale: { color: "shared" } },
    config: { font: "DejaVu Sans, Arial, sans-serif", axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 } },
  } as TopLevelSpec;
}

/** Renders the figure to an SVG string. */
export function renderSamplerNfeSvg(rows: SamplerEvalRow[], title: string, knobs?: readonly string[]): Promise<string> {
  return renderVegaLiteSvg(samplerNfePlotSpec(rows, title, knobs));
}
