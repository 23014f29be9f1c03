#!/usr/bin/env bash
# Kills gatsbi outright (SIGKILL) at chosen points of train, sample and bench, N times per point, and after each
# kill checks that every finished output left behind is whole (a model that loads, CSV files of complete lines,
# PNG files with their end chunk) and that running the command again completes (with --overwrite where a
# finished output stands in its way). Prints a Markdown table: command, kill point, kills, kills that hit the
# point (rather than a step past it), kills that left every finished file intact, reruns that completed.
#
# A point is reached as in tests/Gatsbi.Tests/Cli/KillTests.cs, which makes each kill once as a test: gatsbi
# runs in small steps, frozen (SIGSTOP) in between, and is killed at the first pause at which the point holds.
#
# Usage: N=20 bench/kill_faults.sh   (N kills per point, default 20)
# GATSBI_CLI=path/to/gatsbi.dll uses that build of the CLI instead of building src/Gatsbi.Cli in Release.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20}

if [ -z "${GATSBI_CLI:-}" ]; then
  dotnet build src/Gatsbi.Cli -c Release -v quiet -nologo >/dev/null
  GATSBI_CLI=src/Gatsbi.Cli/bin/Release/net10.0/gatsbi.dll
fi
GATSBI_CLI=$(realpath "$GATSBI_CLI")
gatsbi() { dotnet "$GATSBI_CLI" "$@"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec {never}<> <(:) # a pipe nobody writes to: `read -t` on it sleeps for fractions of a millisecond without a process
coarse=0.01 fine=0.0002 samples=50000
observation=$work/observation.csv
printf 'data_1,data_2\n-0.68,0.02\n' > "$observation"

# The commands, for an output folder $1, into the array cmd.
train_command() { cmd=(train --task two_moons --simulations 200 --epochs 5 --out "$1"); }
sample_command() { cmd=(sample --model "$model" --observation "$observation" --n "$samples" --out "$1/samples.csv" --plot "$1/samples.png"); }
bench_command() {
  cmd=(bench --tasks two_moons --methods rej-abc --budgets 300 --observations 1-3 --posterior-samples 50 --no-pair-plots --out "$1")
}

# Stops process $1 and waits until all its threads have stopped; fails once it has ended.
freeze() {
  kill -STOP "$1" 2>/dev/null || return 1
  local stat line state busy alive
  while :; do
    busy=0 alive=0
    for stat in /proc/"$1"/task/*/stat; do
      { read -r line < "$stat"; } 2>/dev/null || continue
      state=${line##*) } state=${state%% *}
      case $state in
        T|t) alive=1 ;;
        Z|X) ;;
        *) alive=1 busy=1 ;;
      esac
    done
    [ "$alive" = 1 ] || return 1
    [ "$busy" = 1 ] || return 0
  done
}

# kill_at DIR POINT [CLOSE] [STEP]: runs "${cmd[@]}" and kills it at the first pause at which `POINT DIR` holds,
# stepping by STEP seconds (default $coarse), by $fine once `CLOSE DIR` holds. Fails if gatsbi ended first.
kill_at() {
  local dir=$1 point=$2 close=${3:-false} step=${4:-$coarse} pid killed=1
  dotnet "$GATSBI_CLI" "${cmd[@]}" > "$dir.out" 2> "$dir.err" < /dev/null & # not through gatsbi(): $! must be gatsbi itself
  pid=$!
  while freeze "$pid"; do
    if "$point" "$dir"; then
      kill -KILL "$pid"
      killed=0
      break
    fi
    if "$close" "$dir"; then step=$fine; fi
    kill -CONT "$pid"
    read -r -t "$step" -u "$never" || true
  done
  { wait "$pid"; } 2> /dev/null || true # without the shell's "Killed" notice
  return $killed
}

# Kill points and the checks that the kill hit them (after it), by output folder $1.
lock_written() { grep -qs started= "$1/gatsbi.lock"; }
training() { grep -qs 'train:' "$1.err"; }
trained() { grep -qs '^Trained' "$1.out"; }
model_temporary() { compgen -G "$1/.posterior.gatsbi.*.tmp" > /dev/null; }
model_written() { [ -f "$1/posterior.gatsbi" ]; }
no_model() { [ ! -f "$1/posterior.gatsbi" ]; }
no_log() { [ ! -f "$1/training_log.csv" ]; }
samples_temporary() { compgen -G "$1/.samples.csv.*.tmp" > /dev/null; }
samples_written() { [ -f "$1/samples.csv" ]; }
no_samples() { [ ! -f "$1/samples.csv" ]; }
no_plot() { [ ! -f "$1/samples.png" ]; }
rows() { [ -f "$1/results.csv" ] && echo $(($(wc -l < "$1/results.csv") - 1)) || echo 0; }
first_cell() { [ "$(rows "$1")" -ge 1 ]; }
unfinished_cells() { [ "$(rows "$1")" -lt 3 ]; }

# Whole: a CSV ends with a line end and every line has the header's number of fields; a PNG ends with IEND and
# its checksum; a model loads (gatsbi checks its SHA-256); anything else is not empty. Hidden temporary files and
# locks are not outputs.
whole() {
  local file
  while IFS= read -r -d '' file; do
    case $file in
      */.*|*.lock) continue ;;
      *.csv) [ -z "$(tail -c 1 "$file")" ] && awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$file" || return 1 ;;
      *.png) [ "$(tail -c 8 "$file" | head -c 4)" = IEND ] || return 1 ;;
      *.gatsbi) gatsbi sample --model "$file" --observation "$observation" --n 10 --out "$work/check.csv" --overwrite > /dev/null 2>&1 || return 1 ;;
      *) [ -s "$file" ] || return 1 ;;
    esac
  done < <(find "$1" -type f -print0 2>/dev/null)
}

