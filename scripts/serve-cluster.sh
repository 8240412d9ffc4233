#!/usr/bin/env bash
# Serve naravard from N Streamlit replicas behind nginx, all on 127.0.0.1.
#
#   ./scripts/serve-cluster.sh 2                 # http://127.0.0.1:8501, 2 replicas
#   ./scripts/serve-cluster.sh 3 --port 8080
#   NARAVARD_DATABASE_URL=postgresql://… ./scripts/serve-cluster.sh 2   # on a database of your own
#
# Why: Streamlit runs every session (its assumptions, imports, websocket) inside one
# process, so one process is one core. Replicas add cores; nginx spreads browsers over
# them and keeps each browser on its replica (a session's HTTP requests and its
# websocket /_stcore/stream must reach the same process). Open-source nginx has no
# `sticky` directive, so the generated config hands every new browser a random route
# cookie (`nv_route`, from $request_id) and routes by `hash $nv_route consistent`: the
# same browser lands on the same replica, and when a replica fails, only its browsers
# move (they reconnect and start a new session on another one).
#
# All replicas run the same app on the same data dir and share one PostgreSQL database:
# the one $NARAVARD_DATABASE_URL names when it is set, else a throw-away cluster this
# script starts itself (scripts/pg-throwaway.sh: initdb + pg_ctl in a temp dir, reachable
# only through a unix socket in that dir; a login role and database `naravard` for the
# app), stopped and deleted on exit with everything else. That database is for trying
# the cluster, the tests and the benchmark: what is saved in it is gone when the script
# stops. A server keeps its data in a real PostgreSQL and sets $NARAVARD_DATABASE_URL
# (docs/deploy.md). The rest of the environment is passed through unchanged.
#
# Access: on PostgreSQL the app's default is NARAVARD_ACCESS=groups (sign-in required,
# naravard.store.access); a fresh database has no groups yet, so the script prints how to
# create one (`python -m naravard groups …`). NARAVARD_ACCESS=open lets everyone who
# reaches the port do everything: for a machine only its user can reach.
#
# nginx is Debian's package (apt-get install nginx); its config is generated into a
# temporary run dir (-p/-c), no system config is read or touched. Ctrl-C, SIGTERM or the
# exit of nginx stops everything (trap).
#
# Health checks: each replica must answer "ok" on /_stcore/health before nginx starts;
# nginx checks passively (a refused connection or 502 takes a replica out for
# fail_timeout and retries the request on the next one). The script restarts no
# replica; under systemd or Kubernetes the supervisor does (docs/deploy.md).
#
# Environment:
#   PYTHON               interpreter with the app's requirements (default .venv/bin/python)
#   NGINX                nginx binary (default: nginx on PATH, then /usr/sbin/nginx)
#   NARAVARD_DATABASE_URL  the replicas' database; unset: a throw-away one (above)
#   NARAVARD_CLUSTER_DIR run dir (config, logs, replicas.txt, postgres-dir, ready); default
#                        a new temp dir, removed on exit (a given dir is kept, for the logs)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

usage() { echo "usage: $0 N [--port P]   (N replicas, 1..16; nginx on 127.0.0.1:P, default 8501)" >&2; exit 2; }
[ $# -ge 1 ] || usage
N=$1; shift
PORT=8501
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || usage; PORT=$2; shift 2 ;;
    --port=*) PORT=${1#--port=}; shift ;;
    -h|--help) usage ;;
    *) echo "serve-cluster: unknown argument: $1" >&2; usage ;;
  esac
done
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 16 ] || usage
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || usage

PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=$(command -v python3)
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
if [ ! -x "$NGINX" ]; then
  echo "serve-cluster: nginx not found; install Debian's package: apt-get install nginx" >&2
  exit 1
fi

if [ -n "${NARAVARD_CLUSTER_DIR:-}" ]; then
  RUN=$NARAVARD_CLUSTER_DIR; KEEP_RUN=1; mkdir -p "$RUN"
else
  RUN=$(mktemp -d -t naravard-cluster.XXXXXX); KEEP_RUN=0
