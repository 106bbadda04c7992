/** Progress of a table computed row by row (eval-samplers) on stderr: a live bar on a terminal, one line per row otherwise. */
import cliProgress from "cli-progress";

/** Counts finished rows out of `total`, showing the last one's label. */
export class RowProgress {
  private bar: cliProgress.SingleBar | null = null;
  private done = 0;
  private readonly t0 = Date.now();

  constructor(private readonly total: number) {
    if (process.stderr.isTTY && total > 0) {
      this.bar = new cliProgress.SingleBar(
        { format: "rows |{bar}| {value}/{total} | elapsed {duration_formatted} | eta {eta_formatted} | {last}", stream: process.stderr, hideCursor: true, etaBuffer: 4 },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { last: "" });
    }
  }

  /** Records one finished row, described by `label`. */
  row(label: string): void {
    this.done++;
    if (this.bar) return this.bar.update(this.done, { last: label });
    const s = ((Date.now() - this.t0) / 1000).toFixed(0);
    process.stderr.write(`[${this.done}/${this.total}, ${s} s] ${label}\n`);
  }

  /** Removes the bar. */
  stop(): void {
    this.bar?.stop();
  }
}
