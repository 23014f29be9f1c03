#!/usr/bin/env bash
# NPE training time per benchmark cell (docs/baselines.md): trains sbibm's NPE with `gatsbi train --method npe`
# on TASK at each BUDGET, RUNS times with different seeds, with THREADS TorchSharp threads, and prints the
# median wall time of training as the CLI reports it (simulation and file output excluded).
#   bash bench/npe_training_time.sh "two_moons slcp" "1000 10000" 3 1
# Run it on an otherwise idle machine: training time scales with the free cores.
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=${1:-"two_moons slcp"}; budgets=${2:-"1000 10000"}; runs=${3:-3}; threads=${4:-1}
dotnet build -c Release src/Gatsbi.Cli >/dev/null
cli=src/Gatsbi.Cli/bin/Release/net10.0/gatsbi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "task,simulations,threads,runs,median_seconds,median_epochs,seconds_per_run"
for task in $tasks; do
  for budget in $budgets; do
    times=(); epochs=()
    for seed in $(seq 1 "$runs"); do
      line=$("$cli" train --method npe --task "$task" --simulations "$budget" --seed "$seed" --threads "$threads" --out "$out/$task-$budget-$seed" | grep '^Trained')
      # "Trained 759 epochs in 137.2 s (1 thread(s)); ..."
      epochs+=("$(echo "$line" | awk '{print $2}')"); times+=("$(echo "$line" | awk '{print $5}')")
    done
    median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
    echo "$task,$budget,$threads,$runs,$(median "${times[@]}"),$(median "${epochs[@]}"),$(IFS=' '; echo "${times[*]}")"
  done
done
