// The coupled-token table of docs/results/vmd.md from runs/vmd-coupled/*.jsonl (written by scripts/vmd-coupled.sh).
// Usage: node scripts/vmd-coupled-tables.mjs [DIR]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? "runs/vmd-coupled";
const rows = (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8").trim().split("\n").map((l) => JSON.parse(l)) : []);
const tasks = ["pairs", "pairs-weighted", "quads", "quads-two-pairs"];
console.log("| task | NFE | independent one-step sampler: acc / KL | MD4 (sample): acc / KL | VMD (sample): acc / KL | VMD (argmax, the paper's): acc / KL |");
console.log("|---|---|---|---|---|---|");
for (const task of tasks) {
  const md4 = rows(`${task}-md4.sample.jsonl`);
  const vs = rows(`${task}-vmd.sample.jsonl`);
  const va = rows(`${task}-vmd.argmax.jsonl`);
  for (const r of md4) {
    const cell = (x) => (x ? `${(100 * x.accuracy).toFixed(1)} % ± ${(100 * x.accuracy_stderr).toFixed(1)} / ${x.kl_nats.toFixed(3)}` : "—");
    const at = (list) => list.find((x) => x.nfe === r.nfe);
    const f = r.factorized;
    console.log(`| ${task} | ${r.nfe} | ${(100 * f.accuracy).toFixed(1)} % / ${f.kl_nats.toFixed(3)} | ${cell(r)} | ${cell(at(vs))} | ${cell(at(va))} |`);
  }
}
for (const task of tasks) {
  const f = join(dir, `${task}-vmd`, "log.jsonl");
  if (!existsSync(f)) continue;
  const last = readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.kl !== undefined).at(-1);
  const dims = Object.keys(last).filter((k) => k.startsWith("kl_dim_")).map((k) => last[k]);
  console.log(`\n${task}: at step ${last.step} the training KL of the encoder is ${last.kl.toFixed(3)} nats per token; per dimension (nats per sequence): ${dims.map((d) => d.toFixed(3)).join(", ")}`);
}
