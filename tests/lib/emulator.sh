# Shared by the script tests (tests/consumer/run.sh, tests/aot/run.sh): runs an emulator command on free loopback ports
# and reads the addresses it prints. Source this file, then
#   emulator_start DIR KEY COMMAND [ARGS...]   starts COMMAND --firebase-port 0 --ably-port 0 --ably-key KEY (output in
#                                              DIR/emulator.out and .err), waits for its ready lines and sets
#                                              firebase_url, ably_url and ably_key; returns 1 (output on stderr) if it
#                                              exits first or prints no addresses.
#   emulator_stop                              stops it (safe to call twice, e.g. from an EXIT trap).
emulator_pid=""
firebase_url=""
ably_url=""
ably_key=""

emulator_start() {
  local dir="$1" key="$2"
  shift 2
  "$@" --firebase-port 0 --ably-port 0 --ably-key "$key" > "$dir/emulator.out" 2> "$dir/emulator.err" &
  emulator_pid=$!
  # The emulator prints its ready lines once both listeners are bound: poll its output (another process; nothing to await).
  for _ in $(seq 1 600); do
    if grep -q '^firebase listening on ' "$dir/emulator.out" && grep -q '^ably listening on ' "$dir/emulator.out"; then break; fi
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
      cat "$dir/emulator.err" >&2
      echo "the emulator exited before it was ready" >&2
      return 1
    fi
    sleep 0.1
  done
  firebase_url=$(sed -n 's/^firebase listening on \(\S*\).*/\1/p' "$dir/emulator.out")
  ably_url=$(sed -n 's/^ably listening on \(\S*\) key .*/\1/p' "$dir/emulator.out")
  ably_key=$(sed -n 's/^ably listening on \S* key \(\S*\).*/\1/p' "$dir/emulator.out")
  if [ -z "$firebase_url" ] || [ -z "$ably_url" ] || [ -z "$ably_key" ]; then
    cat "$dir/emulator.out" "$dir/emulator.err" >&2
    echo "no ready lines from the emulator" >&2
    return 1
  fi
}

emulator_stop() {
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  emulator_pid=""
}
