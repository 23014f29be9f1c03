#!/usr/bin/env bash
# Consumer test: packs the library packages and the gatsbi tool into a local folder feed, then uses them as a
# user outside this repository would. (1) tests/PackageConsumer builds the README's library example against
# the packed Gatsbi.Core (not project references) and runs it; (2) the packed tool is installed with
# `dotnet tool install` and runs `gatsbi --version`, `gatsbi tasks` and a tiny `gatsbi demo`.
# A unique prerelease version keeps NuGet's cache from serving an older pack; it is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

version="0.1.0-ci.$(date +%s)"
work=$(mktemp -d)
feed="$work/feed"
cleanup() {
  rm -rf "$work"
  for id in gatsbi.core gatsbi.benchmarks gatsbi.plotting gatsbi.cli gatsbi.cli.linux-x64; do
    rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/$id/$version"
  done
}
trap cleanup EXIT

echo "== dotnet pack ($version)"
dotnet pack Gatsbi.slnx -c Release -o "$feed" -p:Version="$version" -nologo -v quiet
for f in "$feed"/*.nupkg "$feed"/*.snupkg; do
  awk -v size="$(stat -c %s "$f")" -v name="$(basename "$f")" 'BEGIN { printf "%8.1f MB  %s\n", size / 1048576, name }'
done

echo "== the README's library example against the packed Gatsbi.Core"
consumer="$work/consumer"
cp -r tests/PackageConsumer "$consumer"
# The README's C# block, verbatim but for a smaller epoch budget, followed by checks of what it claims.
sed -n '/^## Library example/,/^## Command line/p' README.md | sed -n '/^```csharp$/,/^```$/p' | sed '1d;$d' \
  | sed 's/GatsbiOptions.Fast()/GatsbiOptions.Fast() with { MaxEpochs = 200 }/' > "$consumer/Program.cs"
grep -q 'MaxEpochs = 200' "$consumer/Program.cs" || { echo "error: the README's library example no longer calls GatsbiOptions.Fast()" >&2; exit 1; }
cat >> "$consumer/Program.cs" <<'CHECKS'

// Checks added by .ci/consumer-test.sh.
{
    if (samples.Count == 0) throw new InvalidOperationException("the posterior gave no samples");
    var again = reloaded.Posterior.Sample([0.4f, -0.1f], count: 100, seed: 7).Samples;
    var first = posterior.Sample([0.4f, -0.1f], count: 100, seed: 7).Samples;
    if (!again.Cast<float>().SequenceEqual(first.Cast<float>())) throw new InvalidOperationException("the reloaded model samples differently");
    Console.WriteLine("consumer checks passed");
}
CHECKS
(cd "$consumer" && dotnet run -c Release -p:GatsbiVersion="$version" -p:RestoreAdditionalProjectSources="$feed" -nologo)

echo "== dotnet tool install Gatsbi.Cli"
tools="$work/tools"
dotnet tool install Gatsbi.Cli --version "$version" --tool-path "$tools" --add-source "$feed"
"$tools/gatsbi" --version
"$tools/gatsbi" tasks | head -5
"$tools/gatsbi" demo --simulations 1000 --epochs 100 --out "$work/demo"
test -s "$work/demo/posterior.gatsbi" && test -s "$work/demo/samples.csv" && test -s "$work/demo/pairplot.png"
echo "consumer test passed"
