#!/usr/bin/env bash
# The text rows of docs/results/vmd.md's "Block-wise VMD" section: block-vmd at L′ ∈ {4, 8} on the built-in English
# corpus (configs/block-vmd-fortunes.json = configs/bd3-fortunes.json's model and schedule, stopped at step STOP like
# docs/results/bd3.md's rows; certified per-block T-step bound, T = 256 per block, 512 chunks), and block-vmd L′ = 4 on
# the HMM oracle (configs/block-vmd-hmm.json, stopped at HMM_STOP like bd3's L′ = 4; oracle NLL and trigram KL at 1
# and 2 steps per block). The bd3 rows come from scripts/bd3-results.sh (the same configs with method bd3).
# Trainings run one at a time, niced. Usage: bash scripts/block-vmd-text.sh [train|eval|all] [STOP (500)] [HMM_STOP (200)]
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-all}
STOP=${2:-500}
HMM_STOP=${3:-200}
OUT=runs/block-vmd-text
mkdir -p "$OUT"
cfg() { # cfg NAME BASE BLOCK: BASE with method.block set
  node -e 'const [base, block] = process.argv.slice(1);
    const c = JSON.parse(require("fs").readFileSync(base, "utf8")); c.method.block = Number(block);
    process.stdout.write(JSON.stringify(c));' "$2" "$3" > "$OUT/$1.json"
}
train() { # train NAME STOP: unless that checkpoint is there
  [ -f "$OUT/$1/ckpt-$(printf %08d "$2").safetensors" ] && return
  rm -rf "$OUT/$1"
  nice -n 10 node bin/maskdiff.js train --config "$OUT/$1.json" --out "$OUT/$1" --samples 0 --json --stop-after "$2" > "$OUT/$1.train.json"
}
ck() { echo "$OUT/$1/ckpt-$(printf %08d "$2").safetensors"; }
for b in 4 8; do cfg fortunes-b$b configs/block-vmd-fortunes.json $b; done
cfg hmm-b4 configs/block-vmd-hmm.json 4
if [ "$WHAT" != eval ]; then
  for run in fortunes-b4 hmm-b4 fortunes-b8; do
    case $run in fortunes-*) train $run "$STOP";; *) train $run "$HMM_STOP";; esac
  done
fi
[ "$WHAT" = train ] && exit 0
for b in 4 8; do
  [ -f "$(ck fortunes-b$b "$STOP")" ] && nice -n 10 node bin/maskdiff.js eval --checkpoint "$(ck fortunes-b$b "$STOP")" --sequences 512 --steps 256 --json > "$OUT/fortunes-b$b.eval.json"
done
if [ -f "$(ck hmm-b4 "$HMM_STOP")" ]; then
  nice -n 10 node bin/maskdiff.js eval-samplers --checkpoint "$(ck hmm-b4 "$HMM_STOP")" --samplers ancestral --steps 1,2 -n 128 --seed 0 --json > "$OUT/hmm-b4.samplers.jsonl"
fi
echo "results in $OUT"
