/** Worker of the scale bench: samples V, L, B, T (argv) at top-p 0.9 in this fresh process and prints its peak RSS as JSON. */
import { resourceUsage } from "node:process";
import { Rng } from "../src/engine/rng.js";
import { linear } from "../src/diffusion/schedules.js";
import { ancestralPolicy, sample } from "../src/diffusion/samplers/index.js";
import { scaleDenoiser, scaleModel } from "./sampler-scale.js";

const [V, L, B, T] = process.argv.slice(2).map(Number) as [number, number, number, number];
const t0 = performance.now();
sample(scaleDenoiser(scaleModel(V, L, 1), V), ancestralPolicy(), { batch: B, length: L, steps: T, schedule: linear(), rng: new Rng(1), topP: 0.9 });
console.log(JSON.stringify({ vocab: V, length: L, batch: B, T, top_p: 0.9, seconds: +((performance.now() - t0) / 1000).toFixed(2), max_rss_mb: +(resourceUsage().maxRSS / 1024).toFixed(1) }));
