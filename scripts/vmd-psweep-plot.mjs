// The p-sweep figure and table of docs/results/vmd.md from runs/vmd-psweep/*.jsonl (scripts/vmd-psweep.sh):
// one-step KL(data ‖ model) and accuracy against the coupling p, MD4 vs VMD, with the independent sampler's closed form.
// Usage: node scripts/vmd-psweep-plot.mjs [DIR] [OUT.svg]   (needs the built dist/)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderVegaLiteSvg } from "../dist/src/eval/vega-svg.js";

const dir = process.argv[2] ?? "runs/vmd-psweep";
const out = process.argv[3] ?? "docs/results/vmd-psweep.svg";
const rows = [];
for (const p of [0, 0.25, 0.5, 0.75, 1]) {
  for (const m of ["md4", "vmd"]) {
    const f = join(dir, `p${p}-${m}.jsonl`);
    if (!existsSync(f)) continue;
    const r = JSON.parse(readFileSync(f, "utf8").trim().split("\n")[0]);
    rows.push({ p, model: m === "md4" ? "MD4 (MDM)" : "VMD", kl: r.kl_nats, accuracy: r.accuracy });
    if (m === "md4") rows.push({ p, model: "perfect independent sampler (closed form)", kl: r.factorized.kl_nats, accuracy: r.factorized.accuracy });
  }
}
console.log("| p | perfect independent sampler: KL | MD4: KL / acc | VMD: KL / acc |");
console.log("|---|---|---|---|");
for (const p of [...new Set(rows.map((r) => r.p))]) {
  const at = (m) => rows.find((r) => r.p === p && r.model.startsWith(m));
  const c = (r) => (r ? `${r.kl.toFixed(3)} / ${(100 * r.accuracy).toFixed(1)} %` : "—");
  console.log(`| ${p} | ${at("perfect")?.kl.toFixed(3) ?? "—"} | ${c(at("MD4"))} | ${c(at("VMD"))} |`);
}
const spec = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "Two tokens, one step: KL(data ‖ model) against the coupling p (pairs-mixed)",
  background: "white", padding: 12, width: 420, height: 300,
  data: { values: rows },
  mark: { type: "line", point: true },
  encoding: {
    x: { field: "p", type: "quantitative", title: "coupling p (0: independent tokens, 1: (k, k+1) pairs)" },
    y: { field: "kl", type: "quantitative", title: "KL(data ‖ model), nats" },
    color: { field: "model", type: "nominal" },
  },
};
writeFileSync(out, await renderVegaLiteSvg(spec));
console.error(`wrote ${out}`);
