#!/usr/bin/env node
// Entry point of the `maskdiff` command; the TypeScript is compiled to dist/ by `npm run build`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("maskdiff: not built yet — run `npm run build` (or scripts/setup.sh) first\n");
  process.exit(2);
}
await import(main.href);
