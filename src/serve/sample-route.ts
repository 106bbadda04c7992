/**
 * POST /api/sample: validates the request, hands it to a sampling worker process (the spare forked ahead, see
 * spare-worker.ts) when the pool has room, and streams its messages as server-sent events. The status (200, or the
 * 4xx of a request the worker refused) is sent with the first message; a client that disconnects kills the worker,
 * which frees the job's tensors with its process.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { HttpError } from "./http-error.js";
import type { JobPool } from "./job-pool.js";
import { resolveBelow } from "./safe-path.js";
import { describeIssues, sampleRequestSchema } from "./sample-request.js";
import type { WorkerMessage } from "./sample-messages.js";
import type { WorkerJob } from "./sample-worker.js";
import type { SpareWorker } from "./spare-worker.js";

const WORKER = fileURLToPath(new URL("./sample-worker.js", import.meta.url));

/** Forks a sampling worker (it waits for one job on its IPC channel). */
export function forkWorker(): ChildProcess {
  return fork(WORKER, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

/** Registers the route; `live` holds the worker processes of running jobs (for GET /api/jobs), `spare` gives each job its worker. */
export function sampleRoute(app: FastifyInstance, checkpoints: string, pool: JobPool, live: Set<ChildProcess>, spare: SpareWorker): void {
  app.post("/api/sample", async (req, reply) => {
    const parsed = sampleRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
    const job: WorkerJob = { request: parsed.data, checkpointPath: resolveBelow(checkpoints, parsed.data.checkpoint, "checkpoint") };
    const ticket = pool.enter();
    if (ticket === null) {
      const { running, waiting } = pool.counts();
      throw new HttpError(429, `the sampling queue is full (${running} running, ${waiting} waiting; limits --jobs ${pool.running}, --queue ${pool.waiting}); try again when a job ends`);
    }
    reply.hijack();
    const res = reply.raw;
    let child: ChildProcess | null = null;
    let finished = false;
    const end = (): void => {
      finished = true;
      if (child !== null && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      if (child !== null) live.delete(child);
      ticket.leave();
      if (child !== null) spare.refill();
    };
    res.on("close", () => {
      if (!finished) end(); // the client went away before the job ended: cancel it
    });
    await ticket.ready;
    if (res.destroyed) return;
    const worker = spare.take();
    child = worker;
    live.add(worker);
    worker.on("message", (m: WorkerMessage) => {
      if (finished) return;
      if (!res.headersSent) {
        if (m.type === "error") {
          res.writeHead(m.user ? 400 : 500, { "content-type": "application/json; charset=utf-8" });
          res.end(JSON.stringify({ error: m.message }));
          return end();
        }
        res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" });
      }
      res.write(`data: ${JSON.stringify(m)}\n\n`);
      if (m.type === "done" || m.type === "error") {
        res.end();
        end();
      }
    });
    worker.on("close", (code, signal) => {
      if (finished) return;
      const message = `the sampling worker stopped (${signal ?? `exit ${code}`}) before it finished`;
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: message }));
      } else res.end(`data: ${JSON.stringify({ type: "error", user: false, message })}\n\n`);
      end();
    });
    worker.send(job);
  });
}
