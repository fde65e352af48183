#!/usr/bin/env bash
# Generates the Python bindings from the .jsii assembly with jsii-pacmak (--code-only) and compiles
# every generated module. Building the wheel is not possible offline here: jsii-pacmak installs
# setuptools~=75.3.2, build~=1.5.0 and twine~=7.0.0 from PyPI into a virtualenv first.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="$(node -p 'process.versions.node.split(".")[0]')" \
  npx jsii-pacmak --targets python --code-only --outdir "$out" 2>&1 | grep -v '^!!' || true
pkg="$out/python/src/sagemaker_lifecycle_constructs"
test -f "$pkg/__init__.py" || { echo "python-bindings: jsii-pacmak generated no package"; exit 1; }
python3 -m compileall -q "$pkg" >/dev/null
classes=$(grep -c '^class ' "$pkg/__init__.py")
echo "python-bindings: sagemaker_lifecycle_constructs generated and compiled ($classes classes)"
