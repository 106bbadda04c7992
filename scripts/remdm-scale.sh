#!/usr/bin/env bash
# Produces the rows of docs/results/samplers-hmm.md (issue 15): ReMDM against ancestral sampling on the HMM-oracle
# checkpoint at N = 1000, one row at a time in priority order, appended to one resumable JSONL table per top-p.
# Rows already in a table are skipped, so an interrupted run is continued by running this again. No row is
# started after STOP_AT (a `date -d` time; default: never).
# TOP_PS picks the tables (default "0.9 1"), TABLE their file stem (default samplers-hmm: OUT_DIR/TABLE-pP.jsonl) and
# SAMPLERS the samplers run (default all five; Prime has no remdm-loop-conf), N the samples per row (default 1000; top-p 1
# needs 1300 for a standard error ≤ 0.007 nats: its samples are more diverse), EXTRA_T the step counts run after
# L, 2L and 4L (default "L/2 8L"; empty: none). Two runs on different tables can go
# side by side, each with MASKDIFF_TORCH_THREADS=1 OPENBLAS_NUM_THREADS=1 on a 2-core machine.
# Usage: STOP_AT=16:05 nice -n 10 bash scripts/remdm-scale.sh CHECKPOINT [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
CKPT=$1
OUT=${2:-docs/results}
STOP=$( [ -n "${STOP_AT:-}" ] && date -d "$STOP_AT" +%s || echo 9999999999 )
TABLE=${TABLE:-samplers-hmm}
SAMPLERS=" ${SAMPLERS:-ancestral remdm-loop remdm-loop:compat=official remdm-cap remdm-loop-conf} "
row() { # row TOP_P SAMPLER STEPS
  case "$SAMPLERS" in *" $2 "*) ;; *) return 0 ;; esac
  if [ "$(date +%s)" -ge "$STOP" ]; then echo "STOP_AT reached: not starting $2 T=$3 (top-p $1)" >&2; exit 0; fi
  node bin/maskdiff.js eval-samplers --checkpoint "$CKPT" --samplers "$2" --steps "$3" -n "${N:-1000}" --seed 0 --top-p "$1" \
    --json --out "$OUT/$TABLE-p$1.jsonl" > /dev/null
}
LOOP=remdm-loop; OFFICIAL=remdm-loop:compat=official; CAP=remdm-cap; CONF=remdm-loop-conf
for p in ${TOP_PS:-0.9 1}; do
  # ancestral and the official-compatible ReMDM-loop at T = L and 2L first (the claim's test), ancestral at 4L,
  # our ReMDM-loop at L and 2L, then the others
  for s in ancestral $OFFICIAL; do for T in L 2L; do row $p $s $T; done; done
  row $p ancestral 4L
  for s in $LOOP $CAP $CONF; do for T in L 2L; do row $p $s $T; done; done
  for s in $OFFICIAL $LOOP $CAP $CONF; do row $p $s 4L; done
done
for p in ${TOP_PS:-0.9 1}; do for T in ${EXTRA_T-L/2 8L}; do for s in ancestral $LOOP $OFFICIAL $CAP $CONF; do row $p $s $T; done; done; done
