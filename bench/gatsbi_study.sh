#!/usr/bin/env bash
# The GATSBI design study (docs/study.md): trains each variant of bench/study/variants.txt once and scores
# it by C2ST on observations 1-10, appending to docs/study/results.csv. Resumable: a variant already in
# the file is skipped. One training thread and one C2ST thread, so two tasks can run side by side:
#   bash bench/gatsbi_study.sh two_moons 10000 &  bash bench/gatsbi_study.sh slcp 10000
# Extra key=value arguments apply to every variant (e.g. samples=10000 for full-size C2ST); a variant
# label after -- runs that variant only: bash bench/gatsbi_study.sh slcp 10000 -- d-gain-10
set -euo pipefail
cd "$(dirname "$0")/.."
task=${1:?task}; simulations=${2:?simulations}; shift 2
extra=(); only=""
while [ $# -gt 0 ]; do if [ "$1" = "--" ]; then only=${2:-}; break; fi; extra+=("$1"); shift; done
# The baseline every variant departs from: the Fast preset as it stood before the study.
base="dgain=1 epochs=6000 ensemble=1"
dll=${GATSBI_BENCH_DLL:-bench/Gatsbi.Bench/bin/Release/net10.0/Gatsbi.Bench.dll}
[ -n "${GATSBI_BENCH_DLL:-}" ] || dotnet build -c Release bench/Gatsbi.Bench >/dev/null
out=${GATSBI_STUDY_OUT:-docs/study/results.csv}
mkdir -p "$(dirname "$out")"
grep -v '^\s*#' bench/study/variants.txt | grep -v '^\s*$' | while read -r label settings; do
  [ -z "$only" ] || [ "$only" = "$label" ] || continue
  # shellcheck disable=SC2086
  dotnet "$dll" gatsbi-c2st task="$task" simulations="$simulations" seed=1 observations=1,2,3,4,5,6,7,8,9,10 \
    samples=2000 threads=1 c2st-threads=1 label="$label" out="$out" $base $settings "${extra[@]}" | grep -E "^trained|^mean|skipped"
done
