#!/usr/bin/env bash
# ConnectHub's one entry point for a fresh Debian 12 machine.
#   ./setup.sh          installs every Debian and npm package the project needs (idempotent,
#                       quiet when all is there)
#   ./setup.sh run      ... then builds, writes demo data and starts the hub (prints URL, logins)
#   ./setup.sh test     ... then builds and runs every test (unit, integration, browser, bench smoke)
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(pwd)"
MODE="${1:-install}"
case "$MODE" in
  install | run | test) ;;
  *)
    echo "usage: ./setup.sh [run|test]" >&2
    exit 2
    ;;
esac

DEB_PACKAGES=(
  build-essential cmake pkg-config clang-format clang libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlitecpp-dev libsqlite3-dev sqlite3 libsodium-dev libicu-dev catch2 libssl-dev strace
  nodejs npm chromium
  postgresql-15 libpq-dev
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # node/npm may come from elsewhere (nvm, NodeSource); accept a working binary.
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# npm packages for integration and browser tests (ws, twilio, playwright-core, axe-core).
if [ -f tests/package.json ]; then
  if [ ! -d tests/node_modules ] || [ tests/package.json -nt tests/node_modules/.stamp ] ||
     { [ -f tests/package-lock.json ] && [ tests/package-lock.json -nt tests/node_modules/.stamp ]; }; then
    echo "setup: installing npm packages for tests" >&2
    (cd tests && if [ -f package-lock.json ]; then npm ci --silent --no-audit --no-fund; else npm install --silent --no-audit --no-fund; fi) >/dev/null
    touch tests/node_modules/.stamp
  fi
fi

[ "$MODE" = install ] && exit 0

BUILD_DIR="${CONNECTHUB_BUILD_DIR:-$ROOT/build}"
JOBS="$(nproc)"
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
if ! cmake --build "$BUILD_DIR" -j "$JOBS" >"$BUILD_DIR/build.log" 2>&1; then
  grep -E 'error|Error' -A3 "$BUILD_DIR/build.log" | head -60 >&2
  echo "setup: build failed (full log: $BUILD_DIR/build.log)" >&2
  exit 1
fi
BIN="$BUILD_DIR/hub/connecthub"

# sanitizer_stage DIR CMAKE_OPTION... -- TARGET...: a clang build in DIR of only TARGETs.
sanitizer_stage() {
  local dir="$1"
  shift
  local opts=()
  while [ "$1" != -- ]; do
    opts+=("$1")
    shift
  done
  shift
  # -O1 and line tables only: what sanitizer reports need, and the builds take less of CI's time.
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    CC=clang CXX=clang++ cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG" "${opts[@]}" >/dev/null
  fi
  if ! cmake --build "$dir" -j "$JOBS" --target "$@" >"$dir/build.log" 2>&1; then
    grep -E 'error|Error' -A3 "$dir/build.log" | head -60 >&2
    echo "setup: sanitizer build failed (full log: $dir/build.log)" >&2
    exit 1
  fi
}

# sanitizer_reports FILE...: prints the sanitizer reports written to log_path (the hub's stderr
# is not shown by its tests); fails when there is one.
sanitizer_reports() {
  local found=0 f
  for f in "$@"; do
    [ -s "$f" ] || continue
    found=1
    echo "setup: sanitizer report $f:" >&2
    head -80 "$f" >&2
  done
  return "$found"
}

if [ "$MODE" = test ]; then
  rc=0
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 600 || rc=$?
  # Issue #8, sanitizers (tests/fuzz/README.md). First a clang build with ASan+UBSan and
  # libFuzzer: the fuzz targets, each for a bounded time, then the whole suite again against
  # instrumented libraries and an instrumented `connecthub` (integration, crash, abuse and browser
  # tests included; only the benchmark smoke runs are left out). CONNECTHUB_FUZZ=0 skips it.
  if [ "${CONNECTHUB_FUZZ:-1}" != 0 ]; then
    FUZZ_DIR="${CONNECTHUB_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
    sanitizer_stage "$FUZZ_DIR" -DCONNECTHUB_FUZZ=ON -- ws_frame_fuzz chat_frame_fuzz \
      form_twiml_fuzz api_request_fuzz classify_fuzz extract_line_fuzz connecthub storage_tests \
      intents_tests locales_tests bot_tests hub_tests
    rm -f "$FUZZ_DIR"/asan.*
    ASAN_OPTIONS="detect_leaks=1:log_path=$FUZZ_DIR/asan" \
      ctest --test-dir "$FUZZ_DIR" --output-on-failure -j "$JOBS" --timeout 900 \
      -E '^bench smoke' || rc=$?
    sanitizer_reports "$FUZZ_DIR"/asan.* || rc=1
  fi
  # Then ThreadSanitizer on the concurrent parts: the storage writer queue, group commit and read
  # pool, the hub's unit tests (sessions, registry, limits, outbox), and the integration tests
  # (crash and abuse included) against a TSan-built `connecthub` with its I/O and blocking pools.
  # CONNECTHUB_TSAN=0 skips it.
  if [ "${CONNECTHUB_TSAN:-1}" != 0 ]; then
    TSAN_DIR="${CONNECTHUB_TSAN_BUILD_DIR:-$ROOT/build-tsan}"
    sanitizer_stage "$TSAN_DIR" -DCONNECTHUB_TSAN=ON -- connecthub storage_tests hub_tests
    rm -f "$TSAN_DIR"/tsan.*
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$TSAN_DIR/tsan" \
      ctest --test-dir "$TSAN_DIR" --output-on-failure -j "$JOBS" --timeout 900 \
      -R '^(storage|hub|integration):' || rc=$?
    sanitizer_reports "$TSAN_DIR"/tsan.* || rc=1
  fi
  exit "$rc"
fi

# run: a demo database dated today (dates in demo data are relative to the day it was made).
DEMO_DIR="$ROOT/demo"
DB="$DEMO_DIR/connecthub.db"
LISTEN="${CONNECTHUB_LISTEN:-127.0.0.1:8080}"
mkdir -p "$DEMO_DIR"
chmod 700 "$DEMO_DIR"
if [ ! -f "$DB" ] || [ "$(date -r "$DB" +%F)" != "$(date +%F)" ]; then
  rm -f "$DB" "$DB-wal" "$DB-shm" "$DEMO_DIR/logins.txt"
  "$BIN" demo-data --db "$DB" --participants "${DEMO_PARTICIPANTS:-2000}" >"$DEMO_DIR/logins.txt"
fi
echo
echo "ConnectHub demo: http://$LISTEN/  (caseworker inbox: http://$LISTEN/inbox)"
cat "$DEMO_DIR/logins.txt"
echo
exec "$BIN" serve --db "$DB" --listen "$LISTEN" --allowed-origin "http://$LISTEN"
