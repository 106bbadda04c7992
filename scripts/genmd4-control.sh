#!/usr/bin/env bash
# The control run of docs/results/genmd4.md: MD4 with twice the batch (64 = the masked copies GenMD4's loss sees per step),
# and the per-sequence re-evaluation of every checkpoint of scripts/genmd4-results.sh (for paired differences).
# Usage: bash scripts/genmd4-control.sh [STEPS] [SEEDS]   (run after scripts/genmd4-results.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-1500}
SEEDS=${2:-0 1}
OUT=runs/genmd4-results
evaluate() { for T in 64 256; do node bin/maskdiff.js eval --checkpoint "$2" --sequences 512 --steps $T --json --per-sequence > "$OUT/$1.T$T.eval.json"; done; }
node -e '
  const [steps] = process.argv.slice(1);
  const c = JSON.parse(require("fs").readFileSync("configs/quickstart.json", "utf8"));
  c.train.batch = 64; Object.assign(c.train, { steps: Number(steps), evalEvery: Number(steps), checkpointEvery: 500 });
  process.stdout.write(JSON.stringify(c));' "$STEPS" > "$OUT/md4-b64-s0.json"
[ -d "$OUT/md4-b64-s0" ] || node bin/maskdiff.js train --config "$OUT/md4-b64-s0.json" --out "$OUT/md4-b64-s0" --samples 3 --json > "$OUT/md4-b64-s0.train.json"
evaluate md4-b64-s0 "$(ls "$OUT/md4-b64-s0"/ckpt-*.safetensors | tail -1)"
at=$(node -e 'console.log(String(Math.floor(+process.argv[1] / 2.048 / 100) * 100).padStart(8, "0"))' "$STEPS")
for seed in $SEEDS; do
  for m in md4 genmd4; do evaluate $m-s$seed "$(ls "$OUT/$m-s$seed"/ckpt-*.safetensors | tail -1)"; done
  evaluate genmd4-s$seed-wall "$OUT/genmd4-s$seed/ckpt-$at.safetensors"
done
echo "control and per-sequence evaluations in $OUT"
