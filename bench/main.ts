/** `npm run bench -- <suite> [options]`: performance suites measured against the PyTorch peer (bench/torch_peer.py). */
import { benchDdp } from "./ddp.js";
import { benchBd3 } from "./bd3.js";
import { benchEngine } from "./engine.js";
import { benchInterop } from "./interop.js";
import { benchLoop } from "./loop.js";
import { benchMethods } from "./methods.js";
import { benchSamplers } from "./samplers.js";
import { benchServe } from "./serve.js";

const suites: Record<string, (argv: string[]) => void | Promise<void>> = { bd3: benchBd3, ddp: benchDdp, engine: benchEngine, interop: benchInterop, loop: benchLoop, methods: benchMethods, prime: benchMethods, samplers: benchSamplers, serve: benchServe };
const [name = "engine", ...rest] = process.argv.slice(2);
const suite = suites[name];
if (!suite) {
  console.error(`unknown bench suite '${name}' (available: ${Object.keys(suites).join(", ")})`);
  process.exit(2);
}
await suite(rest);
