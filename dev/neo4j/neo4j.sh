#!/usr/bin/env bash
# Run a real Neo4j 5.26 Community server from Maven Central jars (no tarball, no Docker).
#
#   dev/neo4j/neo4j.sh install   mvn: copy the org.neo4j:neo4j runtime closure + Browser into $NEO4J_HOME/lib
#                                (skipped when lib matches pom.xml; tries `mvn -o` first, online on a cache miss)
#   dev/neo4j/neo4j.sh start     install if needed, render conf, set the initial password on a new data dir,
#                                start in the background, wait until Bolt answers a query
#   dev/neo4j/neo4j.sh stop      SIGTERM + wait for a clean shutdown (no-op if not running)
#   dev/neo4j/neo4j.sh status    exit 0 if running, 3 if not
#   dev/neo4j/neo4j.sh restart
#   dev/neo4j/neo4j.sh write-env F  write the connection settings to F (a .env) unless F exists already
#
# Environment (defaults):
#   NEO4J_HOME=<repo>/.neo4j   NEO4J_BOLT_PORT=7687   NEO4J_HTTP_PORT=7474   NEO4J_HEAP=512m (-Xms/-Xmx)
#   NEO4J_USER=neo4j           NEO4J_PASSWORD=eagraph-dev-password (dev only; >= 8 characters)
#   NEO4J_START_TIMEOUT=180    NEO4J_STOP_TIMEOUT=120 (seconds)
#   JAVA (else $JAVA_HOME/bin/java, else java; must be 17 or 21)   MVN=mvn   NEO4J_JAVA_OPTS (extra JVM flags)
#   PYTHON: a python with the `neo4j` driver for the readiness check (else <repo>/.venv/bin/python,
#           else python3); without one, readiness = Bolt port open + HTTP discovery answers.
# Needs only java, mvn, ~/.m2 and this repo. Two instances can run side by side with distinct
# NEO4J_HOME and ports. The password only takes effect on a NEW data dir (delete $NEO4J_HOME/data to reset).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)

NEO4J_HOME=${NEO4J_HOME:-$REPO_ROOT/.neo4j}
mkdir -p "$NEO4J_HOME"
NEO4J_HOME=$(cd "$NEO4J_HOME" && pwd)
NEO4J_BOLT_PORT=${NEO4J_BOLT_PORT:-7687}
NEO4J_HTTP_PORT=${NEO4J_HTTP_PORT:-7474}
NEO4J_USER=${NEO4J_USER:-neo4j}
NEO4J_PASSWORD=${NEO4J_PASSWORD:-eagraph-dev-password}
NEO4J_HEAP=${NEO4J_HEAP:-512m}
NEO4J_START_TIMEOUT=${NEO4J_START_TIMEOUT:-180}
NEO4J_STOP_TIMEOUT=${NEO4J_STOP_TIMEOUT:-120}
MVN=${MVN:-mvn}
if [[ -z ${JAVA:-} ]]; then
    if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then JAVA=$JAVA_HOME/bin/java; else JAVA=java; fi
fi

POM=$SCRIPT_DIR/pom.xml
CONF_TEMPLATE=$SCRIPT_DIR/neo4j.conf
LIB=$NEO4J_HOME/lib
STAMP=$LIB/.eagraph-pom.sha256
PIDFILE=$NEO4J_HOME/run/neo4j.pid
LOG=$NEO4J_HOME/logs/console.log
MAIN_CLASS=org.neo4j.server.CommunityEntryPoint

say() { echo "neo4j: $*"; }
die() { echo "neo4j: ERROR: $*" >&2; exit 1; }

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

