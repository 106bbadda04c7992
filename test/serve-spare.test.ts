// The spare sampling worker: handed out while alive, replaced when dead, killed on close.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { SpareWorker } from "../src/serve/spare-worker.js";

/** A stand-in worker: an idle node process with an IPC channel. */
function idleChild(started: ChildProcess[]): ChildProcess {
  const c = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: ["ignore", "ignore", "ignore", "ipc"] });
  started.push(c);
  return c;
}

test("SpareWorker: take() hands out the live spare, forks when there is none or it died; close() kills it", async () => {
  const started: ChildProcess[] = [];
  const spare = new SpareWorker(() => idleChild(started));
  try {
    spare.refill();
    spare.refill();
    assert.equal(started.length, 1, "one spare at a time");
    assert.equal(spare.take(), started[0], "the spare itself");
    const fresh = spare.take();
    assert.equal(started.length, 2, "no spare left: a new worker");
    assert.equal(fresh, started[1]);
    spare.refill();
    started[2]!.kill("SIGKILL");
    await once(started[2]!, "exit");
    assert.equal(spare.take(), started[3], "a dead spare is not handed out");
    spare.refill();
    const last = started[4]!;
    spare.close();
    await once(last, "exit");
    assert.equal(last.signalCode, "SIGKILL");
    spare.refill();
    assert.equal(started.length, 5, "no spare after close");
  } finally {
    for (const c of started) c.kill("SIGKILL");
  }
});
