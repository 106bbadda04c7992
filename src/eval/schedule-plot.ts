/** The schedule figure: α_v(t) against t, one line per class (or the one α(t) of a scalar schedule), and the exponents. */
import type { TopLevelSpec } from "vega-lite";
import type { Schedule } from "../diffusion/schedule.js";
import { figureHeader } from "./vega-svg.js";

/** One class of a schedule: its label, its α(t) on a grid and, for polynomial per-class schedules, its exponent. */
export interface ScheduleCurve {
  label: string;
  /** α(t_k) for the grid t_k = k/(points − 1). */
  alpha: number[];
  /** log(1 − α(½))/log ½: the exponent w_v of a polynomial schedule 1 − t^{w_v} (an effective exponent otherwise). */
  exponent: number;
}

/** The curves of a schedule for classes labelled by `labels` (a scalar schedule gives one curve labelled "all"). */
export function scheduleCurves(schedule: Schedule, labels: string[], points = 101): ScheduleCurve[] {
  const ts = Array.from({ length: points }, (_, k) => k / (points - 1));
  const pc = schedule.perClass;
  if (!pc) return [{ label: "all", alpha: ts.map((t) => schedule.alpha(t)), exponent: Math.log(schedule.maskProb(0.5)) / Math.log(0.5) }];
  if (pc.classes !== labels.length) throw new Error(`schedule has ${pc.classes} classes, ${labels.length} labels given`);
  const perT = ts.map((t) => pc.logAlpha(t));
  const half = pc.logMaskProb(0.5);
  return labels.map((label, v) => ({ label, alpha: perT.map((a) => Math.exp(a[v]!)), exponent: half[v]! / Math.log(0.5) }));
}

/** The Vega-Lite spec: α_v(t) curves (left) and the exponents per class, sorted (right). */
export function schedulePlotSpec(curves: ScheduleCurve[], title: string): TopLevelSpec {
  const points = curves[0]!.alpha.length;
  const values = curves.flatMap((c) => c.alpha.map((a, k) => ({ class: c.label, t: k / (points - 1), alpha: a })));
  const bars = curves.map((c) => ({ class: c.label, exponent: c.exponent }));
  return {
    ...figureHeader(title),
    hconcat: [
      {
        width: 380, height: 300, title: "α_v(t): probability that a class-v token is still visible at t",
        data: { values },
        mark: { type: "line", strokeWidth: 1.2 },
        encoding: {
          x: { field: "t", type: "quantitative", title: "t" },
          y: { field: "alpha", type: "quantitative", title: "α_v(t)" },
          color: { field: "class", type: "nominal", legend: curves.length > 30 ? null : { columns: 2 } },
        },
      },
      {
        width: 380, height: 300, title: "exponent w_v (large: masked late; small: masked early)",
        data: { values: bars },
        mark: "bar",
        encoding: {
          x: { field: "class", type: "nominal", sort: "-y", title: "class", axis: { labelAngle: 0 } },
          y: { field: "exponent", type: "quantitative", title: "w_v" },
        },
      },
    ],
    config: { font: "DejaVu Sans, Arial, sans-serif", axis: { labelFontSize: 11, titleFontSize: 12 } },
  } as TopLevelSpec;
}
