/**
 * The eval-samplers figure: oracle NLL (with ±1 standard error) and trigram KL against T on a log2
 * axis, one line per sampler, with the entropy rate, H(X_1..X_L)/L and the true-HMM samples as
 * reference lines. A Vega-Lite spec rendered to SVG headlessly by Vega (no browser, no canvas).
 */
import type { TopLevelSpec } from "vega-lite";
import { REFERENCE_SAMPLER, type SamplerEvalRow } from "./sampler-eval.js";
import { figureHeader, renderVegaLiteSvg } from "./vega-svg.js";

const WIDTH = 420;

/** A horizontal reference line with a label. */
interface Rule {
  y: number;
  label: string;
  dash: number[];
  /** Where the label goes: below the line at the left, or above it at the right. */
  side: "left-below" | "right-above";
}

/** One panel: per-sampler lines of `field` against T, optional error bars, and reference rules. */
function panel(rows: SamplerEvalRow[], steps: number[], field: keyof SamplerEvalRow, title: string, yTitle: string, rules: Rule[], stderr?: keyof SamplerEvalRow, logY = false): object {
  const x = { field: "T", type: "quantitative", title: "sampling steps T (log2 scale)", scale: { type: "log", base: 2 }, axis: { values: steps, format: "d" } };
  const color = { field: "sampler", type: "nominal", title: "sampler" };
  const values = rows.map((r) => ({ ...r, lo: stderr ? (r[field] as number) - (r[stderr] as number) : null, hi: stderr ? (r[field] as number) + (r[stderr] as number) : null }));
  const layers: object[] = [
    { mark: { type: "line", point: { size: 50 }, strokeWidth: 2 }, encoding: { x, y: { field, type: "quantitative", title: yTitle, scale: logY ? { type: "log" } : { zero: false } }, color } },
  ];
  if (stderr) layers.push({ mark: { type: "errorbar", ticks: true }, encoding: { x, y: { field: "lo", type: "quantitative", title: yTitle }, y2: { field: "hi" }, color } });
  for (const r of rules) {
    layers.push({ data: { values: [r] }, mark: { type: "rule", color: "#555", strokeDash: r.dash, strokeWidth: 1.5 }, encoding: { y: { field: "y", type: "quantitative" } } });
    const left = r.side === "left-below";
    layers.push({
      data: { values: [r] },
      mark: { type: "text", align: left ? "left" : "right", baseline: left ? "top" : "bottom", dx: left ? 4 : -4, dy: left ? 3 : -3, color: "#333", fontSize: 11 },
      encoding: { y: { field: "y", type: "quantitative" }, x: left ? { value: 0 } : { value: WIDTH }, text: { field: "label" } },
    });
  }
  return { width: WIDTH, height: 300, title: { text: title, fontSize: 13 }, data: { values }, layer: layers };
}

/** The Vega-Lite spec of the figure for the given rows (the reference row, if present, becomes rules). */
export function samplerEvalPlotSpec(all: SamplerEvalRow[], title: string): TopLevelSpec {
  const rows = all.filter((r) => r.T !== null);
  if (rows.length === 0) throw new Error("samplerEvalPlotSpec: no sampler rows to plot");
  const ref = all.find((r) => r.sampler === REFERENCE_SAMPLER);
  const steps = [...new Set(rows.map((r) => r.T as number))].sort((a, b) => a - b);
  const r0 = rows[0]!;
  const nllRules: Rule[] = [
    { y: r0.true_entropy, label: `entropy rate ${r0.true_entropy.toFixed(3)}`, dash: [], side: "left-below" },
    { y: r0.true_window_entropy, label: `perfect samples: H(X1..XL)/L = ${r0.true_window_entropy.toFixed(3)}`, dash: [6, 3], side: "right-above" },
  ];
  const klRules: Rule[] = ref ? [{ y: ref.trigram_kl, label: `true-HMM samples ${ref.trigram_kl.toFixed(3)} (finite-N floor)`, dash: [6, 3], side: "left-below" }] : [];
  return {
    ...figureHeader(title),
    hconcat: [
      panel(rows, steps, "oracle_nll", "oracle NLL under the true HMM (± 1 s.e.)", "nats per token", nllRules, "oracle_nll_stderr"),
      panel(rows, steps, "trigram_kl", "trigram KL(true‖samples) + KL(samples‖true)", "nats (log scale)", klRules, undefined, true),
    ],
    resolve: { scale: { color: "shared" } },
    config: { font: "DejaVu Sans, Arial, sans-serif", axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12 } },
  } as TopLevelSpec;
}

/** Renders the figure to an SVG string. */
export function renderSamplerEvalSvg(rows: SamplerEvalRow[], title: string): Promise<string> {
  return renderVegaLiteSvg(samplerEvalPlotSpec(rows, title));
}
