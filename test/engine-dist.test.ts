// The c10d binding on loopback: collectives give the reduced values on every rank, bad arguments are refused with
// one message, and a rank that exits or stops makes the others fail with a clear error within the time-out.
import assert from "node:assert/strict";
import { test } from "node:test";
import { availableBackends, ProcessGroup, tensor } from "../src/engine/index.js";
import { UserError } from "../src/cli/user-error.js";
import { freePort, spawnRanks } from "./helpers/spawn-ranks.js";

const WORKER = "dist/test/helpers/dist-worker.js";

test("this build has the Gloo backend", () => {
  assert.ok(availableBackends().includes("gloo"), `backends: ${availableBackends().join(", ")}`);
});

test("three ranks: sum, avg (two tensors in one buffer), max, min, broadcast from the last rank, all-gather", async () => {
  const ranks = await spawnRanks(3, WORKER, ["collectives"]);
  const results = await Promise.all(ranks.map((r) => r.done));
  for (const [rank, r] of results.entries()) {
    assert.equal(r.code, 0, `rank ${rank}: ${r.stderr}${r.stdout}`);
    const o = JSON.parse(r.stdout);
    // rank r held a = (r+1)·[1, 10] and b = (r+1)·[[0, 2, 4], [1, 3, 5]]; Σ(r+1) over 3 ranks = 6
    assert.deepEqual(o.sumA, [6, 60]);
    assert.deepEqual(o.sumB, [0, 12, 24, 6, 18, 30]);
    assert.deepEqual(o.sumBShape, [2, 3]);
    assert.deepEqual(o.avgA, [2, 20]);
    assert.deepEqual(o.avgB, [0, 4, 8, 2, 6, 10]);
    assert.deepEqual(o.max, [2, 0]); // c = [r, −r]
    assert.deepEqual(o.min, [0, -2]);
    assert.deepEqual(o.broadcast, [[2, 4, 6], [200]]); // rank 2's values
    assert.deepEqual(o.gather, [0.25, 1.75, 3.25]); // 1.5·r + 0.25 by rank
    assert.equal(o.unrefused, undefined);
    assert.deepEqual(o.refusals.map((m: string) => m.replace(/^dist\w+: /, "")), [
      "all tensors of one call must share dtype and device, got float32@cpu and int64@cpu",
      "avg needs floating-point tensors",
      "root 3 is not a rank of a group of 3",
      "unknown reduction 'mean' (expected sum, avg, max or min)",
    ]);
  }
});

test("a rank that exits makes the other's next collective fail at once, naming rank and time-out; the group is then unusable", async () => {
  const [r0, r1] = await spawnRanks(2, WORKER, ["exit-after-barrier"], { TEST_TIMEOUT_MS: "20000" });
  const [a, b] = await Promise.all([r0!.done, r1!.done]);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(a.code, 3, a.stderr + a.stdout);
  const o = JSON.parse(a.stdout);
  assert.equal(o.name, "UserError");
  assert.match(o.error, /^all-reduce failed on rank 0 of 2 \(gloo, time-out 20000 ms\): .*closed.* -- a peer process exited/i);
  assert.ok(o.ms < 10_000, `detected after ${o.ms} ms, well inside the 20 s time-out`);
  assert.match(o.after, /unusable: an earlier collective on it failed/);
});

test("a rank that stops responding makes the other fail after the time-out, not later", async () => {
  const [r0, r1] = await spawnRanks(2, WORKER, ["stop-after-barrier"], { TEST_TIMEOUT_MS: "1500" });
  const a = await r0!.done;
  r1!.child.kill("SIGKILL"); // the stopped rank
  await r1!.done;
  assert.equal(a.code, 3, a.stderr + a.stdout);
  const o = JSON.parse(a.stdout);
  assert.match(o.error, /^all-reduce failed on rank 0 of 2 \(gloo, time-out 1500 ms\): .*timed out/i);
  assert.ok(o.ms >= 1400 && o.ms < 6000, `failed after ${o.ms} ms with a 1500 ms time-out`);
});

test("a rendezvous that the other ranks never join fails within about the time-out", async () => {
  const port = await freePort();
  const t0 = Date.now();
  assert.throws(
    () => ProcessGroup.create({ backend: "gloo", masterAddr: "127.0.0.1", masterPort: port, worldSize: 2, rank: 0, timeoutMs: 1000, glooHostname: "127.0.0.1" }),
    (e: unknown) => e instanceof UserError && new RegExp(`^rendezvous at 127\\.0\\.0\\.1:${port} failed on rank 0 of 2 within 1000 ms`).test((e as Error).message),
  );
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
});

test("bad group options are refused with one message each", async () => {
  const port = await freePort();
  const base = { backend: "gloo", masterAddr: "127.0.0.1", masterPort: port, worldSize: 1, rank: 0, timeoutMs: 1000 };
  assert.throws(() => ProcessGroup.create({ ...base, backend: "mpi" }), (e: unknown) => e instanceof UserError && /backend 'mpi' is not in this build \(it has: gloo/.test((e as Error).message));
  assert.throws(() => ProcessGroup.create({ ...base, rank: 1 }), /rank must be an integer from 0 to 0/);
  assert.throws(() => ProcessGroup.create({ ...base, masterPort: 70000 }), /port must be an integer from 1 to 65535/);
  assert.throws(() => ProcessGroup.create({ ...base, timeoutMs: 0 }), /timeoutMs must be an integer from 1/);
  // a group of one: collectives are the identity, and a closed group refuses use
  const g = ProcessGroup.create({ ...base, glooHostname: "127.0.0.1" });
  const t = tensor([1.5, -2], [2]);
  g.allReduce([t], "avg");
  assert.deepEqual(t.toArray(), [1.5, -2]);
  assert.deepEqual(g.allGather(7), [7]);
  g.close();
  assert.throws(() => g.barrier(), /the process group was closed/);
});
