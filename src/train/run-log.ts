/** The JSONL log of a training run: one JSON object per line in <outDir>/log.jsonl. */
import { appendFileSync, closeSync, openSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../cli/user-error.js";

/**
 * Appends records (with a wall-clock timestamp) to <outDir>/log.jsonl.
 *
 * A resumed run appends. A new run creates the file exclusively and never truncates: when
 * log.jsonl already holds records (an earlier run in this directory whose checkpoints are gone,
 * or one killed before its first checkpoint), it refuses with a UserError, so that no log is
 * lost; an empty log.jsonl is reused.
 */
export class RunLog {
  private fd: number;
  readonly path: string;

  constructor(outDir: string, opts: { resume: boolean }) {
    this.path = join(outDir, "log.jsonl");
    if (opts.resume) {
      this.fd = openSync(this.path, "a");
      return;
    }
    try {
      this.fd = openSync(this.path, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const st = statSync(this.path);
      if (st.isFile() && st.size === 0) {
        this.fd = openSync(this.path, "a");
        return;
      }
      const records = st.isFile() ? readFileSync(this.path, "utf8").split("\n").filter((l) => l.trim()).length : 0;
      throw new UserError(
        `${outDir} already holds ${this.path} (${st.isFile() ? `${records} record${records === 1 ? "" : "s"} of an earlier run` : "not a regular file"}) but no checkpoint to resume: ` +
          "a new run would overwrite it. Move or delete it, or choose another --out",
      );
    }
  }

  /** Writes one record. */
  write(record: Record<string, unknown>): void {
    appendFileSync(this.fd, JSON.stringify({ time: new Date().toISOString(), ...record }) + "\n");
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.fd);
  }
}
