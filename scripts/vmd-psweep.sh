#!/usr/bin/env bash
# The two-token p-sweep of docs/results/vmd.md: MD4 and VMD on pairs-mixed (p·(k, k+1) pairs + (1 − p)·independent)
# for p ∈ {0, 0.25, 0.5, 0.75, 1}, one step (NFE 1), KL(data ‖ model) from 10⁵ samples.
# Usage: bash scripts/vmd-psweep.sh [STEPS]   (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-2000}
OUT=runs/vmd-psweep
mkdir -p "$OUT"
for p in 0 0.25 0.5 0.75 1; do
  for m in md4 vmd; do
    name=p$p-$m
    node -e '
      const [p, m, steps] = process.argv.slice(1);
      const method = m === "vmd" ? { name: "vmd", latentDim: 8, encoder: { d: 32, layers: 1, heads: 2 }, klWarmup: 500 } : { name: "md4" };
      process.stdout.write(JSON.stringify({
        seed: 0, data: { name: "pairs-mixed", seqLen: 2, coupling: Number(p) },
        model: { d: 64, layers: 2, heads: 2, cond: 64 }, method,
        train: { steps: Number(steps), batch: 256, lr: 1e-3, warmup: 100, ema: 0.99, evalEvery: Number(steps), evalSequences: 512, checkpointEvery: Number(steps), logEvery: 50 },
      }));' $p $m "$STEPS" > "$OUT/$name.json"
    [ -d "$OUT/$name" ] || node bin/maskdiff.js train --config "$OUT/$name.json" --out "$OUT/$name" --samples 0 --json > "$OUT/$name.train.json"
    node bin/maskdiff.js eval-coupled --checkpoint "$(ls "$OUT/$name"/ckpt-*.safetensors | tail -1)" --sampler random-order --nfe 1 -n 100000 --json > "$OUT/$name.jsonl"
  done
done
echo "results in $OUT"
