// Tables of docs/results/genmd4.md from runs/genmd4-results/*.eval.json (written by scripts/genmd4-results.sh):
// certified BPC of MD4 and GenMD4 per seed, and the paired difference on the same validation chunks.
// Usage: node scripts/genmd4-results-tables.mjs [DIR]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? "runs/genmd4-results";
const read = (name) => (existsSync(join(dir, name)) ? JSON.parse(readFileSync(join(dir, name), "utf8")) : null);
const bound = (ev, name) => ev?.bounds.find((b) => b.name === name) ?? null;
const f = (x, d = 3) => x.toFixed(d);
const seeds = [0, 1, 2].filter((s) => read(`md4-s${s}.T64.eval.json`) && read(`genmd4-s${s}.T64.eval.json`));

/** Paired mean difference (bits per character) of per-sequence values b − a, with its standard error. */
function paired(a, b) {
  if (!a?.values || !b?.values || a.values.length !== b.values.length) return null;
  const d = b.values.map((v, i) => (v - a.values[i]) / Math.LN2);
  const m = d.reduce((s, x) => s + x, 0) / d.length;
  const se = Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (d.length - 1) / d.length);
  return `${m >= 0 ? "+" : ""}${f(m)} ± ${f(se)}`;
}

for (const T of [64, 256]) {
  console.log(`\n**Certified T-step bound, T = ${T}** (bits per character, 512 validation chunks of 64 characters; ± 1 s.e. over chunks)\n`);
  console.log("| seed | MD4 (1500 steps) | GenMD4, equal steps (1500) | GenMD4 − MD4 (paired) | GenMD4, equal wall-clock | GenMD4 wall-clock − MD4 (paired) |");
  console.log("|---|---|---|---|---|---|");
  for (const s of seeds) {
    const md4 = bound(read(`md4-s${s}.T${T}.eval.json`), "nelbo_T");
    const g = bound(read(`genmd4-s${s}.T${T}.eval.json`), "nelbo_T");
    const gw = bound(read(`genmd4-s${s}-wall.T${T}.eval.json`), "nelbo_T");
    const cell = (b) => (b ? `≤ ${f(b.bpc)} ± ${f(b.bpc_stderr)}` : "—");
    console.log(`| ${s} | ${cell(md4)} | ${cell(g)} | ${paired(md4, g) ?? "—"} | ${cell(gw)} | ${paired(md4, gw) ?? "—"} |`);
  }
}
console.log("\n**Continuous-time forms** (T-independent; from the T = 64 evaluation)\n");
console.log("| seed | MD4: NELBO over [0.001, 1] (truncated, not certified) | GenMD4: NELBO with reconstruction on [0, 0.001] (certified) | GenMD4 wall-clock (certified) |");
console.log("|---|---|---|---|");
for (const s of seeds) {
  const md4 = bound(read(`md4-s${s}.T64.eval.json`), "nelbo");
  const g = bound(read(`genmd4-s${s}.T64.eval.json`), "nelbo");
  const gw = bound(read(`genmd4-s${s}-wall.T64.eval.json`), "nelbo");
  console.log(`| ${s} | ${f(md4.bpc)} ± ${f(md4.bpc_stderr)} | ${g ? `≤ ${f(g.bpc)} ± ${f(g.bpc_stderr)}` : "—"} | ${gw ? `≤ ${f(gw.bpc)} ± ${f(gw.bpc_stderr)}` : "—"} |`);
}
for (const s of seeds) {
  const e = read(`genmd4-s${s}.exponents.json`);
  if (!e) continue;
  const ranked = Object.entries(e.exponents);
  console.log(`\nSeed ${s}, learned exponents w_v (step ${e.step}), largest (masked last) to smallest (masked first): ${ranked.map(([c, w]) => `\`${c}\` ${w.toFixed(3)}`).join(", ")}`);
}
