#!/usr/bin/env bash
# End to end with an external simulator: simulate to files with simulator.py, train GATSBI from the
# files, then draw posterior samples for an observation. Takes a minute or two on two cores.
#
#   examples/external-simulator/run.sh [OUTPUT_FOLDER]
#
# Uses the gatsbi executable named by $GATSBI if set, else builds the CLI from this repository.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$here/output}"
mkdir -p "$out"

if [ -z "${GATSBI:-}" ]; then
  dotnet build "$repo/src/Gatsbi.Cli" -c Release -v quiet -nologo
  GATSBI="$repo/src/Gatsbi.Cli/bin/Release/net10.0/gatsbi"
fi

# 1. Simulate: θ from the uniform prior on [-1, 1]², x from simulator.py run as worker processes.
#    If this is interrupted, the same command with --resume instead of --overwrite continues it.
"$GATSBI" simulate \
  --command "python3 '$here/simulator.py'" --protocol line \
  --parameters 2 --data 2 --prior-low -1 -1 --prior-high 1 1 \
  --count 5000 --seed 1 \
  --theta-out "$out/theta.npy" --x-out "$out/x.npy" --overwrite

# 2. Train GATSBI from the files (the Fast preset, few epochs: a quick demonstration, not a good posterior).
"$GATSBI" train \
  --theta "$out/theta.npy" --x "$out/x.npy" --prior-low -1 -1 --prior-high 1 1 \
  --preset fast --epochs 500 --seed 1 --out "$out/model"

# 3. Sample the posterior for an observation (two_moons' observation 1).
printf 'data_1,data_2\n-0.6396706,0.16234657\n' > "$out/observation.csv"
"$GATSBI" sample \
  --model "$out/model/posterior.gatsbi" --observation "$out/observation.csv" \
  --n 1000 --seed 1 --out "$out/samples.csv" --plot "$out/samples.png"
