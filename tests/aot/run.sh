#!/usr/bin/env bash
# Native AOT test: publishes samples/AotConsole with native AOT (`dotnet publish -c Release -r linux-x64`; a trimming or
# AOT warning fails the publish), starts the emulator built from this repository on free ports, runs the native binary
# against it (the Firebase store and Ably channels through DI, source-generated JSON only) and checks its lines.
# Prints "aot: N passed, N failed"; exits non-zero on failure. Native AOT needs clang and zlib1g-dev (.ci/run installs them).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d)"
# shellcheck source=../lib/emulator.sh
source "$root/tests/lib/emulator.sh"
cleanup() {
  emulator_stop
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "aot test FAILED: $*" >&2; echo "aot: 0 passed, 1 failed"; exit 1; }

# 1. Publish natively. Warnings are errors (the project says so to the analyzers and to the AOT compiler); the count of
#    warning lines is printed as well, so that a report can quote it.
start=$(date +%s)
dotnet publish "$root/samples/AotConsole" -c Release -r linux-x64 -o "$work/publish" -nologo -v:m > "$work/publish.log" 2>&1 \
  || { cat "$work/publish.log" >&2; fail "dotnet publish (native AOT)"; }
warnings=$( (grep -E 'warning [A-Z]+[0-9]+:' "$work/publish.log" || true) | sort -u | wc -l)
binary="$work/publish/AotConsole"
[ -x "$binary" ] || fail "no native binary in the publish folder"
[ -e "$work/publish/AotConsole.dll" ] && fail "the publish folder holds a managed AotConsole.dll: not a native AOT publish"
echo "published natively in $(( $(date +%s) - start )) s: AotConsole $(( $(stat -c %s "$binary") / 1024 )) KiB, ${warnings} warnings"
[ "$warnings" -eq 0 ] || { grep -E 'warning [A-Z]+[0-9]+:' "$work/publish.log" | sort -u >&2; fail "the publish had warnings"; }

# 2. The emulator built from this repository (CI has built the solution; build it here otherwise).
emulator="$root/src/RealtimeAdapters.Emulator/bin/Release/net10.0/RealtimeAdapters.Emulator.dll"
if [ ! -f "$emulator" ]; then
  dotnet build "$root/src/RealtimeAdapters.Emulator" -c Release -nologo -v:q > "$work/emulator-build.log" 2>&1 \
    || { cat "$work/emulator-build.log" >&2; fail "building the emulator"; }
fi
emulator_start "$work" aot.key:secret dotnet "$emulator" || fail "starting the emulator"

# 3. Run the native binary and check what it saw.
start=$(date +%s)
out=$(cd "$work" && timeout 120 "$binary" "$firebase_url" "$ably_url" "$ably_key" 2>&1) \
  || { echo "$out" >&2; fail "the native binary exited with an error"; }
echo "$out"
echo "native binary ran in $(( $(date +%s) - start )) s"
echo "$out" | grep -qx 'store watch (Firebase): hello from native AOT #1' || fail "the store watch did not see the value"
echo "$out" | grep -qx 'store transaction (Firebase): committed True, read back hello from native AOT #2' \
  || fail "the transaction or the read back failed"
echo "$out" | grep -qx 'channel (Ably): ping pong 42 from aot' || fail "the channel did not deliver the message"
echo "$out" | grep -qx 'aot: done' || fail "the binary did not finish"
echo "aot: 1 passed, 0 failed"
