# Sourced by .ci/run and .ci/with-ferretdb (not run on its own): a throwaway MongoDB-compatible
# server for the MongoDB adapters' tests, FerretDB on a PostgreSQL 15 cluster of its own.
#
#   ferretdb_start   builds FerretDB and installs PostgreSQL 15 when missing, creates a cluster in
#                    a temporary folder, starts PostgreSQL and FerretDB on free ports, and exports
#                    MONGODB_URL, FERRETDB_BIN and FERRETDB_POSTGRESQL_URL. Returns non-zero, having
#                    said why, when any step fails; ferretdb_stop then cleans up what was started.
#   ferretdb_stop    stops both and removes the folder (safe to call more than once).
#
# FerretDB's log goes to $FERRETDB_LOG_DIR/ferretdb.log (default test-output/).
#
# PostgreSQL rather than FerretDB's SQLite backend: with SQLite FerretDB scans the whole
# collection in Go for every update, so a test that writes a few hundred read-model documents
# took seconds; PostgreSQL does the same work in C (see docs/performance.md).
# The cluster keeps PostgreSQL's durability settings (fsync, synchronous_commit), so that
# figures measured on it mean what they would on a real one.

ferretdb_version=v1.24.2
ferretdb_bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/privacy-ledger/bin"
ferretdb_bin="$ferretdb_bin_dir/ferretdb"
ferretdb_pg_bin=/usr/lib/postgresql/15/bin
ferretdb_log="${FERRETDB_LOG_DIR:-test-output}/ferretdb.log"
ferretdb_pid=
ferretdb_pg_pid=
ferretdb_tmp=

# `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that panics at
# start: the module lacks build/version/version.txt (generated in FerretDB's own builds). So
# build the same package from the module's source with that file written, as FerretDB's
# build/version docs say, into a cache outside the checkout that survives between runs.
ferretdb_install() {
  command -v go >/dev/null || { echo "go is not installed"; return 1; }
  local module_dir build_dir status
  module_dir=$(cd / && go mod download -json "github.com/FerretDB/FerretDB@$ferretdb_version" |
    node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).Dir ?? ""') || return 1
  [ -d "$module_dir" ] || { echo "go mod download gave no module directory"; return 1; }
  build_dir=$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-build.XXXXXX") || return 1
  mkdir -p "$ferretdb_bin_dir" &&
    cp -R "$module_dir/." "$build_dir/" &&
    chmod -R u+w "$build_dir" &&
    printf '%s\n' "$ferretdb_version" >"$build_dir/build/version/version.txt" &&
    (cd "$build_dir" && go build -buildvcs=false -trimpath -o "$ferretdb_bin.tmp.$$" ./cmd/ferretdb) &&
    mv -f "$ferretdb_bin.tmp.$$" "$ferretdb_bin"
  status=$?
  rm -rf "$build_dir" "$ferretdb_bin.tmp.$$"
  return $status
}

# Debian's postgresql-15 package (the server binaries under /usr/lib/postgresql/15/bin).
# Skipped once they are there, so running it again changes nothing.
ferretdb_install_postgresql() {
  [ -x "$ferretdb_pg_bin/postgres" ] && return 0
  echo "installing Debian's postgresql-15"
  local sudo=()
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null &&
    [ -x "$ferretdb_pg_bin/postgres" ]
}

# PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user that the
# package creates. setpriv execs, so the pid of a server started in the background is its own.
ferretdb_as_pg_user=()
if [ "$(id -u)" -eq 0 ]; then ferretdb_as_pg_user=(setpriv --reuid=postgres --regid=postgres --init-groups --); fi

ferretdb_free_port() {
  node -e '
    const server = require("node:net").createServer();
    server.listen(0, "127.0.0.1", () => { console.log(server.address().port); server.close(); });
  '
}

