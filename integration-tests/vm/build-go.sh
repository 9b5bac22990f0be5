#!/usr/bin/env bash
# Builds the Go programs the VM proofs run in the guest (LivingWithinLimitsIT): the load generator
# (vm/loadgen) and bench/go-greeter, the Go peer of examples/greeter. Static (CGO_ENABLED=0) because
# the guest has no Go; stdlib only (GO111MODULE=off) because the build has no network.
#   build-go.sh OUT_DIR
# Debian's golang-go comes from prereqs.sh (group vm). Reproducible: -trimpath, no build id.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: build-go.sh OUT_DIR}
mkdir -p "$out"
export GOCACHE=$out/gocache GO111MODULE=off CGO_ENABLED=0 GOFLAGS=-trimpath
for prog in "loadgen:$here/loadgen/main.go" "go-greeter:$here/../../bench/go-greeter/main.go"; do
  go build -ldflags=-buildid= -o "$out/${prog%%:*}" "${prog#*:}"
done
echo "build-go: $(cd "$out" && ls loadgen go-greeter | tr '\n' ' ')in [$out] with $(go version)"
