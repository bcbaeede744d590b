#!/usr/bin/env bash
# Rank robustness (1,000 Monte Carlo draws over the weights + leave-one-out, commune level of
# a France-sized synthetic dataset: 50,000 base units, 35,000 communes, 14 indicators):
# ifn-core against a vectorised numpy implementation of the same computation, on the same
# input, in one run. Prints both times, the ratio and how far the outputs agree.
#
#   benches/analysis/run.sh            # needs cargo and python3 with numpy
#   DRAWS=200 RUNS=1 benches/analysis/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/ifn-bench-analysis}
export IFN_BENCH_OUT=$OUT IFN_BENCH_DRAWS=${DRAWS:-1000} IFN_BENCH_RUNS=${RUNS:-3}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
rust=$(cargo bench -q -p ifn-core --bench robustness_numpy 2>/dev/null)
echo "$rust" | grep -v '^RUST_SECONDS='
py=$(python3 benches/analysis/robustness.py "$OUT" "${RUNS:-3}")
echo "$py" | grep -v '^NUMPY_SECONDS='
r=$(echo "$rust" | sed -n 's/^RUST_SECONDS=//p')
p=$(echo "$py" | sed -n 's/^NUMPY_SECONDS=//p')
python3 -c "print(f'ratio numpy / ifn-core (best runs): {$p / $r:.1f}x')"
