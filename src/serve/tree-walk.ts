/** Listing the files of a served directory: a bounded walk that never follows a link out of it. */
import { readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { isBelow } from "./safe-path.js";

/** Deepest folder level a walk enters below its root. */
export const MAX_WALK_DEPTH = 4;

/** Real paths of the files below `root` (links resolved and kept only when they stay inside) whose names pass `keep`, sorted. */
export function filesBelow(root: string, keep: (name: string) => boolean): string[] {
  const realRoot = realpathSync(root);
  const out = new Set<string>();
  const walk = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      let real: string;
      try {
        real = realpathSync(join(dir, name));
      } catch {
        continue; // a dangling link
      }
      if (!isBelow(real, realRoot)) continue;
      const st = statSync(real);
      if (st.isDirectory() && depth < MAX_WALK_DEPTH) walk(real, depth + 1);
      else if (st.isFile() && keep(name)) out.add(real);
    }
  };
  walk(realRoot, 0);
  return [...out].sort();
}
