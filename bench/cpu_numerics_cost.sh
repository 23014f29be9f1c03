#!/usr/bin/env bash
# What pinning the CPU kernels costs (GATSBI_CPU_NUMERICS, docs/performance.md "Reproducibility"): GATSBI `Fast`
# training speed on two_moons (10,000 simulations, one thread) with the kernels pinned (across-cpus) and chosen per
# machine, in alternating runs of the epoch-speed harness so that a change in machine load hits both modes alike.
# Prints each run's median epochs/s, then the median per mode and their ratio.
# Usage: bench/cpu_numerics_cost.sh [ROUNDS] [EPOCHS]   (default 5 rounds of 300 epochs)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
epochs=${2:-300}
dotnet build bench/Gatsbi.Bench -c Release -v quiet -nologo >/dev/null
bench="dotnet bench/Gatsbi.Bench/bin/Release/net10.0/Gatsbi.Bench.dll epoch-speed preset=fast epochs=$epochs repeats=3 threads-list=1"
declare -A rates
for r in $(seq 1 "$rounds"); do
  for mode in across-cpus per-machine; do
    rate=$(GATSBI_CPU_NUMERICS=$mode $bench | sed -n 's/^threads=1: median \([0-9.]*\) epochs.*/\1/p')
    echo "round $r $mode: $rate epochs/s"
    rates[$mode]+="$rate "
  done
done
python3 - "${rates[across-cpus]}" "${rates[per-machine]}" <<'PY'
import statistics, sys
pinned, native = (statistics.median(map(float, a.split())) for a in sys.argv[1:3])
print(f"median epochs/s: across-cpus {pinned:.2f}, per-machine {native:.2f}; across-cpus takes {native / pinned:.2f}x the time")
PY
