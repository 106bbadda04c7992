#!/usr/bin/env bash
# Produces docs/results/adaptive-samplers.{jsonl,log,svg}: quality against network evaluations on the HMM oracle
# (issue 18) — fixed-step ancestral and ReMDM-cap over T, exact first-hitting, and knob sweeps of the variable-step
# policies (τ of confidence-threshold, γ of entropy-bounded, τ of remdm-threshold), N sequences per row, one
# eval-samplers run per group (so that a slow machine still leaves the finished groups), then the figure of all rows.
# Usage: bash scripts/adaptive-samplers.sh CHECKPOINT [N (256)] [SEED (0)] [GROUPS (all)]
set -euo pipefail
cd "$(dirname "$0")/.."
CKPT=$1
N=${2:-256}
SEED=${3:-0}
GROUPS_=${4:-"ancestral fh ct eb rt cap more"}
OUT=docs/results
RAW=$OUT/adaptive-samplers-raw
mkdir -p "$RAW"
run() { # run GROUP SAMPLERS [extra eval-samplers args]
  local g=$1 s=$2
  shift 2
  nice node dist/src/cli/main.js eval-samplers --checkpoint "$CKPT" --samplers "$s" -n "$N" --seed "$SEED" --json "$@" \
    > "$RAW/$g.jsonl" 2> "$RAW/$g.log"
}
for g in $GROUPS_; do
  case $g in
    ancestral) run ancestral ancestral --steps 8,16,32,64 ;;
    fh) run fh first-hitting --no-reference ;;
    ct) run ct "confidence-threshold:tau=0.05,candidate=sample,confidence-threshold:tau=0.15,candidate=sample" --no-reference ;;
    eb) run eb "entropy-bounded:gamma=4,candidate=sample,entropy-bounded:gamma=16,candidate=sample" --no-reference ;;
    rt) run rt "remdm-threshold:tau=0.1,candidate=sample,eta_cap=0.1,remdm-threshold:tau=0.3,candidate=sample,eta_cap=0.1" --no-reference ;;
    cap) run cap remdm-cap --steps 32,64 --no-reference ;;
    more) run more "entropy-bounded:gamma=1,candidate=sample,entropy-bounded:gamma=8,candidate=sample,confidence-threshold:tau=0.3,candidate=sample,confidence-threshold:tau=0.6,candidate=sample" --no-reference ;;
    *) echo "unknown group $g" >&2; exit 2 ;;
  esac
done
# every finished group, in a fixed order (the reference row comes with the ancestral group)
cat $(for g in ancestral fh ct eb rt cap more; do [ -f "$RAW/$g.jsonl" ] && echo "$RAW/$g.jsonl"; done) > "$OUT/adaptive-samplers.jsonl"
node scripts/adaptive-samplers-plot.mjs "$OUT/adaptive-samplers.jsonl" "$OUT/adaptive-samplers.svg" "$N"
