/** Shared pieces of the `maskdiff serve` tests: tiny checkpoints, a server in this process, and reading its event streams. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildServer, type ServerOptions } from "../../src/serve/server.js";
import type { WorkerMessage } from "../../src/serve/sample-messages.js";
import { okJson, runCli } from "./cli.js";

/** The tiny Markov data of tinyCheckpoint's default. */
const MARKOV_DATA = { name: "markov", seqLen: 16, markovSeed: 3, markovSymbols: 5, markovSize: 2000 };

/** Trains a tiny model of `method` (4 steps, Markov data of L = 16 unless `data` says otherwise) into dir/name; returns the checkpoint path. */
export function tinyCheckpoint(dir: string, name: string, method: Record<string, unknown> = { name: "md4" }, data: Record<string, unknown> = MARKOV_DATA): string {
  const config = {
    seed: 0,
    data,
    model: { d: 16, layers: 1, heads: 2, cond: 8 },
    method,
    train: { steps: 4, batch: 4, lr: 2e-3, warmup: 1, evalEvery: 4, evalSequences: 4, checkpointEvery: 4, keepCheckpoints: 1 },
  };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return okJson(runCli(["train", "--config", file, "--out", join(dir, name), "--samples", "0", "--json"], 120_000)).checkpoint as string;
}

/** A server listening on a free port of 127.0.0.1, with its base URL. */
export async function startServer(o: ServerOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildServer(o);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const a = app.server.address();
  if (a === null || typeof a !== "object") throw new Error("server has no address");
  return { app, url: `http://127.0.0.1:${a.port}/` };
}

/** POSTs a JSON body to the sampling route. */
export function postSample(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}api/sample`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
}

/** Reads server-sent events from a response; `until` returning true stops reading early (the stream stays open). */
export async function readEvents(r: Response, until?: (m: WorkerMessage) => boolean): Promise<WorkerMessage[]> {
  const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
  const out: WorkerMessage[] = [];
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return out;
    buffer += value;
    for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
      const chunk = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (!chunk.startsWith("data: ")) throw new Error(`not an event: ${JSON.stringify(chunk)}`);
      const m = JSON.parse(chunk.slice(6)) as WorkerMessage;
      out.push(m);
      if (until?.(m)) {
        reader.releaseLock();
        return out;
      }
    }
  }
}

/** The sequences the call and step events build (each sequence's cells, text joined), and every cell kind seen. */
export function replayEvents(events: WorkerMessage[]): { texts: string[]; kinds: Set<string> } {
  const start = events.find((m) => m.type === "start");
  if (start?.type !== "start") throw new Error("no start event");
  const cells = new Map<number, [string, string]>();
  const kinds = new Set<string>();
  for (const m of events) {
    if (m.type !== "call" && m.type !== "step") continue;
    for (const [i, kind, text] of m.cells) {
      cells.set(i, [kind, text]);
      kinds.add(kind);
    }
  }
  const per = start.cellsPerSequence;
  const texts = Array.from({ length: start.batch }, (_, b) =>
    Array.from({ length: per }, (_, i) => {
      const c = cells.get(b * per + i);
      if (c?.[0] !== "visible") throw new Error(`cell ${b * per + i} ended ${c?.[0] ?? "unseen"}`);
      return c[1];
    }).join(""),
  );
  return { texts, kinds };
}
