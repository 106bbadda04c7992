/** The training page's figure: training loss, the validation number with error bars, and the learning rate against step (Vega-Lite). */
import type { TopLevelSpec } from "vega-lite";
import { figureHeader } from "../eval/vega-svg.js";
import type { RunRecord } from "./run-log-read.js";

/** Standard errors each side of a validation point. */
export const ERROR_BAR_SE = 2;

const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);

/** The rows the figure draws: train rows (step, loss, lr) and validation rows (step, value, lo, hi), plus the validation label. */
export function runCurves(records: RunRecord[]): { train: { step: number; loss: number; lr: number | null }[]; valid: { step: number; value: number; lo: number; hi: number }[]; validLabel: string } {
  const train: { step: number; loss: number; lr: number | null }[] = [];
  const valid: { step: number; value: number; lo: number; hi: number }[] = [];
  let validLabel = "validation";
  for (const r of records) {
    const step = num(r.step);
    if (step === null) continue;
    const loss = num(r.loss);
    if (loss !== null) train.push({ step, loss, lr: num(r.lr) });
    const v = r.valid as Record<string, unknown> | undefined;
    const value = num(v?.nats_per_token);
    if (v === undefined || value === null) continue;
    const se = num(v.nats_per_token_stderr) ?? 0;
    valid.push({ step, value, lo: value - ERROR_BAR_SE * se, hi: value + ERROR_BAR_SE * se });
    const kind = v.certified === true ? "certified upper bound" : "estimate, not a certified bound";
    validLabel = `validation ${String(v.name ?? "")} (${kind}), ± ${ERROR_BAR_SE} s.e.`;
  }
  return { train, valid, validLabel };
}

/** The Vega-Lite spec of a run's curves. */
export function runPlotSpec(title: string, records: RunRecord[]): TopLevelSpec {
  const { train, valid, validLabel } = runCurves(records);
  const x = { field: "step", type: "quantitative", title: "step" } as const;
  const panel = { width: 520, height: 150 };
  return {
    ...figureHeader(title),
    vconcat: [
      { ...panel, title: "training loss (nats per token)", data: { values: train }, mark: { type: "line", point: false }, encoding: { x, y: { field: "loss", type: "quantitative", title: "loss", scale: { zero: false } } } },
      {
        ...panel, title: `${validLabel} (nats per token)`, data: { values: valid },
        layer: [
          { mark: "rule", encoding: { x, y: { field: "lo", type: "quantitative", title: "nats per token", scale: { zero: false } }, y2: { field: "hi" } } },
          { mark: { type: "line", point: true }, encoding: { x, y: { field: "value", type: "quantitative" } } },
        ],
      },
      { ...panel, title: "learning rate", data: { values: train.filter((r) => r.lr !== null) }, mark: "line", encoding: { x, y: { field: "lr", type: "quantitative", title: "lr" } } },
    ],
  } as TopLevelSpec;
}
