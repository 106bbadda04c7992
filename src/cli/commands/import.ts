/** `maskdiff import <format>`: turn a public MDLM-family checkpoint (Hugging Face safetensors) into a maskdiff checkpoint. */
import { Argument, Command } from "commander";
import { importFormatNames, methods } from "../../methods/registry.js";
import { importMdlmCheckpoint } from "../../train/import-checkpoint.js";
import { intAtLeast } from "../options.js";

/** The import command. */
export function importCommand(): Command {
  return new Command("import")
    .description(`convert a public MDLM-family DiT safetensors file into a maskdiff checkpoint for sample and eval (${formatsAndMethods()})`)
    .addArgument(new Argument("<arch>", "the file's architecture").choices(importFormatNames))
    .requiredOption("--from <file>", "the model's safetensors file (e.g. model.safetensors of kuleshov-group/mdlm-owt)")
    .requiredOption("--out <file>", "the maskdiff checkpoint to write")
    .option("--heads <n>", "attention heads, which the weights do not record (default: n_heads of a config.json beside --from, else 12 as MDLM-small)", intAtLeast(1))
    .option("--length <L>", "sequence length the model is used at (default: model_length of config.json, else 1024 as on OpenWebText)", intAtLeast(3))
    .option("--block <n>", "formats with blocks: the block size L′ it was trained with (default: block_size of config.json)", intAtLeast(1))
    .option("--data <name>", 'dataset recorded in the checkpoint: "gpt2" (vocabulary only) or "gpt2:<dir>" (token files for eval)', "gpt2")
    .action(async (arch: string, o: { from: string; out: string; heads?: number; length?: number; block?: number; data: string }) => {
      const config = await importMdlmCheckpoint(o.from, o.out, { arch, heads: o.heads, length: o.length, block: o.block, data: o.data });
      const m = config.model;
      console.log(`wrote ${o.out}: ${arch} as method ${config.method.name} (d ${m.d}, ${m.layers} layers, ${m.heads} heads, cond ${m.cond}, L ${config.data.seqLen}, data ${config.data.name})`);
    });
}

/** "mdlm -> method md4, …": each import format with the method it becomes. */
function formatsAndMethods(): string {
  return methods.flatMap((m) => (m.importFormat ? [`${m.importFormat.name} -> method ${m.name}`] : [])).join(", ");
}
