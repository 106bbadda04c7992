#!/usr/bin/env bash
# Produces the numbers of docs/results/bd3.md: BD3-LM at L′ ∈ {1, 4, 8, 16, 64} on the built-in English corpus (the
# quickstart DiT and its 1500-step schedule, stopped at step STOP for the CPU budget; certified per-block T-step
# bound) and L′ ∈ {4, 16} against MD4 on the HMM oracle (configs/bd3-hmm.json's 800-step schedule stopped at
# HMM_STOP; oracle NLL and trigram KL at equal NFE). Trainings run one at a time.
# Usage: bash scripts/bd3-results.sh [train|eval|all] [STOP (500)] [HMM_STOP (200)]
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-all}
STOP=${2:-500}
HMM_STOP=${3:-200}
OUT=runs/bd3-results
mkdir -p "$OUT"
cfg() { # cfg NAME BASE METHOD_JSON: BASE with its method section replaced
  node -e 'const [base, method] = process.argv.slice(1);
    const c = JSON.parse(require("fs").readFileSync(base, "utf8")); c.method = JSON.parse(method);
    process.stdout.write(JSON.stringify(c));' "$2" "$3" > "$OUT/$1.json"
}
train() { # train NAME [STOP_AFTER]: unless its last checkpoint is there
  local steps=${2:-$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).train.steps)' "$OUT/$1.json")}
  [ -f "$OUT/$1/ckpt-$(printf %08d "$steps").safetensors" ] && return
  rm -rf "$OUT/$1"
  node bin/maskdiff.js train --config "$OUT/$1.json" --out "$OUT/$1" --samples 0 --json --stop-after "$steps" > "$OUT/$1.train.json"
}
last() { ls "$OUT/$1"/ckpt-*.safetensors | tail -1; }
for b in 4 16 1 8 64; do cfg fortunes-b$b configs/bd3-fortunes.json "{\"name\":\"bd3\",\"block\":$b}"; done
for b in 4 16; do cfg hmm-b$b configs/bd3-hmm.json "{\"name\":\"bd3\",\"block\":$b}"; done
cfg hmm-md4 configs/bd3-hmm.json '{"name":"md4"}'
if [ "$WHAT" != eval ]; then
  # in this order (docs/results/bd3.md: the first six were run, hmm-b16 and fortunes-b8 were not)
  for run in fortunes-b4 fortunes-b16 fortunes-b1 fortunes-b64 hmm-b4 hmm-md4 hmm-b16 fortunes-b8; do
    case $run in fortunes-*) train $run "$STOP";; *) train $run "$HMM_STOP";; esac
  done
fi
[ "$WHAT" = train ] && exit 0
# certified per-block T-step bound, T = 256 steps per block, 512 validation chunks, EMA weights
for run in fortunes-b1 fortunes-b4 fortunes-b8 fortunes-b16 fortunes-b64; do
  [ -f "$OUT/$run/ckpt-$(printf %08d "$STOP").safetensors" ] || continue
  node bin/maskdiff.js eval --checkpoint "$(last $run)" --sequences 512 --steps 256 --json > "$OUT/$run.eval.json"
done
# HMM oracle at equal NFE (network denoising calls per sequence): MD4 T ∈ {16, 32, 64, 128} over L = 64;
# L′ = 4 (16 blocks) with T/16 steps per block; L′ = 16 (4 blocks) with T/4 steps per block; first-hitting = L calls
H="-n 128 --seed 0 --json"
ck() { echo "$OUT/$1/ckpt-$(printf %08d "$HMM_STOP").safetensors"; }
[ -f "$(ck hmm-md4)" ] && node bin/maskdiff.js eval-samplers --checkpoint "$(ck hmm-md4)" --samplers ancestral --steps 16,32,64,128 --no-reference $H > "$OUT/hmm-md4.samplers.jsonl"
if [ -f "$(ck hmm-b4)" ]; then
  node bin/maskdiff.js eval-samplers --checkpoint "$(ck hmm-b4)" --samplers ancestral --steps 1,2,4,8 $H > "$OUT/hmm-b4.samplers.jsonl"
  node bin/maskdiff.js eval-samplers --checkpoint "$(ck hmm-b4)" --samplers first-hitting --steps 4 --no-reference $H >> "$OUT/hmm-b4.samplers.jsonl"
fi
if [ -f "$(ck hmm-b16)" ]; then
  node bin/maskdiff.js eval-samplers --checkpoint "$(ck hmm-b16)" --samplers ancestral --steps 4,8,16,32 --no-reference $H > "$OUT/hmm-b16.samplers.jsonl"
  node bin/maskdiff.js eval-samplers --checkpoint "$(ck hmm-b16)" --samplers first-hitting --steps 16 --no-reference $H >> "$OUT/hmm-b16.samplers.jsonl"
fi
echo "results in $OUT"
