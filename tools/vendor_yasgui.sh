#!/bin/sh
# Vendor YASGUI (npm @zazuko/yasgui, the maintained fork) into the package's static files:
# npm installs it in a scratch directory outside the repository; its built bundle and stylesheet
# are copied to service/peersupport/web/static/yasgui/ with the licences of what the bundle holds.
# Usage: tools/vendor_yasgui.sh [VERSION]   (make yasgui YASGUI_VERSION=...)
set -eu
VERSION="${1:-4.6.2}"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="$HERE/service/peersupport/web/static/yasgui"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts "@zazuko/yasgui@$VERSION" >/dev/null
BUILD="node_modules/@zazuko/yasgui/build"
mkdir -p "$TARGET"
cp "$BUILD/yasgui.min.js" "$BUILD/yasgui.min.css" "$TARGET/"
# The source maps are not shipped: drop the comments that point to them.
sed -i '/sourceMappingURL=/d' "$TARGET/yasgui.min.js" "$TARGET/yasgui.min.css"
# The npm package declares "license": "MIT" but ships no licence file: the MIT text is written
# here, followed by the licence of every package npm installed with it (the bundle holds them).
{
  printf 'YASGUI %s (npm @zazuko/yasgui), https://github.com/rdfjs/Yasgui\n' "$VERSION"
  printf 'License: MIT (as declared in its package.json). Authors: Triply <info@triply.cc>, Zazuko GmbH.\n\n'
  cat "$HERE/tools/MIT.txt"
  for licence in $(find node_modules -mindepth 2 -maxdepth 3 -iname 'licen[cs]e*' | sort); do
    printf '\n\n==== %s ====\n\n' "$(dirname "${licence#node_modules/}")"
    cat "$licence"
  done
} > "$TARGET/LICENSE"
sed -i "s/^Version: .*/Version: $VERSION/" "$TARGET/README.md" 2>/dev/null || true
echo "YASGUI $VERSION vendored in $TARGET"