# Complete: the command's outputs are all there (and whole, checked apart).
train_complete() { [ -f "$1/posterior.gatsbi" ] && [ -f "$1/training_log.csv" ] && [ -f "$1/training.png" ] && [ ! -e "$1/gatsbi.lock" ]; }
sample_complete() { [ -f "$1/samples.png" ] && [ "$(($(wc -l < "$1/samples.csv") - 1))" = "$samples" ]; }
bench_complete() {
  [ -f "$1/summary.md" ] && [ "$(rows "$1")" = 3 ] && [ "$(cut -d, -f5 "$1/results.csv" | tail -n +2 | sort | tr '\n' ' ')" = "1 2 3 " ]
}

# Whether a rerun of command $1 on folder $2 needs --overwrite: a finished output of a command that does not resume.
needs_overwrite() {
  case $1 in
    train) [ -f "$2/posterior.gatsbi" ] || [ -f "$2/training_log.csv" ] || [ -f "$2/training.png" ] ;;
    sample) [ -f "$2/samples.csv" ] || [ -f "$2/samples.png" ] ;;
    *) false ;;
  esac
}

echo "| command | kill point | kills | hit the point | finished files intact | reruns completed |"
echo "|---|---|---|---|---|---|"
# measure COMMAND "POINT NAME" POINT LANDED [CLOSE] [STEP]
measure() {
  local command=$1 name=$2 point=$3 landed=$4 close=${5:-false} step=${6:-$coarse}
  local i dir kills=0 hits=0 intact=0 completed=0
  for i in $(seq 1 "$N"); do
    dir=$work/$command-$point-$i
    "${command}_command" "$dir"
    kill_at "$dir" "$point" "$close" "$step" || continue
    kills=$((kills + 1))
    if "$landed" "$dir"; then hits=$((hits + 1)); fi
    if whole "$dir"; then intact=$((intact + 1)); fi
    if needs_overwrite "$command" "$dir"; then cmd+=(--overwrite); fi
    if gatsbi "${cmd[@]}" > "$dir.rerun" 2>&1 && "${command}_complete" "$dir" && whole "$dir"; then completed=$((completed + 1)); fi
    rm -rf "$dir"
  done
  echo "| $command | $name | $kills | $hits | $intact | $completed |"
}

measure train "after claiming the folder" lock_written no_model
measure train "while training" training no_model
measure train "while writing the model" model_temporary model_temporary trained
measure train "between the model and its log" model_written no_log trained

model=$work/model/posterior.gatsbi
gatsbi train --task two_moons --simulations 200 --epochs 5 --out "$work/model" > /dev/null 2>&1
measure sample "while writing the samples" samples_temporary samples_temporary false 0.001
measure sample "between the samples and the plot" samples_written no_plot false 0.001

measure bench "after the first cell" first_cell unfinished_cells
