#!/usr/bin/env bash
# Produces the coupled-token tables of docs/results/vmd.md: MD4 (an MDM) against VMD on the two- and four-token tasks,
# sampled with a fixed number of reveals per step at random positions (random-order) for NFE = 1, 2, 4.
# B = 2 rows (PART b2): bd3 (block MDM) against block-wise VMD on the four-token tasks, two blocks of 2 tokens, NFE = steps
# per block (1, 2, 4; the total per record is twice that).
# Usage: bash scripts/vmd-coupled.sh [STEPS] [N] [PART]   (defaults 2000 steps, 100000 samples per cell, PART all|b1|b2)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-2000}
N=${2:-100000}
PART=${3:-all}
OUT=runs/vmd-coupled
mkdir -p "$OUT"
runs=()
[ "$PART" = b2 ] || for task in pairs pairs-weighted quads quads-two-pairs; do for m in md4 vmd; do runs+=("$task $m"); done; done
[ "$PART" = b1 ] || for task in quads quads-two-pairs; do for m in bd3 block-vmd; do runs+=("$task $m"); done; done
for run in "${runs[@]}"; do
  read -r task m <<< "$run"
  case $task in pairs*) L=2; NFE=1,2;; *) L=4; NFE=1,2,4;; esac
  {
    name=$task-$m
    node -e '
      const [task, L, m, steps] = process.argv.slice(1);
      const latent = { latentDim: 8, encoder: { d: 32, layers: 1, heads: 2 }, klWarmup: 500 };
      const method = { md4: { name: "md4" }, vmd: { name: "vmd", ...latent }, bd3: { name: "bd3", block: 2 }, "block-vmd": { name: "block-vmd", block: 2, ...latent } }[m];
      process.stdout.write(JSON.stringify({
        seed: 0, data: { name: task, seqLen: Number(L) },
        model: { d: 64, layers: 2, heads: 2, cond: 64 }, method,
        train: { steps: Number(steps), batch: 256, lr: 1e-3, warmup: 100, ema: 0.99, evalEvery: Number(steps), evalSequences: 512, checkpointEvery: Number(steps), logEvery: 50 },
      }));' $task $L $m "$STEPS" > "$OUT/$name.json"
    [ -d "$OUT/$name" ] || node bin/maskdiff.js train --config "$OUT/$name.json" --out "$OUT/$name" --samples 0 --json > "$OUT/$name.train.json"
    ck=$(ls "$OUT/$name"/ckpt-*.safetensors | tail -1)
    node bin/maskdiff.js eval-coupled --checkpoint "$ck" --sampler random-order --nfe $NFE -n "$N" --json > "$OUT/$name.sample.jsonl"
    case $m in md4|bd3) ;; *) node bin/maskdiff.js eval-coupled --checkpoint "$ck" --sampler random-order --nfe $NFE -n "$N" --decode argmax --json > "$OUT/$name.argmax.jsonl";; esac
  }
done
echo "results in $OUT"
