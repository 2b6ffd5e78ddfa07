#!/usr/bin/env bash
# Installs dependencies and builds everything (TypeScript, web UI). Needs only Node.js 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
npm run build
