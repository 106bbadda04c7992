// Importing MDLM / BD3-LM checkpoints: the official architecture (scripts/interop/mdlm_reference.py, Debian's torch)
// with random weights in the Hugging Face layout, imported through the CLI, must give the same logits within 1e-4;
// the imported checkpoint then samples and evaluates; an unknown or mismatched file gets one message naming the tensor.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { loadModel } from "../src/api/load-model.js";
import { loadSafetensors, noGrad, saveSafetensors, tidy, zeros, type Tensor } from "../src/engine/index.js";
import { PairPass } from "../src/methods/bd3/pair-pass.js";
import type { DiT } from "../src/models/dit.js";
import { okJson, REPO_ROOT, runCli, userError } from "./helpers/cli.js";
import { skipWithoutPeer, torchPython } from "./helpers/torch-reference.js";

const skip = skipWithoutPeer();
const SIZES = ["--vocab", "50258", "--d", "32", "--layers", "2", "--heads", "4", "--cond", "16", "--length", "12", "--batch", "2"];
let root = "";

function reference(arch: "mdlm" | "bd3lm", seed: number): string {
  const out = join(root, `${arch}-${seed}`);
  mkdirSync(out, { recursive: true });
  const r = spawnSync(torchPython, [join(REPO_ROOT, "scripts/interop/mdlm_reference.py"), "--arch", arch, "--out", out, "--seed", String(seed), ...SIZES, "--block", "4"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

/** Largest |ours − theirs| over the real classes (their last logit is the mask's, which SUBS removes). */
async function maxLogitError(ckpt: string, ref: string, bd3: boolean): Promise<number> {
  const { model } = await loadModel(ckpt);
  const { tensors } = await loadSafetensors(join(ref, "reference.safetensors"));
  const [B, L] = tensors.tokens!.shape as [number, number];
  const net = model.network as DiT;
  return noGrad(() =>
    tidy(() => {
      const ours: Tensor = bd3 ? new PairPass(net, 4).logits(tensors.tokens!, tensors.clean!, zeros([B, L])) : net.forward(tensors.tokens!, zeros([B]));
      const theirs = tensors.logits!.slice(2, 0, 50257);
      assert.deepEqual(ours.shape, theirs.shape);
      assert.ok(theirs.abs().max().item() > 1, "the reference logits are not trivial");
      return ours.sub(theirs).abs().max().item();
    }),
  );
}

before(() => {
  root = mkdtempSync(join(tmpdir(), "maskdiff-interop-"));
});

test("import mdlm: the official MDLM DiT's logits within 1e-4 (two seeds); sample with remdm-loop and eval on a token folder", { skip }, async () => {
  for (const seed of [0, 1]) {
    const ref = reference("mdlm", seed);
    const ckpt = join(ref, "ckpt.safetensors");
    const r = runCli(["import", "mdlm", "--from", join(ref, "model.safetensors"), "--out", ckpt, "--heads", "4", "--length", "12"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /as method md4 \(d 32, 2 layers, 4 heads, cond 16, L 12, data gpt2\)/);
    const err = await maxLogitError(ckpt, ref, false);
    assert.ok(err < 1e-4, `max |Δ logit| = ${err}`);
  }
  const ckpt = join(root, "mdlm-0", "ckpt.safetensors");
  const s = okJson(runCli(["sample", "--checkpoint", ckpt, "--sampler", "remdm-loop", "--steps", "8", "--n", "2", "--seed", "3", "--stats", "--json"]));
  assert.equal(s.samples.length, 2);
  assert.ok(s.sample_stats.entropy > 0 && s.sample_stats.repetition.rep1 >= 0);
  const again = okJson(runCli(["sample", "--checkpoint", ckpt, "--sampler", "remdm-loop", "--steps", "8", "--n", "2", "--seed", "3", "--json"]));
  assert.deepEqual(again.samples, s.samples, "same seed, same samples");
  const txt = join(root, "held-out.txt");
  writeFileSync(txt, Array.from({ length: 40 }, (_, i) => `Held-out paragraph ${i} with some words.`).join("\n\n"));
  okJson(runCli(["data", "tokenize", "--from", txt, "--tokenizer", "gpt2", "--out", join(root, "tok")]));
  const withData = join(root, "mdlm-data.safetensors");
  assert.equal(runCli(["import", "mdlm", "--from", join(root, "mdlm-0", "model.safetensors"), "--out", withData, "--heads", "4", "--length", "12", "--data", `gpt2:${join(root, "tok")}`]).status, 0);
  const e = okJson(runCli(["eval", "--checkpoint", withData, "--steps", "12", "--json"]));
  assert.ok(e.n_sequences >= 1 && Number.isFinite(e.nats_per_token) && e.nats_per_token > 0);
  assert.equal(e.bounds[1].certified, true);
});

test("import bd3lm: the official block-causal [x_t ; x_0] pass within 1e-4; block sampling runs", { skip }, async () => {
  const ref = reference("bd3lm", 2);
  const ckpt = join(ref, "ckpt.safetensors");
  const r = runCli(["import", "bd3lm", "--block", "4", "--from", join(ref, "model.safetensors"), "--out", ckpt, "--heads", "4", "--length", "12"]);
  assert.equal(r.status, 0, r.stderr);
  const err = await maxLogitError(ckpt, ref, true);
  assert.ok(err < 1e-4, `max |Δ logit| = ${err}`);
  const s = okJson(runCli(["sample", "--checkpoint", ckpt, "--steps", "4", "--n", "1", "--json"]));
  assert.equal(s.samples.length, 1);
  userError(runCli(["import", "bd3lm", "--from", join(ref, "model.safetensors"), "--out", join(root, "x.safetensors"), "--heads", "4"]), /import bd3lm needs --block/);
  userError(runCli(["import", "mdlm", "--block", "4", "--from", join(ref, "model.safetensors"), "--out", join(root, "x.safetensors"), "--heads", "4"]), /--block does not apply to import mdlm: the format has no blocks/);
  assert.equal(existsSync(join(root, "x.safetensors")), false, "a refused import writes nothing");
});

test("import: a mismatched or unknown file gets one message naming the first tensor that does not fit", { skip }, async () => {
  const ref = reference("mdlm", 5);
  const { tensors } = await loadSafetensors(join(ref, "model.safetensors"));
  const variant = async (name: string, edit: (t: Record<string, Tensor>) => Record<string, Tensor>) => {
    const f = join(root, `${name}.safetensors`);
    await saveSafetensors(f, edit({ ...tensors }));
    return runCli(["import", "mdlm", "--from", f, "--out", join(root, `${name}-out.safetensors`), "--heads", "4", "--length", "12"]);
  };
  userError(await variant("missing", (t) => (delete t["backbone.blocks.1.attn_out.weight"], t)), /tensor 'backbone\.blocks\.1\.attn_out\.weight' is missing \(expected \[32, 32\]/);
  userError(await variant("shape", (t) => ({ ...t, "backbone.blocks.0.mlp.0.bias": zeros([100]) })), /tensor 'backbone\.blocks\.0\.mlp\.0\.bias' has shape \[100\], expected \[128\]/);
  userError(await variant("extra", (t) => ({ ...t, "backbone.blocks.0.lora.weight": zeros([2]) })), /tensor 'backbone\.blocks\.0\.lora\.weight' is not part of an MDLM\/BD3-LM DiT/);
  userError(await variant("other", () => ({ "transformer.wte.weight": zeros([10, 4]) })), /is not an MDLM\/BD3-LM DiT checkpoint: it has no backbone\.vocab_embed\.embedding/);
  userError(runCli(["import", "mdlm", "--from", join(ref, "model.safetensors"), "--out", join(root, "h.safetensors"), "--heads", "2", "--length", "12"]), /backbone\.rotary_emb\.inv_freq.*is not the rotary table of head dimension 16: is --heads right/);
  userError(runCli(["import", "mdlm", "--from", join(ref, "model.safetensors"), "--out", join(root, "h.safetensors"), "--heads", "5"]), /--heads 5 does not divide the file's width d = 32/);
  // A Hugging Face config.json beside the weights supplies heads and length; contradicting flags and time conditioning are refused.
  const hfDir = join(root, "hf");
  mkdirSync(hfDir);
  await saveSafetensors(join(hfDir, "model.safetensors"), tensors);
  writeFileSync(join(hfDir, "config.json"), JSON.stringify({ n_heads: 4, model_length: 12, time_conditioning: false }));
  const viaConfig = runCli(["import", "mdlm", "--from", join(hfDir, "model.safetensors"), "--out", join(root, "c.safetensors")]);
  assert.equal(viaConfig.status, 0, viaConfig.stderr);
  assert.match(viaConfig.stdout, /4 heads, cond 16, L 12/);
  const written = readFileSync(join(root, "c.safetensors"));
  userError(runCli(["import", "mdlm", "--from", join(hfDir, "model.safetensors"), "--out", join(root, "c.safetensors")]), /--out .*c\.safetensors already exists; give another path/);
  assert.deepEqual(readFileSync(join(root, "c.safetensors")), written, "a refused import leaves the existing file as it was");
  userError(runCli(["import", "mdlm", "--from", join(hfDir, "model.safetensors"), "--out", join(root, "c.safetensors"), "--heads", "8"]), /--heads 8 contradicts n_heads = 4 in .*config\.json/);
  writeFileSync(join(hfDir, "config.json"), JSON.stringify({ n_heads: 4, model_length: 12, time_conditioning: true }));
  userError(runCli(["import", "mdlm", "--from", join(hfDir, "model.safetensors"), "--out", join(root, "c.safetensors")]), /time_conditioning: true/);
  userError(await variant("vocab", (t) => ({ ...t, "backbone.vocab_embed.embedding": zeros([28, 32]), "backbone.output_layer.linear.weight": zeros([28, 32]), "backbone.output_layer.linear.bias": zeros([28]) })), /has 28 rows \(27 tokens \+ the mask\), but --data gpt2 has 50257 tokens/);
  const notSafetensors = join(root, "junk.bin");
  writeFileSync(notSafetensors, "not a model");
  userError(runCli(["import", "mdlm", "--from", notSafetensors, "--out", join(root, "j.safetensors")]), /is not a readable safetensors file/);
});
