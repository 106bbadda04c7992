#!/usr/bin/env bash
# Produces the Sudoku table of docs/results/vmd.md: MD4 against VMD (configs/sudoku-{md4,vmd}.json), two training seeds
# each, every model scored on the 1 000 test puzzles at NFE 5/10/20 with the top-probability and top-margin orders.
# Trainings run one at a time. Usage: bash scripts/vmd-sudoku.sh [STEPS (1200)] [SEEDS ("0 1")]
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-1200}
SEEDS=${2:-"0 1"}
OUT=runs/vmd-sudoku
RAW=docs/results/vmd-raw
mkdir -p "$OUT" "$RAW"
[ -f data/sudoku/test.txt ] || node bin/maskdiff.js data sudoku
for seed in $SEEDS; do
  for m in md4 vmd; do
    name=$m-seed$seed
    node -e 'const [base, seed, steps] = process.argv.slice(1);
      const c = JSON.parse(require("fs").readFileSync(base, "utf8")); c.seed = Number(seed); c.train.steps = Number(steps);
      process.stdout.write(JSON.stringify(c));' "configs/sudoku-$m.json" "$seed" "$STEPS" > "$OUT/$name.json"
    ckpt="$OUT/$name/ckpt-$(printf %08d "$STEPS").safetensors"
    if [ ! -f "$ckpt" ]; then
      rm -rf "$OUT/$name"
      node bin/maskdiff.js train --config "$OUT/$name.json" --out "$OUT/$name" --samples 0 --json > "$OUT/$name.train.json"
    fi
    node bin/maskdiff.js eval-sudoku --checkpoint "$ckpt" --nfe 5,10,20 --seed "$seed" --json > "$RAW/sudoku-$name.jsonl"
  done
done
