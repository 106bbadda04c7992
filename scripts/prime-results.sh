#!/usr/bin/env bash
# Produces the numbers of docs/results/prime.md: MDM-Prime ℓ = 1..4 on the built-in English corpus (same DiT,
# equal steps) and Prime ℓ = 2, 4 against MD4 on the HMM oracle (oracle NLL, trigram KL and idle steps over T).
# Usage: bash scripts/prime-results.sh [STEPS] [HMM_STEPS]   (defaults 1500 and 1000; about an hour on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-1500}
HMM_STEPS=${2:-800}
OUT=runs/prime-results
mkdir -p "$OUT"
cfg() { # cfg NAME BASE METHOD_JSON STEPS BATCH
  node -e '
    const [base, method, steps, batch, d] = process.argv.slice(1);
    const c = JSON.parse(require("fs").readFileSync(base, "utf8"));
    c.method = JSON.parse(method); c.model.d = Number(d);
    Object.assign(c.train, { steps: Number(steps), batch: Number(batch), evalEvery: Number(steps), checkpointEvery: Number(steps), evalSequences: 256 });
    process.stdout.write(JSON.stringify(c));' "$2" "$3" "$4" "$5" "$6" > "$OUT/$1.json"
}
# ratio of a Prime ℓ train step to an MD4 step of the same DiT, from one `npm run bench -- prime` run
# (ℓ = 3 is not in the bench: the mean of ℓ = 2 and 4 is used)
declare -A RATIO=([2]=1.088 [3]=1.099 [4]=1.109)
run() { # run NAME ELL STEPS: train (unless done; a checkpoint every 100 steps) and evaluate every bound, T-step with T = 256
  cfg $1 configs/prime-fortunes.json "{\"name\":\"prime\",\"ell\":$2}" "$3" 32 96
  node -e 'const f=process.argv[1];const c=JSON.parse(require("fs").readFileSync(f,"utf8"));Object.assign(c.train,{checkpointEvery:100,keepCheckpoints:20});require("fs").writeFileSync(f,JSON.stringify(c))' "$OUT/$1.json"
  [ -d "$OUT/$1" ] || node bin/maskdiff.js train --config "$OUT/$1.json" --out "$OUT/$1" --samples 3 --json > "$OUT/$1.train.json"
  node bin/maskdiff.js eval --checkpoint "$(ls "$OUT/$1"/ckpt-*.safetensors | tail -1)" --sequences 512 --steps 256 --json > "$OUT/$1.eval.json"
}
while pgrep -f "fortunes-l1.json" > /dev/null; do sleep 10; done   # a run of an earlier invocation still going
for ell in 1 2 3 4; do run fortunes-l$ell $ell "$STEPS"; done
# equal wall-clock: the checkpoint of each ℓ > 1 run at the step where its time equals ℓ = 1's STEPS steps
for ell in 2 3 4; do
  at=$(node -e 'console.log(String(Math.floor(+process.argv[1] / +process.argv[2] / 100) * 100).padStart(8, "0"))' "$STEPS" "${RATIO[$ell]}")
  node bin/maskdiff.js eval --checkpoint "$OUT/fortunes-l$ell/ckpt-$at.safetensors" --sequences 512 --steps 256 --json > "$OUT/fortunes-l$ell-wall.eval.json"
done
for m in md4 prime2 prime4; do
  case $m in md4) method='{"name":"md4"}';; prime2) method='{"name":"prime","ell":2}';; prime4) method='{"name":"prime","ell":4}';; esac
  cfg hmm-$m configs/prime-hmm.json "$method" "$HMM_STEPS" 64 128
  [ -d "$OUT/hmm-$m" ] || node bin/maskdiff.js train --config "$OUT/hmm-$m.json" --out "$OUT/hmm-$m" --samples 0 --json > "$OUT/hmm-$m.train.json"
  ck=$(ls "$OUT/hmm-$m"/ckpt-*.safetensors | tail -1)
  node bin/maskdiff.js eval-samplers --checkpoint "$ck" --samplers ancestral --steps L/4,L/2,L,2L,4L -n 128 --json > "$OUT/hmm-$m.samplers.jsonl"
done
echo "results in $OUT"
