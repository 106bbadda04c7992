/** Training progress on stderr: a live bar on a terminal, periodic lines otherwise (CI, pipes). */
import cliProgress from "cli-progress";
import type { StepReport } from "../train/trainer.js";

/** Shows the loss, the objective in BPC, tokens/s and the latest validation BPC while training. */
export class TrainProgress {
  private bar: cliProgress.SingleBar | null = null;
  private validBpc = "-";
  private lastLine = 0;

  constructor(private readonly total: number, start: number) {
    if (process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar(
        { format: "train |{bar}| {value}/{total} | loss {loss} | bpc {bpc} | valid {valid} | {tps} tok/s | eta {eta_formatted}", stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, start, this.payload(NaN, NaN, NaN));
    }
  }

  private payload(loss: number, objective: number, tps: number) {
    return { loss: loss.toFixed(3), bpc: (objective / Math.LN2).toFixed(3), valid: this.validBpc, tps: Math.round(tps) };
  }

  /** Records one finished step. */
  step(r: StepReport): void {
    if (this.bar) return this.bar.update(r.step, this.payload(r.loss, r.objective, r.tokensPerS));
    const now = Date.now();
    if (now - this.lastLine > 10_000 || r.step === this.total) {
      this.lastLine = now;
      const p = this.payload(r.loss, r.objective, r.tokensPerS);
      process.stderr.write(`step ${r.step}/${this.total}  loss ${p.loss}  bpc ${p.bpc}  valid ${p.valid}  ${p.tps} tok/s\n`);
    }
  }

  /** Records a validation result. */
  valid(bpc: number): void {
    this.validBpc = bpc.toFixed(3);
  }

  /** Removes the bar. */
  stop(): void {
    this.bar?.stop();
  }
}