# --- install ----------------------------------------------------------------------------------
cmd_install() {
    if [[ -f $STAMP && $(cat "$STAMP") == "$(pom_hash)" ]] && compgen -G "$LIB/neo4j-*.jar" >/dev/null; then
        say "lib up to date ($LIB)"
        return 0
    fi
    command -v "$MVN" >/dev/null || die "mvn not found (set MVN=...); needed once to fetch the Neo4j jars"
    mkdir -p "$NEO4J_HOME/logs"
    local mvnlog=$NEO4J_HOME/logs/mvn-install.log
    rm -rf "$LIB"    # a version change must not leave old jars on the classpath
    say "installing Neo4j jars into $LIB ..."
    local args=(-B -q -f "$POM" package "-Dneo4j.home=$NEO4J_HOME")
    local t0=$SECONDS
    if ! "$MVN" -o "${args[@]}" >"$mvnlog" 2>&1; then
        say "not all jars in ~/.m2 yet: resolving from Maven Central"
        rm -rf "$LIB"
        "$MVN" "${args[@]}" >>"$mvnlog" 2>&1 || die "mvn failed, see $mvnlog"
    fi
    compgen -G "$LIB/neo4j-*.jar" >/dev/null || die "mvn produced no jars in $LIB, see $mvnlog"
    pom_hash >"$STAMP"
    local jars=("$LIB"/*.jar)
    say "installed ${#jars[@]} jars in $((SECONDS - t0))s"
}

# --- helpers ----------------------------------------------------------------------------------
running_pid() {   # prints the pid and succeeds if OUR server for this NEO4J_HOME is running
    [[ -f $PIDFILE ]] || return 1
    local pid
    pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # guard against pid reuse: the process must be the entry point for this home
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$MAIN_CLASS --home-dir=$NEO4J_HOME " || return 1
    echo "$pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

java_major() {
    local v
    v=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\)[."].*/\1/p' | head -n1)
    echo "${v:-0}"
}

find_python() {   # a python that can import the neo4j driver, or nothing
    local c
    for c in "${PYTHON:-}" "$REPO_ROOT/.venv/bin/python" python3; do
        [[ -n $c ]] || continue
        command -v "$c" >/dev/null 2>&1 || continue
        if "$c" -c 'import neo4j' >/dev/null 2>&1; then echo "$c"; return 0; fi
        [[ $c == "${PYTHON:-}" ]] && say "note: PYTHON=$c cannot import neo4j; trying others" >&2
    done
    return 0
}

# shellcheck disable=SC2016  # the ${...} below are literal placeholders
render_conf() {
    local text
    text=$(<"$CONF_TEMPLATE")
    text=${text//'${NEO4J_HOME}'/$NEO4J_HOME}
    text=${text//'${BOLT_PORT}'/$NEO4J_BOLT_PORT}
    text=${text//'${HTTP_PORT}'/$NEO4J_HTTP_PORT}
    printf '%s\n' "$text" >"$NEO4J_HOME/conf/neo4j.conf"
}

# Readiness: 0 = ready, 1 = not yet, 2 = up but credentials refused
check_ready() {
    port_in_use "$NEO4J_BOLT_PORT" || return 1
    if [[ -n $PY ]]; then
        local t=()
        command -v timeout >/dev/null && t=(timeout 20)   # never let one probe eat the start timeout
        NEO4J_URI="bolt://127.0.0.1:$NEO4J_BOLT_PORT" "${t[@]}" "$PY" - <<'EOF' >/dev/null 2>&1
import os, sys
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError
try:
    with GraphDatabase.driver(os.environ["NEO4J_URI"],
                              auth=(os.environ["NEO4J_USER"], os.environ["NEO4J_PASSWORD"]),
                              connection_timeout=5, connection_acquisition_timeout=10) as d:
        d.execute_query("RETURN 1")
except AuthError:
    sys.exit(2)
except Exception:
    sys.exit(1)
EOF
        return $?
    fi
    if command -v curl >/dev/null; then
        curl -fsS --max-time 5 "http://127.0.0.1:$NEO4J_HTTP_PORT/" 2>/dev/null | grep -q '"bolt_direct"' || return 1
    fi
    return 0
}

# --- start ------------------------------------------------------------------------------------
cmd_start() {
    local pid
    if pid=$(running_pid); then
        say "already running (pid $pid, bolt://$(conf_value server.bolt.listen_address))"
        return 0
    fi
    rm -f "$PIDFILE"
    command -v "$JAVA" >/dev/null || die "java not found (set JAVA or JAVA_HOME); Neo4j 5.26 needs Java 17 or 21"
    local jv
    jv=$(java_major)
    [[ $jv == 17 || $jv == 21 ]] || die "Neo4j 5.26 needs Java 17 or 21, $JAVA is Java $jv (set JAVA or JAVA_HOME)"
    (( ${#NEO4J_PASSWORD} >= 8 )) || die "NEO4J_PASSWORD must have at least 8 characters"
    port_in_use "$NEO4J_BOLT_PORT" && die "port $NEO4J_BOLT_PORT (NEO4J_BOLT_PORT) is already in use"
    port_in_use "$NEO4J_HTTP_PORT" && die "port $NEO4J_HTTP_PORT (NEO4J_HTTP_PORT) is already in use"

    cmd_install
    mkdir -p "$NEO4J_HOME"/{conf,data,logs,plugins,import,run,web}
    render_conf

    local cp="$NEO4J_HOME/plugins/*:$NEO4J_HOME/conf/*:$LIB/*"
    if [[ ! -d $NEO4J_HOME/data/databases/system ]]; then
        [[ $NEO4J_USER == neo4j ]] || say "note: the initial admin user is 'neo4j'; create '$NEO4J_USER' yourself"
        # Same as `neo4j-admin dbms set-initial-password`, run from the jars (writes data/dbms/auth.ini).
        # AdminTool finds home and conf through these two variables.
        NEO4J_CONF=$NEO4J_HOME/conf
        export NEO4J_HOME NEO4J_CONF
        "$JAVA" -cp "$cp" org.neo4j.cli.AdminTool \
            dbms set-initial-password "$NEO4J_PASSWORD" >"$NEO4J_HOME/logs/set-initial-password.log" 2>&1 \
            || die "setting the initial password failed, see $NEO4J_HOME/logs/set-initial-password.log"
        say "new data dir: initial password set for user neo4j"
    fi

    # heap via -Xms/-Xmx (server.memory.heap.* is only read by the tarball's bin/neo4j);
    # the rest are the 5.x defaults of server.jvm.additional.
    local jvm=(-Xms"$NEO4J_HEAP" -Xmx"$NEO4J_HEAP"
        -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+DisableExplicitGC
        -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
        --add-opens=java.base/java.nio=ALL-UNNAMED
        --add-opens=java.base/java.io=ALL-UNNAMED
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
        --enable-native-access=ALL-UNNAMED
        -Dlog4j2.disable.jmx=true -Dfile.encoding=UTF-8
        "-XX:ErrorFile=$NEO4J_HOME/logs/hs_err_pid%p.log")
    # shellcheck disable=SC2206
    [[ -n ${NEO4J_JAVA_OPTS:-} ]] && jvm+=($NEO4J_JAVA_OPTS)

    [[ -f $LOG ]] && mv -f "$LOG" "$LOG.prev"
    local launcher=()
    command -v setsid >/dev/null && launcher=(setsid)   # own session: no terminal signals
    # The child writes its own pid, then execs java (so the pid file holds the java pid); cwd = home.
    # shellcheck disable=SC2016
    "${launcher[@]}" nohup bash -c 'echo $$ >"$1"; cd "$2"; shift 2; exec "$@"' _ "$PIDFILE" "$NEO4J_HOME" \
        "$JAVA" "${jvm[@]}" -cp "$cp" "$MAIN_CLASS" \
        --home-dir="$NEO4J_HOME" --config-dir="$NEO4J_HOME/conf" --console-mode \
        </dev/null >"$LOG" 2>&1 &

    PY=$(find_python)
    local how="Bolt query via $PY"
    [[ -n $PY ]] || how="Bolt port + HTTP discovery (no python with the neo4j driver found)"
    say "starting (home $NEO4J_HOME, heap $NEO4J_HEAP); waiting up to ${NEO4J_START_TIMEOUT}s: $how"
    export NEO4J_USER NEO4J_PASSWORD
    local t0=$SECONDS rc
    while :; do
        pid=$(cat "$PIDFILE" 2>/dev/null || true)
        if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PIDFILE"
            echo "neo4j: ERROR: Neo4j exited during start-up; see $LOG (and $NEO4J_HOME/logs/debug.log)" >&2
            exit 1
        fi
        if [[ -n $pid ]]; then
            rc=0; check_ready || rc=$?
            if (( rc == 0 )); then
                say "ready in $((SECONDS - t0))s: bolt://127.0.0.1:$NEO4J_BOLT_PORT  http://127.0.0.1:$NEO4J_HTTP_PORT/browser/  (pid $pid)"
                return 0
            elif (( rc == 2 )); then
                ( cmd_stop ) >/dev/null 2>&1 || true
                echo "neo4j: ERROR: server is up but refused user '$NEO4J_USER' with NEO4J_PASSWORD (the data dir keeps the password it was created with; delete $NEO4J_HOME/data to reset); stopped it, see $LOG" >&2
                exit 1
            fi
        fi
        if (( SECONDS - t0 >= NEO4J_START_TIMEOUT )); then
            ( cmd_stop ) >/dev/null 2>&1 || true
            echo "neo4j: ERROR: not ready on bolt://127.0.0.1:$NEO4J_BOLT_PORT after ${NEO4J_START_TIMEOUT}s (NEO4J_START_TIMEOUT); stopped it, see $LOG" >&2
            exit 1
        fi
        sleep 1
    done
}

# --- stop / status ----------------------------------------------------------------------------
cmd_stop() {
    local pid
    if ! pid=$(running_pid); then
        rm -f "$PIDFILE"
        say "not running ($NEO4J_HOME)"
        return 0
    fi
    say "stopping pid $pid ..."
    kill -TERM "$pid"
    local t0=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
        if (( SECONDS - t0 >= NEO4J_STOP_TIMEOUT )); then
            die "pid $pid still running after ${NEO4J_STOP_TIMEOUT}s (NEO4J_STOP_TIMEOUT); see $LOG"
        fi
        sleep 0.2
    done
    rm -f "$PIDFILE"
    say "stopped in $((SECONDS - t0))s"
}

conf_value() {   # a key from the rendered conf of the running server
    sed -n "s/^$1=//p" "$NEO4J_HOME/conf/neo4j.conf" 2>/dev/null | tail -n1
}

cmd_status() {
    local pid
    if pid=$(running_pid); then
        say "running (pid $pid) bolt://$(conf_value server.bolt.listen_address) http://$(conf_value server.http.listen_address)/ home $NEO4J_HOME"
        return 0
    fi
    say "not running ($NEO4J_HOME)"
    return 3
}

# --- write-env FILE: the dev server's connection settings for eagraph and make, when FILE does not exist ---
cmd_write_env() {
    local file=${1:?usage: neo4j.sh write-env FILE}
    if [[ -e $file ]]; then
        say "$file exists: left as it is"
        return 0
    fi
    (
        umask 077
        cat >"$file" <<EOF
# Written by 'make neo4j-start' for the dev Neo4j on this machine (git-ignored; delete it to have it written
# again). eagraph reads it from the repository root, make includes it; the environment wins over it.
# The dev password is for this machine only: a deployment sets its own NEO4J_PASSWORD (see .env.example).
NEO4J_URI=${NEO4J_URI:-bolt://127.0.0.1:$NEO4J_BOLT_PORT}
NEO4J_USER=$NEO4J_USER
NEO4J_PASSWORD=$NEO4J_PASSWORD
EOF
    )
    say "wrote $file: NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD of the dev server, for eagraph load and serve"
}

case ${1:-} in
    install) cmd_install ;;
    write-env) cmd_write_env "${2:-}" ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    status) cmd_status ;;
    *) echo "usage: $0 install|start|stop|restart|status|write-env FILE" >&2; exit 2 ;;
esac
