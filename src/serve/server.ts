/** The local server behind `maskdiff serve`: the sampling and training pages and their JSON/event-stream API (fastify). */
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance } from "fastify";
import { checkpointListRoute } from "./checkpoint-list.js";
import { HttpError } from "./http-error.js";
import { JobPool } from "./job-pool.js";
import { runRoutes } from "./run-routes.js";
import { forkWorker, sampleRoute } from "./sample-route.js";
import { SpareWorker } from "./spare-worker.js";

/** The pages, served as they are in the source tree (dist/src/serve/ -> src/serve/web/). */
export const WEB_DIR = fileURLToPath(new URL("../../../src/serve/web/", import.meta.url));

/** Options of buildServer. */
export interface ServerOptions {
  /** The folder whose checkpoints (below it) may be sampled. */
  checkpoints: string;
  /** The folder whose runs (below it) the training page shows; null: none. */
  runs: string | null;
  /** Sampling jobs run at once, and jobs that may wait for a place. */
  jobs: number;
  queue: number;
}

/** The fastify app (not listening yet). */
export function buildServer(o: ServerOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  const pool = new JobPool(o.jobs, o.queue);
  const live = new Set<ChildProcess>();
  app.setErrorHandler((e: Error & { statusCode?: number }, _req, reply) => {
    const status = e instanceof HttpError ? e.status : e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    void reply.status(status).send({ error: e.message });
  });
  app.register(fastifyStatic, { root: WEB_DIR, index: "index.html" });
  app.get("/api/jobs", async () => ({ ...pool.counts(), limits: { jobs: o.jobs, queue: o.queue }, pids: [...live].map((c) => c.pid) }));
  checkpointListRoute(app, o.checkpoints);
  const spare = new SpareWorker(forkWorker);
  sampleRoute(app, o.checkpoints, pool, live, spare);
  runRoutes(app, o.runs);
  app.addHook("onReady", async () => spare.refill());
  app.addHook("onClose", async () => {
    spare.close();
    for (const c of live) c.kill("SIGKILL");
  });
  return app;
}
