/** The training page's routes: the runs below --runs, one run's records and config, and its figure as SVG. */
import { basename, dirname } from "node:path";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { renderVegaLiteSvg } from "../eval/vega-svg.js";
import { listCheckpoints, readCheckpointMeta } from "../train/checkpoint.js";
import { HttpError } from "./http-error.js";
import { runPlotSpec } from "./run-plot.js";
import { readRunLog } from "./run-log-read.js";
import { relativeName, resolveBelow } from "./safe-path.js";
import { describeIssues } from "./sample-request.js";
import { filesBelow } from "./tree-walk.js";

const runQuery = z.strictObject({ run: z.string().min(1, "give a run folder relative to --runs") });

/** The log.jsonl of the run named in the query (a folder below root). */
function runLogPath(root: string, query: unknown): { name: string; log: string } {
  const q = runQuery.safeParse(query);
  if (!q.success) throw new HttpError(400, describeIssues(q.error));
  const dir = resolveBelow(root, q.data.run, "run");
  const log = resolveBelow(root, `${q.data.run}/log.jsonl`, "run");
  if (dirname(log) !== dir) throw new HttpError(403, `run: '${q.data.run}/log.jsonl' is a link to another folder`);
  return { name: q.data.run, log };
}

/** Registers the routes. */
export function runRoutes(app: FastifyInstance, root: string | null): void {
  const rootOf = (): string => {
    if (root === null) throw new HttpError(404, "no runs are served: start the server with --runs DIR");
    return root;
  };
  app.get("/api/runs", async () => ({
    runs: root === null ? [] : filesBelow(root, (n) => n === "log.jsonl").map((f) => relativeName(root, dirname(f)) || "."),
  }));
  app.get("/api/run", async (req) => {
    const { log } = runLogPath(rootOf(), req.query);
    const ckpts = listCheckpoints(dirname(log));
    const newest = ckpts.at(-1);
    const meta = newest === undefined ? null : await readCheckpointMeta(newest).catch(() => null);
    return { records: readRunLog(log), config: meta?.config ?? null, checkpoint: newest === undefined ? null : basename(newest) };
  });
  app.get("/api/run/plot.svg", async (req, reply) => {
    const { name, log } = runLogPath(rootOf(), req.query);
    const svg = await renderVegaLiteSvg(runPlotSpec(`Run ${name}`, readRunLog(log)));
    return reply.type("image/svg+xml").header("cache-control", "no-store").send(svg);
  });
}
