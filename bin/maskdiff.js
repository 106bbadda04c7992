#!/usr/bin/env node
// Entry point of the `maskdiff` command; the TypeScript is compiled to dist/ by `npm run build`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("maskdiff: not built yet — run `npm run build` (or scripts/setup.sh) first\n");
  process.exit(2);
}
try {
  await import(main.href);
} catch (e) {
  // A user mistake found while the modules load (e.g. a bad MASKDIFF_TORCH_THREADS) is one line, exit 2,
  // like those found later (dist/src/cli/main.js handles those itself).
  if (e instanceof Error && e.name === "UserError") {
    process.stderr.write(`maskdiff: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
