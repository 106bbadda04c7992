// One rank of the data-parallel equivalence test, started with torchrun's variables: `node ddp-train-worker.js OUT`.
// Trains every method of METHOD_SECTIONS in OUT/<method> and writes each rank's final parameters and
// validation to OUT/<method>-rank<r>.json.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataParallel } from "../../src/train/data-parallel.js";
import { joinGroup, readDistEnv } from "../../src/train/dist-env.js";
import { train } from "../../src/train/trainer.js";
import { ddpConfig, ddpData, METHOD_SECTIONS } from "./ddp-runs.js";

// node --test also loads this file while looking for tests (it runs every .js under test/): without RANK it does nothing.
if (process.env.RANK !== undefined) await main();

async function main(): Promise<void> {
  const out = process.argv[2]!;
  const dp = new DataParallel(joinGroup(readDistEnv()!, 30_000));
  const data = ddpData();
  for (const method of Object.keys(METHOD_SECTIONS)) {
    const r = await train(ddpConfig(method), data, { outDir: join(out, method), dataParallel: dp });
    const params = r.model.network.namedParameters().map(([n, p]) => [n, Array.from(p.toFloat64Array())]);
    writeFileSync(join(out, `${method}-rank${dp.rank}.json`), JSON.stringify({ params, valid: r.lastValid, checkpoint: r.checkpoint }));
  }
}
