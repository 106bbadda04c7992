/** The package version, stored in checkpoints. */
import { readFileSync } from "node:fs";
import { packageRoot } from "../data/paths.js";
import { join } from "node:path";

/** maskdiff's version from package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}
