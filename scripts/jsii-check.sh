#!/usr/bin/env bash
# Compiles the library (constructs/ only: no bin/, lib/, test/, no handler sources) with jsii, so the
# public API stays publishable for Python, Java and .NET. Works in a temporary copy; changes nothing here.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the library sources, without handler code (bundled separately, not part of the API)
(cd "$root" && find constructs \( -name '*.ts' -o -name '*.json' \) ! -path '*/handlers/*' ! -name '*.d.ts' -print0 | xargs -0 -I{} cp --parents {} "$work/")
ln -s "$root/node_modules" "$work/node_modules"
node -e '
const fs = require("fs");
const root = require(process.argv[1] + "/package.json");
const pkg = {
  name: root.name, version: root.version, description: root.description, license: root.license,
  author: root.author, repository: root.repository,
  main: "constructs/index.js", types: "constructs/index.d.ts",
  peerDependencies: { "aws-cdk-lib": "^" + root.dependencies["aws-cdk-lib"], constructs: "^" + root.dependencies.constructs },
  devDependencies: { "aws-cdk-lib": root.dependencies["aws-cdk-lib"], constructs: root.dependencies.constructs },
  dependencies: { "cdk-nag": root.dependencies["cdk-nag"] },
  bundledDependencies: [],
  jsii: {
    outdir: "dist",
    versionFormat: "full",
    targets: {
      python: { distName: "sagemaker-lifecycle-constructs", module: "sagemaker_lifecycle_constructs" },
      java: { package: "io.github.sagemakerlifecycle.constructs", maven: { groupId: "io.github.sagemakerlifecycle", artifactId: "constructs" } },
      dotnet: { namespace: "SageMakerLifecycle.Constructs", packageId: "SageMakerLifecycle.Constructs" },
    },
  },
};
fs.writeFileSync(process.argv[2] + "/package.json", JSON.stringify(pkg, null, 2));
' "$root" "$work"
cp "$root/README.md" "$work/README.md"
cd "$work"
"$root/node_modules/.bin/jsii" --silence-warnings=reserved-word --fail-on-warnings 2>&1 | grep -v "^!!" || true
test -f .jsii
echo "jsii: constructs/ compiles for Python, Java and .NET"
