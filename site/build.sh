#!/usr/bin/env bash
# Builds the API reference site into out/site: the XML documentation of the library packages as the API
# pages, the README as the home page and docs/ as the guide. docfx is a local .NET tool (.config/dotnet-tools.json).
# Look at it with any static file server, e.g. `python3 -m http.server -d out/site`.
set -euo pipefail
cd "$(dirname "$0")"
# The README and docs/ are staged here (git-ignored) so that their relative links resolve as on GitHub.
cp ../README.md index.md
find docs -mindepth 1 ! -name toc.yml -delete 2>/dev/null || true
(cd ../docs && find . -name '*.md' -o -name '*.png') | while read -r f; do
  mkdir -p "docs/$(dirname "$f")" && cp "../docs/$f" "docs/$f"
done
dotnet tool restore >/dev/null
dotnet docfx docfx.json "$@"
echo "site: $(cd .. && pwd)/out/site/index.html"
