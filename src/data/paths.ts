/** Default locations of prepared data: the data/ folder at the package root. */
import { fileURLToPath } from "node:url";
import * as path from "node:path";

/** The package root (this file is compiled to <root>/dist/src/data/paths.js). */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
}

/** <root>/data, where prepare scripts write and loaders look by default. */
export function defaultDataDir(): string {
  return path.join(packageRoot(), "data");
}
