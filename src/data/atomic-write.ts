/** Writes several files all-or-nothing: each goes to a temporary sibling first, then all are renamed. */
import * as fs from "node:fs";
import * as path from "node:path";

/** One file to write. */
export interface FileToWrite {
  /** Destination path. */
  path: string;
  /** Contents. */
  data: string | Uint8Array;
}

/**
 * Creates the parent folders, writes every file to "<path>.<pid>.tmp", then renames them into place.
 * If any write fails, the temporaries are removed and no destination is touched.
 */
export function writeFilesAtomically(files: readonly FileToWrite[]): void {
  const temps: string[] = [];
  try {
    for (const f of files) {
      fs.mkdirSync(path.dirname(f.path), { recursive: true });
      const tmp = `${f.path}.${process.pid}.tmp`;
      temps.push(tmp);
      fs.writeFileSync(tmp, f.data);
    }
  } catch (e) {
    for (const t of temps) fs.rmSync(t, { force: true });
    throw e;
  }
  files.forEach((f, i) => fs.renameSync(temps[i]!, f.path));
}
