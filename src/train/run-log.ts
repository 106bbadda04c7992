/** The JSONL log of a training run: one JSON object per line in <outDir>/log.jsonl. */
import { appendFileSync, closeSync, openSync } from "node:fs";
import { join } from "node:path";

/** Appends records (with a wall-clock timestamp) to <outDir>/log.jsonl. */
export class RunLog {
  private fd: number;
  readonly path: string;

  constructor(outDir: string, opts: { resume: boolean }) {
    this.path = join(outDir, "log.jsonl");
    this.fd = openSync(this.path, opts.resume ? "a" : "w");
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
