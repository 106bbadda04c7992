// Locates libtorch for binding.gyp: `node torch-config.cjs include|libdirs|libs|defines|ldflags`.
// Uses $LIBTORCH (a libtorch download or the `torch` folder of a PyTorch wheel) when set,
// otherwise Debian's libtorch-dev. Exits with one explanatory paragraph when neither is found.
"use strict";
const fs = require("fs");
const path = require("path");

function fail(msg) {
  process.stderr.write(
    `\nmaskdiff: cannot build the libtorch binding: ${msg}\n` +
      "Install Debian's libtorch (apt-get update && apt-get install -y --no-install-recommends " +
      "libtorch-dev libopenblas0-pthread libjemalloc2), or point LIBTORCH at a libtorch distribution " +
      "(the unpacked libtorch zip, or site-packages/torch of a PyTorch wheel: it must contain " +
      "include/ATen/ATen.h and lib/libtorch_cpu.so), then run `npm run build` again.\n\n",
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
    return { inc: [inc, path.join(inc, "torch", "csrc", "api", "include")], lib, abi: abi0 ? 0 : 1, cuda };
  }
  const inc = "/usr/include";
  if (!fs.existsSync(path.join(inc, "ATen", "ATen.h"))) fail("LIBTORCH is not set and /usr/include/ATen/ATen.h is missing.");
  const multiarch = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"];
  const lib = multiarch.find((d) => fs.existsSync(path.join(d, "libtorch_cpu.so")));
  if (!lib) fail("the headers exist but libtorch_cpu.so was not found under /usr/lib.");
  return { inc: [inc, path.join(inc, "torch", "csrc", "api", "include")], lib, abi: 1, cuda: false };
}

const t = locate();
const what = process.argv[2];
const libs = ["-lc10", "-ltorch_cpu", "-ltorch"];
if (t.cuda) libs.push("-lc10_cuda", "-ltorch_cuda");
const out = {
  include: t.inc,
  defines: [`_GLIBCXX_USE_CXX11_ABI=${t.abi}`],
  libs,
  // --no-as-needed keeps libtorch_cuda loaded (it registers CUDA kernels at load time).
  ldflags: [`-L${t.lib}`, `-Wl,-rpath,${t.lib}`, "-Wl,--no-as-needed"],
}[what];
if (!out) fail(`unknown query '${what}'`);
process.stdout.write(out.join(" "));
