#!/usr/bin/env bash
# Measures each departure of the Fast preset from the published configuration by undoing it alone:
# two_moons, 10,000 simulations, seed 1, mean C2ST over observations 1-3. Release build.
#   bash bench/fast_preset_ablation.sh [observations]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/Gatsbi.Bench >/dev/null
obs=${1:-1,2,3}
# The Fast preset as it stood for this ablation (before the design study of docs/study.md).
base="dgain=1 epochs=6000 ensemble=1"
run() {
  echo "== $*"
  dotnet bench/Gatsbi.Bench/bin/Release/net10.0/Gatsbi.Bench.dll gatsbi-c2st observations="$obs" $base "$@" | grep -E "^trained|^mean"
}
run                                  # the Fast preset itself
run loss=CrossEntropy                # published saturating generator loss
run leakyout=true                    # published LeakyReLU on the generator output
run standardize=false                # raw inputs, as published
run schedule=Constant                # no learning-rate decay
run dsteps=10                        # published 10 discriminator steps per generator step
run sn=false                         # no spectral normalisation
run noise=3                          # noise injected after the last hidden layer instead of the first
run dunits=512,512,512               # a wider discriminator
run epochs=3000                      # half the epochs
run epochs=12000                     # twice the epochs
