#!/usr/bin/env bash
# Runs the whole test suite once per CPU code path, to show that no test depends on the rounding of one
# machine. Each path caps what the three numeric engines may use, as a machine with fewer instruction-set
# extensions would:
#   native   GATSBI_CPU_NUMERICS=per-machine: libtorch, MKL and the .NET JIT use the best the CPU offers
#            (AVX-512 where present) instead of the AVX2 kernels the library pins by default.
#   avx2     ATEN_CPU_CAPABILITY=avx2 (libtorch's vectorised kernels), MKL_CBWR=AVX2 (MKL's code path
#            and its conditional numerical reproducibility), DOTNET_EnableAVX512=0 (the JIT's AVX-512 paths off; the
#            intrinsics of our simulators, FFT and metrics use AVX2 at most).
#   baseline ATEN_CPU_CAPABILITY=default (scalar ATen kernels), MKL_CBWR=COMPATIBLE (MKL's SSE2 path),
#            DOTNET_EnableAVX=0 (the JIT emits SSE only, Vector<T> is 128 bits).
# Usage: bench/cpu_code_paths.sh [PATH_NAME ...]   (default: all three); results in out/cpu-code-paths/.
# Not part of CI: three full runs take about three times the suite's time.
set -uo pipefail
cd "$(dirname "$0")/.."

declare -A settings=(
  [native]="GATSBI_CPU_NUMERICS=per-machine"
  [avx2]="ATEN_CPU_CAPABILITY=avx2 MKL_CBWR=AVX2 DOTNET_EnableAVX512=0"
  [baseline]="ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE DOTNET_EnableAVX=0"
)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(native avx2 baseline)

out=out/cpu-code-paths
mkdir -p "$out"
dotnet build Gatsbi.slnx -c Release -v quiet -nologo >/dev/null || { echo "error: the build failed" >&2; exit 1; }

summary="$out/summary.md"
[ -f "$summary" ] || printf '| code path | settings | passed | failed | wall time (s) |\n|---|---|---:|---:|---:|\n' > "$summary"
status=0
for name in "${names[@]}"; do
  if [ -z "${settings[$name]+set}" ]; then echo "error: unknown code path '$name' (native, avx2, baseline)" >&2; exit 2; fi
  log="$out/$name.log"
  start=$(date +%s)
  # shellcheck disable=SC2086 # the settings are KEY=VALUE words for env
  env ${settings[$name]} dotnet test Gatsbi.slnx -c Release --no-build > "$log" 2>&1
  rc=$?
  seconds=$(( $(date +%s) - start ))
  passed=$(grep -oE "Passed: +[0-9]+" "$log" | awk '{ s += $NF } END { print s + 0 }')
  failed=$(grep -oE "Failed: +[0-9]+" "$log" | awk '{ s += $NF } END { print s + 0 }')
  printf '| %s | `%s` | %s | %s | %s |\n' "$name" "${settings[$name]:-(none)}" "$passed" "$failed" "$seconds" >> "$summary"
  echo "$name: $passed passed, $failed failed, ${seconds} s (log: $log)"
  grep -E "^\s+Failed Gatsbi" "$log" || true
  [ "$rc" -eq 0 ] || status=1
done
exit "$status"
