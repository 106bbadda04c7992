// The public surface of the package: exactly the expected names at "maskdiff" (nothing internal by accident),
// each one documented, the "maskdiff/engine" subpath, no deep imports, and no printing or exiting in library code.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { REPO_ROOT } from "./helpers/cli.js";

/** Every value exported by src/index.ts; adding one to the API means adding it here. */
const EXPECTED = [
  "BindingError", "CHAR_ALPHABET", "CHAR_VOCAB_SIZE", "DATASET_NAMES", "LoadedModel", "MaskdiffError", "Tensor", "TrainConfigSchema", "UserError",
  "compareSamplers", "datasetFromName", "decode", "encode", "keep", "loadModel", "loadTrainConfig", "methodNamed", "methods", "noGrad",
  "normalizeText", "parseTrainConfig", "samplerNames", "samplerPolicy", "samplerSchemas", "tensor", "tidy", "train",
];

test("the package exports exactly the expected names, resolved through its exports map", async () => {
  const api = await import("maskdiff");
  assert.deepEqual(Object.keys(api).sort(), [...EXPECTED].sort());
  const engine = await import("maskdiff/engine");
  for (const name of ["Tensor", "tidy", "noGrad", "tensor", "Rng", "saveSafetensors"]) assert.ok(name in engine, `maskdiff/engine lacks ${name}`);
  assert.equal(engine.Tensor, api.Tensor, "one Tensor class behind both entry points");
  await assert.rejects(import("maskdiff/dist/src/cli/main.js" as string), (e: NodeJS.ErrnoException) => e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED");
});

test("every exported symbol of src/index.ts, types included, has a doc comment", () => {
  const entry = join(REPO_ROOT, "src", "index.ts");
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exported = checker.getExportsOfModule(moduleSymbol);
  assert.ok(exported.length > EXPECTED.length, "types are exported besides values");
  const undocumented = exported.filter((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === "";
  });
  assert.deepEqual(undocumented.map((s) => s.name), []);
});

/** The .ts files under dir, recursively. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Process entry points besides the CLI, which may exit: the forked sampling worker of `maskdiff serve`. */
const ENTRY_POINTS = [join("src", "serve", "sample-worker.ts")];

test("library code (src/ outside src/cli/ and the process entry points) never prints or exits: that is the CLI's job", () => {
  const offenders = tsFiles(join(REPO_ROOT, "src"))
    .filter((f) => !f.includes(`${join("src", "cli")}/`) && !ENTRY_POINTS.some((e) => f.endsWith(e)))
    .flatMap((f) => readFileSync(f, "utf8").split("\n").map((line, i) => ({ f, i, line })))
    .filter(({ line }) => /\bconsole\.\w+\(|process\.(stdout|stderr)\b|process\.exit\b/.test(line))
    .map(({ f, i, line }) => `${f.slice(REPO_ROOT.length)}:${i + 1}: ${line.trim()}`);
  assert.deepEqual(offenders, []);
});
