import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PNG } from "pngjs";
import { gridDensity } from "../src/data/grid-density.js";
import { colormap, renderDensitiesPng, writeDensitiesPng } from "../src/eval/density-image.js";

const pixel = (png: PNG, x: number, y: number): number[] => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4)];

describe("density image", () => {
  test("colormap end points and middle are viridis' anchors", () => {
    assert.deepEqual(colormap(0), [68, 1, 84]);
    assert.deepEqual(colormap(0.5), [33, 145, 140]);
    assert.deepEqual(colormap(1), [253, 231, 37]);
    assert.deepEqual(colormap(-3), [68, 1, 84]);
  });

  test("two hand-made panels: size, log scale, gap", () => {
    // 4 × 4 tables: panel a peaks at (0, 0) with 1e-1; panel b holds 1e-4 at (3, 2) and zeros
    const a = { size: 4, probs: new Float64Array(16).fill(0.9 / 15) };
    a.probs[0] = 0.1;
    const b = { size: 4, probs: new Float64Array(16) };
    b.probs[3 * 4 + 2] = 1e-4;
    b.probs[5] = 1 - 1e-4;
    const png = PNG.sync.read(renderDensitiesPng([a, b], { decades: 6, gap: 2 }));
    assert.equal(png.width, 4 + 2 + 4);
    assert.equal(png.height, 4);
    assert.deepEqual(pixel(png, 1, 1 + 0), [...colormap(1 + (Math.log10(0.9 / 15) - Math.log10(1 - 1e-4)) / 6), 255]);
    assert.deepEqual(pixel(png, 6 + 1, 1), [253, 231, 37, 255], "largest cell of all panels is the top color");
    assert.deepEqual(pixel(png, 6 + 2, 3), [...colormap(1 - 4 / 6 - Math.log10(1 - 1e-4) / 6), 255], "1e-4 is four decades down");
    assert.deepEqual(pixel(png, 6, 0), [68, 1, 84, 255], "zero cell is the bottom color");
    assert.deepEqual(pixel(png, 4, 2), [255, 255, 255, 255], "gap is white");
  });

  test("512 × 512 densities side by side decode with the right size; the file is written with a caption", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "density-image-"));
    try {
      const file = path.join(dir, "pair.png");
      const caption = writeDensitiesPng(file, [gridDensity({ seed: 1 }), gridDensity({ seed: 2 })], ["truth", "model"]);
      const png = PNG.sync.read(fs.readFileSync(file));
      assert.equal(png.width, 2 * 512 + 8);
      assert.equal(png.height, 512);
      assert.match(caption, /truth \| model/);
      assert.throws(() => writeDensitiesPng(file, [gridDensity({ seed: 1 })], []), /titles/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
