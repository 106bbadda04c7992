/** A bounded pool of sampling jobs: at most `running` at once, at most `waiting` in line; beyond that a request is refused (429). */

/** A place in the pool: `ready` resolves when the job may run; leave() frees the place (running or still waiting). */
export interface PoolTicket {
  ready: Promise<void>;
  leave(): void;
}

/** The pool (see the file comment). */
export class JobPool {
  private active = 0;
  private readonly line: (() => void)[] = [];

  constructor(readonly running: number, readonly waiting: number) {}

  /** Jobs running now and jobs waiting. */
  counts(): { running: number; waiting: number } {
    return { running: this.active, waiting: this.line.length };
  }

  /** A ticket, or null when every running and waiting place is taken. */
  enter(): PoolTicket | null {
    if (this.active < this.running) {
      this.active++;
      return this.ticket(Promise.resolve(), null);
    }
    if (this.line.length >= this.waiting) return null;
    let admit!: () => void;
    const ready = new Promise<void>((resolve) => (admit = resolve));
    const wake = (): void => {
      this.active++;
      admit();
    };
    this.line.push(wake);
    return this.ticket(ready, wake);
  }

  private ticket(ready: Promise<void>, wake: (() => void) | null): PoolTicket {
    let left = false;
    return {
      ready,
      leave: () => {
        if (left) return;
        left = true;
        const at = wake === null ? -1 : this.line.indexOf(wake);
        if (at >= 0) return void this.line.splice(at, 1); // still waiting: only its place in line is freed
        this.active--;
        this.line.shift()?.();
      },
    };
  }
}
