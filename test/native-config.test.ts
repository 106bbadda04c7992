// The build's libtorch locator: Debian's copy by default, $LIBTORCH when set, one paragraph when missing; the c10d backends it finds.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const script = resolve(import.meta.dirname, "..", "..", "native", "torch-config.cjs");
const run = (what: string, env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [script, what], { encoding: "utf8", env: { ...process.env, ...env } });

test("a LIBTORCH without headers fails with an explanation of how to get libtorch", () => {
  const r = run("include", { LIBTORCH: "/nonexistent/libtorch" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot build the libtorch binding: LIBTORCH=\/nonexistent\/libtorch has no include\/ATen\/ATen\.h/);
  assert.match(r.stderr, /apt-get install -y --no-install-recommends libtorch-dev/);
  assert.match(r.stderr, /site-packages\/torch of a PyTorch wheel/);
});

test("LIBTORCH pointing at a wheel-style tree gives its paths, its ABI flag and the CUDA libraries", () => {
  const root = mkdtempSync(join(tmpdir(), "maskdiff-libtorch-"));
  try {
    mkdirSync(join(root, "include", "ATen"), { recursive: true });
    mkdirSync(join(root, "lib"), { recursive: true });
    mkdirSync(join(root, "share", "cmake", "Torch"), { recursive: true });
    writeFileSync(join(root, "include", "ATen", "ATen.h"), "");
    for (const lib of ["libtorch_cpu.so", "libtorch_cuda.so"]) writeFileSync(join(root, "lib", lib), "");
    writeFileSync(join(root, "share", "cmake", "Torch", "TorchConfig.cmake"), 'set(TORCH_CXX_FLAGS "-D_GLIBCXX_USE_CXX11_ABI=0")\n');
    assert.equal(run("include", { LIBTORCH: root }).stdout, `${join(root, "include")} ${join(root, "include", "torch", "csrc", "api", "include")}`);
    assert.equal(run("defines", { LIBTORCH: root }).stdout, "_GLIBCXX_USE_CXX11_ABI=0");
    assert.match(run("libs", { LIBTORCH: root }).stdout, /-ltorch_cuda/);
    assert.match(run("ldflags", { LIBTORCH: root }).stdout, new RegExp(`-Wl,-rpath,${join(root, "lib")}`));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("without LIBTORCH the Debian installation is used with the C++11 ABI", { skip: process.env.LIBTORCH ? "LIBTORCH is set" : false }, () => {
  const r = run("defines", { LIBTORCH: "" });
  assert.equal(r.status, 0, r.stderr);
  // Debian's libgloo-dev (scripts/setup.sh installs it) gives the Gloo process group
  assert.equal(r.stdout, existsSync("/usr/include/gloo/context.h") ? "_GLIBCXX_USE_CXX11_ABI=1 USE_C10D_GLOO" : "_GLIBCXX_USE_CXX11_ABI=1");
});

test("the c10d backends: Gloo with the libtorch's gloo headers, NCCL only with CUDA plus nccl.h and the CUDA runtime headers", () => {
  const root = mkdtempSync(join(tmpdir(), "maskdiff-libtorch-"));
  try {
    const file = (p: string) => (mkdirSync(join(root, p, ".."), { recursive: true }), writeFileSync(join(root, p), ""));
    file("include/ATen/ATen.h");
    file("lib/libtorch_cpu.so");
    const env = { LIBTORCH: root, CUDA_HOME: join(root, "cuda"), NCCL_INCLUDE_DIR: join(root, "nccl") };
    assert.equal(run("defines", env).stdout, "_GLIBCXX_USE_CXX11_ABI=1");
    file("include/gloo/context.h");
    assert.equal(run("defines", env).stdout, "_GLIBCXX_USE_CXX11_ABI=1 USE_C10D_GLOO");
    file("nccl/nccl.h");
    file("cuda/include/cuda_runtime_api.h");
    assert.equal(run("defines", env).stdout, "_GLIBCXX_USE_CXX11_ABI=1 USE_C10D_GLOO", "no CUDA libtorch: no NCCL");
    file("lib/libtorch_cuda.so");
    assert.equal(run("defines", env).stdout, "_GLIBCXX_USE_CXX11_ABI=1 USE_C10D_GLOO USE_C10D_NCCL");
    assert.ok(run("include", env).stdout.split(" ").includes(join(root, "nccl")));
    rmSync(join(root, "nccl"), { recursive: true });
    assert.equal(run("defines", { ...env, NCCL_INCLUDE_DIR: join(root, "nccl") }).stdout.includes("USE_C10D_NCCL"), existsSync("/usr/include/nccl.h"), "CUDA without nccl.h builds without NCCL");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
