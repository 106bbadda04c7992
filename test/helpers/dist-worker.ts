// One rank of the binding tests (test/engine-dist.test.ts), started with torchrun's variables: `node dist-worker.js SCENARIO`.
// TEST_TIMEOUT_MS is the collectives' time-out (the rendezvous waits up to 60 s for slow starts). Prints one JSON line of results on stdout; a collective's failure is printed as {"error": message} with exit code 3.
import { ProcessGroup, tensor } from "../../src/engine/index.js";

// node --test also loads this file while looking for tests (it runs every .js under test/): without RANK it does nothing.
if (process.env.RANK !== undefined) await main();

async function main(): Promise<void> {
  const scenario = process.argv[2];
  const rank = Number(process.env.RANK), worldSize = Number(process.env.WORLD_SIZE);
  const timeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 20000);
  const t0 = Date.now();
  try {
    const g = ProcessGroup.create({ backend: "gloo", masterAddr: "127.0.0.1", masterPort: Number(process.env.MASTER_PORT), worldSize, rank, timeoutMs, rendezvousTimeoutMs: 60_000, glooHostname: "127.0.0.1" });
    if (scenario === "collectives") {
      // rank r holds a = [r+1, 10(r+1)] (float32), b = a 2×3 transposed view (non-contiguous), c = int64 [r, −r]
      const a = tensor([rank + 1, 10 * (rank + 1)], [2]);
      const b = tensor([0, 1, 2, 3, 4, 5].map((v) => v * (rank + 1)), [3, 2], { dtype: "float64" }).transpose(0, 1);
      const c = tensor([rank, -rank], [2], { dtype: "int64" });
      const out: Record<string, unknown> = {};
      const sumA = a.clone(), sumB = b.clone();
      g.allReduce([sumA], "sum");
      g.allReduce([sumB], "sum");
      out.sumA = sumA.toArray();
      out.sumB = sumB.toArray();
      out.sumBShape = sumB.shape;
      const avgA = a.clone(), avgB = b.clone().to("float32");
      g.allReduce([avgA, avgB], "avg"); // one flattened buffer of two tensors
      out.avgA = avgA.toArray();
      out.avgB = avgB.toArray();
      const mx = c.clone(), mn = c.clone();
      g.allReduce([mx], "max");
      g.allReduce([mn], "min");
      out.max = mx.toArray();
      out.min = mn.toArray();
      const root = worldSize - 1;
      const bc = [tensor([rank, rank * 2, rank * 3], [3]), tensor([rank * 100], [1])];
      g.broadcast(bc, root);
      out.broadcast = bc.map((t) => t.toArray());
      out.gather = g.allGather(rank * 1.5 + 0.25);
      g.barrier();
      for (const bad of [() => g.allReduce([a, c], "sum"), () => g.allReduce([c], "avg"), () => g.broadcast([a], worldSize), () => g.allReduce([a], "mean" as never)]) {
        try {
          bad();
          out.unrefused = true;
        } catch (e) {
          (out.refusals ??= [] as string[]) && (out.refusals as string[]).push((e as Error).message);
        }
      }
      g.barrier(); // the refusals broke nothing
      console.log(JSON.stringify(out));
    } else if (scenario === "exit-after-barrier" || scenario === "stop-after-barrier") {
      g.barrier();
      if (rank === worldSize - 1) {
        if (scenario === "exit-after-barrier") process.exit(0);
        process.kill(process.pid, "SIGSTOP"); // alive but silent: the others must time out
      }
      const before = Date.now();
      try {
        g.allReduce([tensor([1], [1])], "sum");
        console.log(JSON.stringify({ unexpected: "all-reduce succeeded" }));
      } catch (e) {
        let after = "";
        try {
          g.barrier();
        } catch (e2) {
          after = (e2 as Error).message;
        }
        console.log(JSON.stringify({ error: (e as Error).message, name: (e as Error).name, ms: Date.now() - before, after }));
        process.exit(3);
      }
    }
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message, name: (e as Error).name, ms: Date.now() - t0 }));
    process.exit(3);
  }
}
