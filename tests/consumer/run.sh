#!/usr/bin/env bash
# Consumer test: what a team gets from NuGet. Packs every src/ project into a temporary folder, installs the emulator
# from it as a .NET tool (realtime-emulator), builds a fresh application that references only those packages (third-party
# dependencies from the usual NuGet source), registers the Firebase and Ably providers through DI, runs it against the
# tool and checks what it read back. Prints "consumer: N passed, N failed"; exits non-zero on failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tests/consumer"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d)"
# A version no earlier run used, so the global packages folder cannot serve a stale copy; removed from it at the end.
version="0.0.0-consumer.$(date +%s).$$"
# shellcheck source=../lib/emulator.sh
source "$root/tests/lib/emulator.sh"
cleanup() {
  emulator_stop
  rm -rf "$work"
  local cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  rm -rf "$cache"/realtimeadapters*/"$version"
  rmdir "$cache"/realtimeadapters* 2>/dev/null || true
}
trap cleanup EXIT
fail() { echo "consumer test FAILED: $*" >&2; echo "consumer: 0 passed, 1 failed"; exit 1; }

# 1. Pack every project under src/ (the packable ones; tests and samples are not packable).
projects=$(cd "$root" && ls src/*/*.csproj | sed 's/.*/"&"/' | paste -sd, -)
printf '{ "solution": { "path": "%s", "projects": [ %s ] } }\n' "$root/Adapters.sln" "$projects" > "$work/packages.slnf"
start=$(date +%s)
dotnet pack "$work/packages.slnf" -c Release -o "$work/packages" -p:PackageVersion="$version" -nologo -v:q \
  > "$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; fail "dotnet pack"; }
echo "packed in $(( $(date +%s) - start )) s: $(cd "$work/packages" && ls *.nupkg | tr '\n' ' ')"
# The Ably client depends on the wire layer it shares with the emulator as a package (a project reference on pack).
nuspec=$(unzip -p "$work/packages/RealtimeAdapters.Ably.$version.nupkg" RealtimeAdapters.Ably.nuspec) || fail "reading the Ably nuspec"
grep -q "id=\"RealtimeAdapters.Ably.Protocol\" version=\"$version\"" <<< "$nuspec" \
  || fail "RealtimeAdapters.Ably does not depend on RealtimeAdapters.Ably.Protocol $version"

# 2. Only the packed folder for our packages, the usual source for the rest.
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="RealtimeAdapters" /><package pattern="RealtimeAdapters.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML

# 3. The emulator as a .NET tool.
start=$(date +%s)
dotnet tool install RealtimeAdapters.Emulator --version "$version" --tool-path "$work/tools" \
  --configfile "$work/nuget.config" > "$work/tool.log" 2>&1 || { cat "$work/tool.log" >&2; fail "dotnet tool install"; }
"$work/tools/realtime-emulator" --help > "$work/help.txt" 2>&1 || true
grep -q -- '--firebase-port' "$work/help.txt" || { cat "$work/help.txt" >&2; fail "realtime-emulator --help"; }
emulator_start "$work" consumer.key:secret "$work/tools/realtime-emulator" || fail "starting the emulator tool"
echo "emulator tool installed and ready in $(( $(date +%s) - start )) s: firebase $firebase_url, ably $ably_url"

# 4. A fresh application outside the repository (no Directory.Build.props, no central versions, no project references).
cp -r "$here/app" "$work/app"
start=$(date +%s)
dotnet build "$work/app" -c Release -p:RealtimeAdaptersVersion="$version" -nologo -v:q > "$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; fail "building the consumer application"; }
grep -rq 'ProjectReference' "$work/app/Consumer.csproj" && fail "the consumer application has a project reference"
out=$(cd "$work" && timeout 120 dotnet "$work/app/bin/Release/net10.0/Consumer.dll" "$firebase_url" "$ably_url" "$ably_key" 2>&1) \
  || { echo "$out" >&2; fail "the consumer application exited with an error"; }
echo "$out"
echo "consumer application built and ran in $(( $(date +%s) - start )) s"

# 5. Its output: a value written and read back through Firebase, a message published and received through Ably.
echo "$out" | grep -qx 'store (Firebase): hello from the packages' || fail "the store did not read the value back"
echo "$out" | grep -qx 'channel (Ably): ping pong from consumer' || fail "the channel did not deliver the message"
echo "consumer: 1 passed, 0 failed"
