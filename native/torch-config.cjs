// Locates libtorch for binding.gyp: `node torch-config.cjs include|libdirs|libs|defines|ldflags`.
// Uses $LIBTORCH (a libtorch download or the `torch` folder of a PyTorch wheel) when set,
// otherwise Debian's libtorch-dev. Exits with one explanatory paragraph when neither is found.
// The c10d backends are optional: Gloo when its headers are found (the libtorch's own, or Debian's
// libgloo-dev beside Debian's libtorch), NCCL when the libtorch has CUDA and nccl.h and the CUDA
// runtime headers are found ($NCCL_INCLUDE_DIR, $CUDA_HOME/include, /usr/local/cuda/include, or the
// nvidia-* wheels next to a PyTorch wheel).
"use strict";
const fs = require("fs");
const path = require("path");

function fail(msg) {
  process.stderr.write(
    `\nmaskdiff: cannot build the libtorch binding: ${msg}\n` +
      "Install Debian's libtorch (apt-get update && apt-get install -y --no-install-recommends " +
      "libtorch-dev libgloo-dev libopenblas0-pthread libjemalloc2), or point LIBTORCH at a libtorch distribution " +
      "(the unpacked libtorch zip, or site-packages/torch of a PyTorch wheel: it must contain " +
      "include/ATen/ATen.h and lib/libtorch_cpu.so), then run `npm run build:native` again (in a project that installed maskdiff: `npm rebuild maskdiff`).\n\n",
  );
  process.exit(1);
}

function locate() {
  const root = process.env.LIBTORCH;
  if (root) {
    const inc = path.join(root, "include");
    const lib = path.join(root, "lib");
    if (!fs.existsSync(path.join(inc, "ATen", "ATen.h"))) fail(`LIBTORCH=${root} has no include/ATen/ATen.h.`);
    if (!fs.existsSync(path.join(lib, "libtorch_cpu.so"))) fail(`LIBTORCH=${root} has no lib/libtorch_cpu.so.`);
    const cfg = path.join(root, "share", "cmake", "Torch", "TorchConfig.cmake");
    const abi0 = fs.existsSync(cfg) && /_GLIBCXX_USE_CXX11_ABI=0/.test(fs.readFileSync(cfg, "utf8"));
    const cuda = fs.existsSync(path.join(lib, "libtorch_cuda.so"));
    return { root, inc: [inc, path.join(inc, "torch", "csrc", "api", "include")], lib, abi: abi0 ? 0 : 1, cuda, glooInc: inc };
  }
  const inc = "/usr/include";
  if (!fs.existsSync(path.join(inc, "ATen", "ATen.h"))) fail("LIBTORCH is not set and /usr/include/ATen/ATen.h is missing.");
  const multiarch = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"];
  const lib = multiarch.find((d) => fs.existsSync(path.join(d, "libtorch_cpu.so")));
  if (!lib) fail("the headers exist but libtorch_cpu.so was not found under /usr/lib.");
  return { root: null, inc: [inc, path.join(inc, "torch", "csrc", "api", "include")], lib, abi: 1, cuda: false, glooInc: inc };
}

/** The folder among `dirs` that holds `file`, or undefined. */
function findDir(dirs, file) {
  return dirs.find((d) => d && fs.existsSync(path.join(d, file)));
}

/** Include folders and defines of the c10d backends this libtorch can build. */
function backends(t) {
  const out = { inc: [], defines: [] };
  if (fs.existsSync(path.join(t.glooInc, "gloo", "context.h"))) out.defines.push("USE_C10D_GLOO");
  if (t.cuda) {
    const env = process.env;
    const wheels = t.root ? path.join(t.root, "..", "nvidia") : "";
    const common = [env.CUDA_HOME && path.join(env.CUDA_HOME, "include"), "/usr/local/cuda/include", "/usr/include"];
    const nccl = findDir([env.NCCL_INCLUDE_DIR, ...common, wheels && path.join(wheels, "nccl", "include")], "nccl.h");
    const cudart = findDir([...common, wheels && path.join(wheels, "cuda_runtime", "include")], "cuda_runtime_api.h");
    if (nccl && cudart) {
      out.inc.push(...new Set([nccl, cudart]));
      out.defines.push("USE_C10D_NCCL");
    }
  }
  return out;
}

const t = locate();
const be = backends(t);
const what = process.argv[2];
const libs = ["-lc10", "-ltorch_cpu", "-ltorch"];
if (t.cuda) libs.push("-lc10_cuda", "-ltorch_cuda");
const out = {
  include: [...t.inc, ...be.inc],
  defines: [`_GLIBCXX_USE_CXX11_ABI=${t.abi}`, ...be.defines],
  libs,
  // --no-as-needed keeps libtorch_cuda loaded (it registers CUDA kernels at load time).
  ldflags: [`-L${t.lib}`, `-Wl,-rpath,${t.lib}`, "-Wl,--no-as-needed"],
}[what];
if (!out) fail(`unknown query '${what}'`);
process.stdout.write(out.join(" "));
