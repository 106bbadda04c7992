// The coupled-token table of docs/results/vmd.md from runs/vmd-coupled/*.jsonl (written by scripts/vmd-coupled.sh).
// With the B = 2 runs (bd3 and block-vmd) also the four-token table laid out as VMD_DETAILS §4.2's: 8 columns × MDM/VMD,
// NFE counted per record as the paper does (B = 2: NFE 2 = one step per block, NFE 4 = two steps per block).
// Usage: node scripts/vmd-coupled-tables.mjs [DIR]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? "runs/vmd-coupled";
const rows = (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8").trim().split("\n").filter((l) => l).map((l) => JSON.parse(l)) : []);
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

// the four-token table of the paper's layout: D1 = quads, D2 = quads-two-pairs; MDM = md4 (B = 1) / bd3 (B = 2)
const columns = [];
for (const task of ["quads", "quads-two-pairs"]) {
  columns.push({ task, B: 2, nfe: 4, perBlock: 2 }, { task, B: 2, nfe: 2, perBlock: 1 }, { task, B: 1, nfe: 4, perBlock: 4 }, { task, B: 1, nfe: 1, perBlock: 1 });
}
const pick = (c, m, decode) => {
  const name = c.B === 1 ? { mdm: "md4", vmd: "vmd" }[m] : { mdm: "bd3", vmd: "block-vmd" }[m];
  return rows(`${c.task}-${name}.${decode}.jsonl`).find((x) => x.nfe === c.perBlock);
};
if (columns.some((c) => c.B === 2 && pick(c, "mdm", "sample"))) {
  const head = columns.map((c) => `${c.task === "quads" ? "D1" : "D2"} B=${c.B} NFE=${c.nfe}`);
  const acc = (x) => (x ? `${(100 * x.accuracy).toFixed(1)} %` : "—");
  const kl = (x) => (x ? x.kl_nats.toFixed(3) : "—");
  console.log(`\n| ours | ${head.join(" | ")} |`);
  console.log(`|---|${head.map(() => "---").join("|")}|`);
  for (const [label, f, m, decode] of [
    ["Acc. MDM", acc, "mdm", "sample"], ["Acc. VMD (sample)", acc, "vmd", "sample"], ["Acc. VMD (argmax)", acc, "vmd", "argmax"],
    ["KL MDM", kl, "mdm", "sample"], ["KL VMD (sample)", kl, "vmd", "sample"], ["KL VMD (argmax)", kl, "vmd", "argmax"],
  ]) console.log(`| ${label} | ${columns.map((c) => f(pick(c, m, decode))).join(" | ")} |`);
  console.log(`| NFE per record (measured) | ${columns.map((c) => { const x = pick(c, "mdm", "sample"); return x?.nfe_per_record ?? (x ? x.nfe : "—"); }).join(" | ")} |`);
}
for (const task of ["quads", "quads-two-pairs"]) {
  const f = join(dir, `${task}-block-vmd`, "log.jsonl");
  if (!existsSync(f)) continue;
  const last = readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.kl !== undefined).at(-1);
  const dims = Object.keys(last).filter((k) => k.startsWith("kl_dim_")).map((k) => last[k]);
  console.log(`\n${task}, block-vmd: at step ${last.step} the training KL is ${last.kl.toFixed(3)} nats per token; per dimension (nats per block latent): ${dims.map((d) => d.toFixed(3)).join(", ")}`);
}
