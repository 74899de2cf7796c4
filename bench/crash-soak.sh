#!/usr/bin/env bash
# The long variant of the crash tests (docs/performance.md, "Crash and fault tests"): kill -9
# during bursts of concurrent commands, more rounds and larger bursts than the suite's quick
# run, then the other fault tests once. Usage: bench/crash-soak.sh [rounds] [burst]
# (defaults 30 and 2000). Set MONGODB_URL to keep read models in MongoDB/FerretDB.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-30}
burst=${2:-2000}
CRASH_ROUNDS=$rounds CRASH_BURST=$burst npm test -- test/crash/kill-during-burst.crash.spec.ts
for _ in 1 2 3; do npm test -- test/crash/projection-crash.crash.spec.ts test/crash/disk-full.crash.spec.ts test/crash/ferretdb-killed.crash.spec.ts; done
