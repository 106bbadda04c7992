#!/usr/bin/env bash
# Produces docs/results/adaptive-samplers.{jsonl,log,svg}: quality against network evaluations on the HMM oracle
# (issue 18) — fixed-step ancestral and ReMDM-cap over T, exact first-hitting, and the knob sweeps of the
# variable-step policies (τ of confidence-threshold, γ of entropy-bounded, τ of remdm-threshold), N sequences each.
# Usage: bash scripts/adaptive-samplers.sh CHECKPOINT [N (256)] [SEED (0)]
set -euo pipefail
cd "$(dirname "$0")/.."
CKPT=$1
N=${2:-256}
SEED=${3:-0}
OUT=docs/results
S=ancestral,remdm-cap,first-hitting
for tau in 0.05 0.1 0.15; do S+=",confidence-threshold:tau=$tau,candidate=sample"; done
for gamma in 2 8 32; do S+=",entropy-bounded:gamma=$gamma,candidate=sample"; done
S+=",remdm-threshold:tau=0.1,candidate=sample,eta_cap=0.1"
nice node dist/src/cli/main.js eval-samplers --checkpoint "$CKPT" --samplers "$S" --steps 8,16,32,64 -n "$N" --seed "$SEED" \
  --json --markdown --plot-nfe "$OUT/adaptive-samplers.svg" > "$OUT/adaptive-samplers.jsonl" 2> "$OUT/adaptive-samplers.log"
