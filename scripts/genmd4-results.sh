#!/usr/bin/env bash
# Produces the numbers of docs/results/genmd4.md: GenMD4 against MD4 on the built-in English corpus with the quickstart
# DiT, equal steps (and equal wall-clock from the train-step ratio of one `npm run bench -- methods` run), over seeds.
# Usage: bash scripts/genmd4-results.sh [STEPS] [RATIO] [SEEDS]   (defaults 1500, 2.048, "0 1"; about 40 min on 2 idle cores)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-1500}
RATIO=${2:-2.048}
SEEDS=${3:-0 1}
OUT=runs/genmd4-results
mkdir -p "$OUT"
cfg() { # cfg NAME METHOD_JSON SEED: the quickstart config with a method, a seed, STEPS steps and a checkpoint every 100 steps
  node -e '
    const [method, seed, steps] = process.argv.slice(1);
    const c = JSON.parse(require("fs").readFileSync("configs/quickstart.json", "utf8"));
    c.method = JSON.parse(method); c.seed = Number(seed);
    Object.assign(c.train, { steps: Number(steps), evalEvery: Number(steps), checkpointEvery: 100, keepCheckpoints: 20 });
    process.stdout.write(JSON.stringify(c));' "$2" "$3" "$STEPS" > "$OUT/$1.json"
}
evaluate() { # evaluate NAME CHECKPOINT: every bound, the T-step ones at T = 64 (= L) and T = 256, on 512 validation sequences
  for T in 64 256; do node bin/maskdiff.js eval --checkpoint "$2" --sequences 512 --steps $T --json --per-sequence > "$OUT/$1.T$T.eval.json"; done
}
for seed in $SEEDS; do
  for m in md4 genmd4; do
    cfg $m-s$seed "{\"name\":\"$m\"}" $seed
    [ -d "$OUT/$m-s$seed" ] || node bin/maskdiff.js train --config "$OUT/$m-s$seed.json" --out "$OUT/$m-s$seed" --samples 3 --json > "$OUT/$m-s$seed.train.json"
    evaluate $m-s$seed "$(ls "$OUT/$m-s$seed"/ckpt-*.safetensors | tail -1)"
  done
  # equal wall-clock: GenMD4's checkpoint at the step where its time equals MD4's STEPS steps
  at=$(node -e 'console.log(String(Math.floor(+process.argv[1] / +process.argv[2] / 100) * 100).padStart(8, "0"))' "$STEPS" "$RATIO")
  evaluate genmd4-s$seed-wall "$OUT/genmd4-s$seed/ckpt-$at.safetensors"
  node bin/maskdiff.js plot-schedule --checkpoint "$(ls "$OUT/genmd4-s$seed"/ckpt-*.safetensors | tail -1)" --out "$OUT/genmd4-s$seed.schedule.svg" --json > "$OUT/genmd4-s$seed.exponents.json"
done
echo "results in $OUT"
