#!/usr/bin/env bash
# Builds the API reference site into out/site: the XML documentation of the library packages as the API
# pages, the README as the home page and docs/ as the guide. docfx is a local .NET tool (.config/dotnet-tools.json).
# Look at it with any static file server, e.g. `python3 -m http.server -d out/site`.
set -euo pipefail
cd "$(dirname "$0")"
cp ../README.md index.md
dotnet tool restore >/dev/null
dotnet docfx docfx.json "$@"
echo "site: $(cd .. && pwd)/out/site/index.html"
