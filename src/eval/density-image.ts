/** Renders 2-D grid densities side by side as a PNG with a shared log-scale colormap (pngjs cannot draw text; caption in markdown). */
import { PNG } from "pngjs";
import { writeFilesAtomically } from "../data/atomic-write.js";
import type { GridDensity } from "../data/grid-density.js";

/** Options of renderDensitiesPng. */
export interface DensityImageOptions {
  /** Decades of probability the colormap spans below the largest cell of all panels (default 6). */
  decades?: number;
  /** White pixels between panels (default 8). */
  gap?: number;
}

/** Viridis sampled at five points, from low to high. */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37],
];

/** RGB of v ∈ [0, 1] by linear interpolation between the colormap's anchors. */
export function colormap(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, v)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - k;
  const [a, b] = [VIRIDIS[k]!, VIRIDIS[k + 1]!];
  return [0, 1, 2].map((c) => Math.round(a[c]! + f * (b[c]! - a[c]!))) as [number, number, number];
}

/** PNG bytes: one pixel per cell (row = token 0 downward, column = token 1), panels left to right, log10 color scale shared by all panels. */
export function renderDensitiesPng(panels: readonly GridDensity[], opts: DensityImageOptions = {}): Buffer {
  const { decades = 6, gap = 8 } = opts;
  if (panels.length === 0) throw new Error("renderDensitiesPng needs at least one density");
  const size = panels[0]!.size;
  if (panels.some((p) => p.size !== size || p.probs.length !== size * size)) throw new Error("all densities must share one grid size");
  const top = Math.log10(Math.max(...panels.map((p) => p.probs.reduce((a, b) => Math.max(a, b), 0))));
  const width = panels.length * size + (panels.length - 1) * gap;
  const png = new PNG({ width, height: size });
  png.data.fill(255);
  panels.forEach((panel, n) => {
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        const p = panel.probs[row * size + col]!;
        const rgb = colormap(p > 0 ? 1 + (Math.log10(p) - top) / decades : 0);
        const o = (row * width + n * (size + gap) + col) * 4;
        png.data[o] = rgb[0];
        png.data[o + 1] = rgb[1];
        png.data[o + 2] = rgb[2];
      }
    }
  });
  return PNG.sync.write(png);
}

/** Writes renderDensitiesPng's image to path (atomically) and returns a markdown caption naming the panels left to right. */
export function writeDensitiesPng(path: string, panels: readonly GridDensity[], titles: readonly string[], opts: DensityImageOptions = {}): string {
  if (titles.length !== panels.length) throw new Error(`${panels.length} panels but ${titles.length} titles`);
  writeFilesAtomically([{ path, data: renderDensitiesPng(panels, opts) }]);
  const decades = opts.decades ?? 6;
  return `Left to right: ${titles.join(" | ")}. Color: log10 probability over the top ${decades} decades (viridis, shared by all panels).`;
}
