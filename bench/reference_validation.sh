#!/usr/bin/env bash
# Validates `gatsbi references` on tasks whose sbibm reference posteriors are bundled: generates references for
# observations 1-10 from each task's exact likelihood, then scores them by C2ST against the bundled ones. Writes
# docs/benchmarks/references/validation.csv (one row per task and observation, with the run's cost from its
# provenance file) and keeps the provenance files beside it; the samples themselves stay in out/references/.
# Resumable: finished observations are skipped by the generator and rows already in the table are kept.
# Usage: bench/reference_validation.sh [TASK ...]   (default: two_moons gaussian_linear bernoulli_glm slcp)
# GATSBI_CLI=path/to/gatsbi.dll uses that build of the CLI instead of building src/Gatsbi.Cli in Release.
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=("$@")
[ ${#tasks[@]} -eq 0 ] && tasks=(two_moons gaussian_linear bernoulli_glm slcp)

if [ -z "${GATSBI_CLI:-}" ]; then
  dotnet build src/Gatsbi.Cli -c Release -v quiet -nologo >/dev/null
  GATSBI_CLI=src/Gatsbi.Cli/bin/Release/net10.0/gatsbi.dll
fi
gatsbi="dotnet $GATSBI_CLI"
samples=out/references
docs=docs/benchmarks/references
table=$docs/validation.csv
mkdir -p "$docs"
[ -f "$table" ] || echo "task,observation,c2st,acceptance_rate,restarts,chains_kept,likelihood_evaluations,mcmc_seconds,flow_seconds,search_seconds,rejection_seconds,total_seconds" > "$table"

for task in "${tasks[@]}"; do
  $gatsbi references --task "$task" --observation 1-10 --out "$samples"
  for k in $(seq 1 10); do
    grep -q "^$task,$k," "$table" && continue
    folder="$samples/$task/num_observation_$k"
    c2st=$($gatsbi c2st --task "$task" --observation "$k" "$folder/reference_posterior_samples.csv.gz" | sed -n 's/^C2ST = \([0-9.]*\).*/\1/p')
    mkdir -p "$docs/$task/num_observation_$k"
    cp "$folder/reference_provenance.json" "$docs/$task/num_observation_$k/"
    python3 - "$folder/reference_provenance.json" "$task" "$k" "$c2st" >> "$table" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
fields = [p["acceptanceRate"], p["restarts"], p["chainsKept"], p["likelihoodEvaluations"],
          p["mcmcSeconds"], p["flowSeconds"], p["searchSeconds"], p["rejectionSeconds"], p["totalSeconds"]]
print(",".join([sys.argv[2], sys.argv[3], sys.argv[4]] + [f"{v:.6g}" if isinstance(v, float) else str(v) for v in fields]))
PY
  done
done
column -s, -t < "$table"
