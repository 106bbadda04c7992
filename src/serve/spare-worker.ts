/** One sampling worker forked ahead of need (its modules and libtorch loaded), so that a job skips the process start. */
import type { ChildProcess } from "node:child_process";

/** The spare (see the file comment); `start` forks a new worker. */
export class SpareWorker {
  private spare: ChildProcess | null = null;
  private closed = false;

  constructor(private readonly start: () => ChildProcess) {}

  /** A worker for a job: the spare while it is alive, else a fresh one. */
  take(): ChildProcess {
    const c = this.spare;
    this.spare = null;
    return c !== null && c.connected && c.exitCode === null && c.signalCode === null ? c : this.start();
  }

  /** Forks a spare when none is waiting (call it when a job ends, so the fork does not compete with a running one). */
  refill(): void {
    if (this.spare === null && !this.closed) this.spare = this.start();
  }

  /** Kills the spare; no new one is forked. */
  close(): void {
    this.closed = true;
    this.spare?.kill("SIGKILL");
    this.spare = null;
  }
}
