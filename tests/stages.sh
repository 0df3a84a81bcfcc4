#!/usr/bin/env bash
# make test's stages, each timed, with a table of their times at the end (also when one fails),
# so that growth shows. The Molecule scenarios mostly wait on their containers, so on this
# 2-core machine two run at once: the integration tests and the first ones in line (their output
# as it comes), and beside them the static checks (the current ansible-core's units, both sanity
# runs, ansible-lint, the build check) then another scenario, their output kept in a log printed
# when they end.
# Usage (from make test, after deps and both venvs): tests/stages.sh
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
out=tests/output/stages
rm -rf "$out" && mkdir -p "$out"
started=$SECONDS

# stage NAME MAKE-ARGS...: runs `make MAKE-ARGS` and adds "NAME SECONDS ok|FAILED WHERE" to
# $out/times as it ends (WHERE: in line, or beside the scenarios).
where="in line"
stage() {
  local name=$1 start=$SECONDS result=ok
  shift
  echo "== stage $name: make $*"
  make --no-print-directory "$@" || result=FAILED
  echo "$name $((SECONDS - start)) $result $where" >>"$out/times"
  [ "$result" = ok ]
}

# The scenarios in two lanes side by side (each has its own hosts, underlay and volumes), then
# live alone: its propagation limits are timed.
# SCENARIOS="default live" (make test SCENARIOS=...): only those, one after the other.
if [ -n "${SCENARIOS:-}" ]; then
  lane_in_line=$SCENARIOS lane_beside="" lane_last=""
else
  lane_in_line="default takeover" lane_beside="daytwo" lane_last="live"
fi

run_lane() {
  local scenario
  for scenario in "$@"; do
    stage "molecule-$scenario" molecule MOLECULE_SCENARIOS="$scenario" || return 1
  done
}

beside() {
  local failed=0 where="beside"
  for name in units-current sanity sanity-current lint build-check; do
    stage "$name" "$name" || failed=1
  done
  # shellcheck disable=SC2086 # a list of scenario names
  run_lane $lane_beside || failed=1
  return $failed
}

# The static checks start beside the integration tests (no Molecule scenario runs yet then), so
# that both lanes end about together.
failed=0
stage units units && stage units-unprivileged units-unprivileged && stage image image || failed=1
if [ $failed = 0 ]; then
  beside >"$out/beside.log" 2>&1 &
  beside_pid=$!
  # shellcheck disable=SC2086
  { stage integration integration && run_lane $lane_in_line; } || failed=1
  wait "$beside_pid" || failed=1
  echo "== what ran beside ($out/beside.log):"
  cat "$out/beside.log"
  # shellcheck disable=SC2086
  [ $failed = 1 ] || run_lane $lane_last || failed=1
fi

echo
echo "== make test: stage times"
printf "%-22s %8s  %-7s %s\n" stage seconds result ran
while read -r name seconds result ran; do
  printf "%-22s %8d  %-7s %s\n" "$name" "$seconds" "$result" "$ran"
done <"$out/times"
printf "%-22s %8d  %-7s %s\n" "total" "$((SECONDS - started))" "$([ $failed = 0 ] && echo ok || echo FAILED)" \
  "wall clock, after the Debian packages and the venvs"
exit $failed
