/** Expectations under a one-dimensional Gaussian by composite Gauss–Legendre quadrature (for latent-variable checks). */
import { gaussLegendre } from "../../src/eval/exact.js";

/** Nodes z and weights w (the N(m, e^lv) density included) over m ± halfWidth·s, in `panels` panels of `order` nodes. */
export function gaussianNodes(m: number, lv: number, { halfWidth = 12, panels = 8, order = 24 } = {}): { z: number; w: number }[] {
  const s = Math.exp(0.5 * lv);
  const { nodes, weights } = gaussLegendre(order);
  const width = (2 * halfWidth * s) / panels;
  const out: { z: number; w: number }[] = [];
  for (let j = 0; j < panels; j++) {
    const lo = m - halfWidth * s + width * j;
    nodes.forEach((xi, q) => {
      const z = lo + (width / 2) * (xi + 1);
      out.push({ z, w: (width / 2) * weights[q]! * Math.exp(-0.5 * ((z - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI)) });
    });
  }
  return out;
}

/** E_{z ~ N(m, e^lv)} f(z) over m ± 12 s (8 panels × 24 nodes). */
export function gaussianExpectation(m: number, lv: number, f: (z: number) => number): number {
  return gaussianNodes(m, lv).reduce((a, { z, w }) => a + w * f(z), 0);
}
