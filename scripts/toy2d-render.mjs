// Re-renders the pictures of `maskdiff toy2d` from the laws it saved with --save-laws (raw float64, row = token 0),
// summing k × k cells per pixel to keep the PNGs small. Usage (after `npm run build:ts`):
//   node scripts/toy2d-render.mjs LAWS_DIR OUT_PREFIX [POOL=2] [DECADES=6] [SIZE=512] [DENSITY_SEED=0] [ELLS=1,2,3,9]
// writes OUT_PREFIX-joint.png (truth, then ℓ = 1, 2, … joint) and OUT_PREFIX-factorized.png (truth, then ℓ = 2, … factorized).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gridDensity } from "../dist/src/data/grid-density.js";
import { writeDensitiesPng } from "../dist/src/eval/density-image.js";
import { poolDensity } from "../dist/src/eval/grid-toy.js";

const [dir, prefix, pool = "2", decades = "6", size = "512", seed = "0", ells = "1,2,3,9"] = process.argv.slice(2);
if (!dir || !prefix) throw new Error("usage: node scripts/toy2d-render.mjs LAWS_DIR OUT_PREFIX [POOL] [DECADES] [SIZE] [DENSITY_SEED] [ELLS]");
const n = Number(size);
const truth = gridDensity({ seed: Number(seed), size: n });
const load = (name) => {
  const b = readFileSync(join(dir, name));
  return { size: n, probs: new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8) };
};
for (const kind of ["joint", "factorized"]) {
  const list = ells.split(",").map(Number).filter((l) => kind === "joint" || l > 1);
  const panels = [truth, ...list.map((l) => load(`l${l}-${l === 1 ? "joint" : kind}.f64`))].map((d) => poolDensity(d, Number(pool)));
  const titles = ["truth", ...list.map((l) => `ℓ = ${l} ${kind}`)];
  console.log(`${prefix}-${kind}.png: ${writeDensitiesPng(`${prefix}-${kind}.png`, panels, titles, { decades: Number(decades) })}`);
}