fi
mkdir -p "$RUN/logs"
# nginx's temporary files (large responses, uploads) go to a dir of their own in /tmp:
# when started as root, nginx's workers run as nobody and must be able to reach it,
# which a run dir under a private (0700) parent would not allow.
NGX_TMP=$(mktemp -d -t naravard-nginx.XXXXXX)
chmod 755 "$NGX_TMP"
rm -f "$RUN/ready" "$RUN/replicas.txt"

PIDS=()
NGINX_PID=
PGDIR=
stopping=0
cleanup() {
  [ "$stopping" -eq 1 ] && return; stopping=1
  trap '' INT TERM
  [ -n "$NGINX_PID" ] && kill -TERM "$NGINX_PID" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  # give each process 10 s to finish its requests, then kill what is left
  for _ in $(seq 1 100); do
    alive=0
    for p in "$NGINX_PID" "${PIDS[@]}"; do [ -n "$p" ] && kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for p in "$NGINX_PID" "${PIDS[@]}"; do [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # the throw-away database last, after its clients are gone
  [ -n "$PGDIR" ] && { "$ROOT/scripts/pg-throwaway.sh" remove "$PGDIR" || true; }
  rm -f "$RUN/ready" "$RUN/postgres-dir"
  rm -rf "$NGX_TMP"
  [ "$KEEP_RUN" -eq 1 ] || rm -rf "$RUN"
  echo "serve-cluster: stopped" >&2
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- the database
if [ -z "${NARAVARD_DATABASE_URL:-}" ]; then
  PGDIR=$("$ROOT/scripts/pg-throwaway.sh" start) || exit 1
  echo "$PGDIR" >"$RUN/postgres-dir"
  NARAVARD_DATABASE_URL=$("$ROOT/scripts/pg-throwaway.sh" createdb "$PGDIR" naravard naravard) || exit 1
  export NARAVARD_DATABASE_URL
  echo "serve-cluster: throw-away PostgreSQL in $PGDIR (deleted on exit)" >&2
fi
# groups or open (naravard.store.access.access_mode); an unknown NARAVARD_ACCESS stops here
ACCESS=$("$PYTHON" - <<'EOF'
import sys
from naravard.store.access import access_mode
try:
    print(access_mode())
except ValueError as e:
    sys.exit(f"serve-cluster: {e}")
EOF
) || exit 1

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- the replicas
SERVERS=""
for i in $(seq 1 "$N"); do
  p=$(free_port)
  [ "$p" != "$PORT" ] || p=$(free_port)
  # fileWatcherType none: a server does not rerun sessions when a file changes
  "$PYTHON" -m streamlit run app.py \
    --server.headless true --server.address 127.0.0.1 --server.port "$p" \
    --server.fileWatcherType none --browser.gatherUsageStats false \
    </dev/null >"$RUN/logs/replica-$i.log" 2>&1 &
  PIDS+=($!)
  echo "$i $p $!" >>"$RUN/replicas.txt"
  SERVERS+="        server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"$'\n'
done

for i in $(seq 1 "$N"); do
  read -r _ p pid < <(sed -n "${i}p" "$RUN/replicas.txt")
  ok=0
  for _ in $(seq 1 600); do  # 60 s
    kill -0 "$pid" 2>/dev/null || { echo "serve-cluster: replica $i exited; log:" >&2; tail -n 30 "$RUN/logs/replica-$i.log" >&2; exit 1; }
    if [ "$("$PYTHON" - "$p" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/_stcore/health", timeout=2) as r:
        print(r.read().decode().strip())
except OSError:
    print("no")
EOF
)" = ok ]; then ok=1; break; fi
    sleep 0.1
  done
  [ "$ok" -eq 1 ] || { echo "serve-cluster: replica $i not healthy within 60 s" >&2; exit 1; }
done

# ---------------------------------------------------------------- nginx
cat >"$RUN/nginx.conf" <<EOF
# Generated by scripts/serve-cluster.sh; see deploy/nginx-cluster.conf for the annotated
# template a server uses.
worker_processes 1;
pid $RUN/nginx.pid;
error_log $RUN/logs/error.log warn;
$( [ "$(id -u)" -eq 0 ] && echo "user nobody nogroup;" )

events { worker_connections 4096; }

http {
    client_body_temp_path $NGX_TMP/body;
    proxy_temp_path $NGX_TMP/proxy;
    fastcgi_temp_path $NGX_TMP/fastcgi;
    uwsgi_temp_path $NGX_TMP/uwsgi;
    scgi_temp_path $NGX_TMP/scgi;
    server_tokens off;

    # One route per browser: its cookie, or a fresh random one on the first request.
    map \$cookie_nv_route \$nv_route {
        ""      \$request_id;
        default \$cookie_nv_route;
    }
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ""      close;
    }
    log_format cluster '\$msec \$status "\$request" upstream=\$upstream_addr route=\$nv_route';
    access_log $RUN/logs/access.log cluster;

    upstream naravard {
        hash \$nv_route consistent;
$SERVERS    }

    server {
        listen 127.0.0.1:$PORT;
        client_max_body_size 1m;

        add_header Set-Cookie "nv_route=\$nv_route; Path=/; HttpOnly; SameSite=Lax" always;
        # which replica answered (local use only: it names loopback ports)
        add_header X-Naravard-Replica \$upstream_addr always;

        proxy_http_version 1.1;
        proxy_set_header Host \$http_host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_next_upstream error timeout http_502 http_503;
        proxy_connect_timeout 2s;
        # a busy machine (or a slow client) may pause for more than nginx's default 60 s
        # in the middle of a large response (Plotly's 4.7 MB chunk); cut then, the browser
        # gets a truncated script and the page fails to draw its charts
        proxy_read_timeout 300s;
        send_timeout 300s;

        location = /_stcore/metrics { return 404; }

        location /_stcore/upload_file/ {
            client_max_body_size 20m;
            proxy_pass http://naravard;
        }

        location /_stcore/stream {
            proxy_pass http://naravard;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
        }

        location / {
            proxy_pass http://naravard;
        }
    }
}
EOF

