/** Renders a Vega-Lite spec to an SVG string headlessly with Vega (loaded on demand; no browser, no canvas). */
import type { TopLevelSpec } from "vega-lite";

/** The SVG of a Vega-Lite spec. */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The project's figure header: schema, a titled white page with padding (spread into a top-level spec). */
export function figureHeader(title: string): { $schema: string; title: { text: string; fontSize: number }; background: string; padding: number } {
  return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", title: { text: title, fontSize: 14 }, background: "white", padding: 12 };
}
