/** `maskdiff serve`: a local web view to watch checkpoints sample step by step and follow training runs. */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Command } from "commander";
import { buildServer } from "../../serve/server.js";
import { intAtLeast, intInRange } from "../options.js";
import { UserError } from "../user-error.js";

/** The folder given to `flag`, absolute; a UserError unless it is an existing directory. */
function servedDir(flag: string, path: string): string {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new UserError(`${flag} ${path} does not exist`);
  if (!statSync(abs).isDirectory()) throw new UserError(`${flag} ${path} is not a directory`);
  return abs;
}

/** The serve command. */
export function serveCommand(): Command {
  return new Command("serve")
    .description("serve a local web page to watch checkpoints sample step by step and follow training runs")
    .requiredOption("--checkpoints <dir>", "serve the checkpoints below this folder (nothing outside it)")
    .option("--runs <dir>", "show the training runs (folders with a log.jsonl) below this folder")
    .option("--port <p>", "port (0: any free one)", intInRange(0, 65535), 8537)
    .option("--host <addr>", "address to bind; other machines can reach the server only if you bind beyond 127.0.0.1", "127.0.0.1")
    .option("--jobs <n>", "sampling jobs run at once (one process each)", intAtLeast(1), 1)
    .option("--queue <n>", "jobs that may wait for a place; more are refused (429)", intAtLeast(0), 4)
    .action(async (o: { checkpoints: string; runs?: string; port: number; host: string; jobs: number; queue: number }) => {
      const app = buildServer({ checkpoints: servedDir("--checkpoints", o.checkpoints), runs: o.runs === undefined ? null : servedDir("--runs", o.runs), jobs: o.jobs, queue: o.queue });
      try {
        await app.listen({ port: o.port, host: o.host });
      } catch (e) {
        throw new UserError(`cannot listen on ${o.host}:${o.port}: ${(e as Error).message}`);
      }
      const a = app.server.address();
      const port = typeof a === "object" && a !== null ? a.port : o.port;
      console.log(`maskdiff serve: http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${port}/`);
      const stop = (): void => void app.close().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