"$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/logs/error.log" || { cat "$RUN/logs/error.log" >&2; exit 1; }
"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/logs/error.log" -g 'daemon off;' </dev/null &
NGINX_PID=$!
echo "nginx $PORT $NGINX_PID" >>"$RUN/replicas.txt"

for _ in $(seq 1 100); do
  "$PYTHON" - "$PORT" <<'EOF' && break
import sys, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/_stcore/health", timeout=2) as r:
        sys.exit(0 if r.read().strip() == b"ok" else 1)
except OSError:
    sys.exit(1)
EOF
  kill -0 "$NGINX_PID" 2>/dev/null || { echo "serve-cluster: nginx exited:" >&2; cat "$RUN/logs/error.log" >&2; exit 1; }
  sleep 0.1
done
touch "$RUN/ready"
echo "serve-cluster: http://127.0.0.1:$PORT ($N replicas; access mode $ACCESS; run dir $RUN; Ctrl-C stops)" >&2
if [ "$ACCESS" = groups ]; then
  # the throw-away database's URL holds no secret; a given one may, so it is not echoed
  db=$( [ -n "$PGDIR" ] && echo "'$NARAVARD_DATABASE_URL'" || echo '(your NARAVARD_DATABASE_URL)' )
  echo "serve-cluster: sign-in by group passphrase or the region's OIDC; a group is made with" >&2
  echo "  NARAVARD_DATABASE_URL=$db $PYTHON -m naravard groups create NAME" >&2
  echo "  NARAVARD_DATABASE_URL=$db $PYTHON -m naravard groups passphrase NAME" >&2
fi

# Run until nginx exits or we are told to stop; a replica that dies is only reported
# (nginx routes around it).
reported=""
while kill -0 "$NGINX_PID" 2>/dev/null; do
  for i in $(seq 1 "$N"); do
    pid=${PIDS[$((i - 1))]}
    if ! kill -0 "$pid" 2>/dev/null && [[ " $reported " != *" $i "* ]]; then
      echo "serve-cluster: replica $i (pid $pid) has exited; nginx routes around it" >&2
      reported+=" $i"
    fi
  done
  sleep 1
done
echo "serve-cluster: nginx exited" >&2
exit 1