# Waits up to 60 s for a TCP listener on 127.0.0.1:$2 while pid $1 lives.
ferretdb_wait_for() {
  local pid=$1 port=$2
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || return 1
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

ferretdb_start() {
  if ! "$ferretdb_bin" --version >/dev/null 2>&1; then
    echo "building FerretDB $ferretdb_version into $ferretdb_bin_dir"
    ferretdb_install || { echo "FerretDB could not be installed"; return 1; }
    "$ferretdb_bin" --version >/dev/null 2>&1 || { echo "the installed FerretDB binary does not run"; return 1; }
  fi
  ferretdb_install_postgresql || { echo "PostgreSQL 15 could not be installed (apt-get install postgresql-15)"; return 1; }
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "running as root and there is no postgres user to run PostgreSQL as"
    return 1
  fi

  ferretdb_tmp=$(mktemp -d "${TMPDIR:-/tmp}/ledger-ferretdb.XXXXXX") || { echo "no temporary folder"; return 1; }
  mkdir -p "$ferretdb_tmp/pg" "$(dirname "$ferretdb_log")"
  # mktemp's folder is root's alone: the postgres user needs to pass through it to its own.
  if [ "$(id -u)" -eq 0 ]; then chmod 711 "$ferretdb_tmp" && chown postgres: "$ferretdb_tmp/pg"; fi
  local pg_log="$ferretdb_tmp/postgresql.log" pg_port ferret_port
  if ! "${ferretdb_as_pg_user[@]}" "$ferretdb_pg_bin/initdb" -D "$ferretdb_tmp/pg/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C >"$pg_log" 2>&1; then
    tail -n 20 "$pg_log"
    echo "initdb failed"
    return 1
  fi
  pg_port=$(ferretdb_free_port) || { echo "no free port"; return 1; }
  # TCP on loopback only, no Unix socket (so no socket folder to own); room for FerretDB's pool
  # (below) and a crash test's FerretDB beside it.
  "${ferretdb_as_pg_user[@]}" "$ferretdb_pg_bin/postgres" -D "$ferretdb_tmp/pg/data" -c listen_addresses=127.0.0.1 \
    -c port="$pg_port" -c unix_socket_directories= -c max_connections=400 >>"$pg_log" 2>&1 &
  ferretdb_pg_pid=$!
  # It listens before it accepts connections (pg_isready says "rejecting" while it starts up).
  local ready=
  for _ in $(seq 1 600); do
    kill -0 "$ferretdb_pg_pid" 2>/dev/null || break
    if "$ferretdb_pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -U postgres; then ready=1; break; fi
    sleep 0.1
  done
  if [ -z "$ready" ] || ! "$ferretdb_pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres ferretdb >>"$pg_log" 2>&1; then
    tail -n 20 "$pg_log"
    echo "PostgreSQL did not start on 127.0.0.1:$pg_port (log above)"
    return 1
  fi
  # FerretDB 1.24 holds a PostgreSQL connection for each update of a bulk until the bulk ends:
  # with its default pool of 50, concurrent bulks from the ledgers of three Jest workers can
  # take every connection and wait for ever for one more.
  export FERRETDB_POSTGRESQL_URL="postgres://postgres@127.0.0.1:$pg_port/ferretdb?pool_max_conns=150"

  ferret_port=$(ferretdb_free_port) || { echo "no free port"; return 1; }
  "$ferretdb_bin" --handler=postgresql --postgresql-url="$FERRETDB_POSTGRESQL_URL" --state-dir="$ferretdb_tmp" \
    --listen-addr="127.0.0.1:$ferret_port" --debug-addr=- --telemetry=disable --log-level=WARN \
    >"$ferretdb_log" 2>&1 &
  ferretdb_pid=$!
  if ! ferretdb_wait_for "$ferretdb_pid" "$ferret_port"; then
    tail -n 20 "$ferretdb_log"
    echo "FerretDB did not accept connections on 127.0.0.1:$ferret_port (log: $ferretdb_log)"
    return 1
  fi
  echo "FerretDB $ferretdb_version on 127.0.0.1:$ferret_port (pid $ferretdb_pid, log: $ferretdb_log)," \
    "PostgreSQL 15 on 127.0.0.1:$pg_port (pid $ferretdb_pg_pid)"
  export MONGODB_URL="mongodb://127.0.0.1:$ferret_port/ledger_test"
  # The crash tests (test/crash/) kill and restart a FerretDB of their own on this PostgreSQL.
  export FERRETDB_BIN="$ferretdb_bin"
}

# Stops a child by pid: the signal $2 (default TERM), up to 10 s for a clean exit, then KILL.
ferretdb_stop_pid() {
  local pid=$1 signal=${2:-TERM}
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -s "$signal" "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

ferretdb_stop() {
  ferretdb_stop_pid "$ferretdb_pid"
  ferretdb_pid=
  # SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients (a crash test's FerretDB).
  ferretdb_stop_pid "$ferretdb_pg_pid" INT
  ferretdb_pg_pid=
  if [ -n "$ferretdb_tmp" ]; then rm -rf "$ferretdb_tmp"; fi
  ferretdb_tmp=
}
