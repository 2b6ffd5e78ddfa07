#!/usr/bin/env bash
# Runs a one-node OpenStack Swift with the s3api middleware on 127.0.0.1:8080, the real
# S3-compatible server that the blob store tests (and a dev machine without MinIO) talk to.
#
# Usage (as root; needs the Debian packages swift swift-proxy swift-object swift-container
# swift-account python3-swift memcached):
#   scripts/swift-s3.sh [start]   write config, build rings, start everything, wait for health
#   scripts/swift-s3.sh stop      stop the servers this script started
#   scripts/swift-s3.sh status    exit 0 when the proxy answers /healthcheck
#
# Environment:
#   AITIP_SWIFT_DIR             where config, rings, data, logs and pid files live (/tmp/aitip-swift)
#   AITIP_SWIFT_TIMEOUT         seconds to wait for the proxy to become healthy (60)
#   AITIP_SWIFT_PORT            the proxy's (S3) port (8080)
#   AITIP_SWIFT_BACKEND_PORT    first of three ports for the object, container, account servers (6200)
#   AITIP_SWIFT_MEMCACHED_PORT  memcached's port (11211)
#
# Starting is idempotent: when the proxy already answers /healthcheck nothing is touched.
set -euo pipefail

SWIFT_DIR="${AITIP_SWIFT_DIR:-/tmp/aitip-swift}"
TIMEOUT="${AITIP_SWIFT_TIMEOUT:-60}"
PROXY_PORT="${AITIP_SWIFT_PORT:-8080}"
BACKEND_PORT="${AITIP_SWIFT_BACKEND_PORT:-6200}"
MEMCACHED_PORT="${AITIP_SWIFT_MEMCACHED_PORT:-11211}"
ETC="$SWIFT_DIR/etc"
DATA="$SWIFT_DIR/data"
LOGS="$SWIFT_DIR/log"
RUN="$SWIFT_DIR/run"
# Swift's own tools run on the system interpreter, whatever python3 is first on PATH.
PY=/usr/bin/python3
HEALTH_URL="http://127.0.0.1:$PROXY_PORT/healthcheck"

declare -A SERVER_PORTS=(
  [object]=$BACKEND_PORT
  [container]=$((BACKEND_PORT + 1))
  [account]=$((BACKEND_PORT + 2))
)

print_env() {
  echo "Swift s3api is up. Use:"
  echo "S3_ENDPOINT=http://127.0.0.1:$PROXY_PORT S3_ACCESS_KEY=test:tester S3_SECRET_KEY=testing S3_REGION=us-east-1"
}

healthy() {
  "$PY" - "$HEALTH_URL" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    sys.exit(0 if r.read().strip() == b"OK" else 1)
EOF
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when the pid file names a live (not zombie) process whose command line holds $2; a pid
# can outlive its process as a zombie, or be reused by another one.
alive() { # pid file, command-line text
  local pid state
  [[ -f "$1" ]] || return 1
  pid=$(cat "$1")
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/stat" ]] || return 1
  state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
  [[ -n "$state" && "$state" != Z ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

require_tools() {
  local missing=()
  for tool in swift-ring-builder swift-proxy-server swift-object-server swift-container-server \
    swift-account-server memcached setsid; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [[ -x "$PY" ]] || missing+=("$PY")
  if ((${#missing[@]})); then
    echo "swift-s3: missing ${missing[*]}; install with:" >&2
    echo "  apt-get install -y --no-install-recommends swift swift-proxy swift-object swift-container swift-account python3-swift memcached" >&2
    exit 1
  fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "swift-s3: run as root (the Swift servers are configured with user = root)" >&2
    exit 1
  fi
}

# Swift reads /etc/swift/swift.conf whatever swift_dir says; Debian ships a usable one, so it is
# only written when missing or without the hash settings and a default storage policy.
ensure_swift_conf() {
  mkdir -p /etc/swift
  if [[ -f /etc/swift/swift.conf ]] && "$PY" - <<'EOF'; then return; fi
import configparser, sys
c = configparser.ConfigParser()
c.read("/etc/swift/swift.conf")
ok = c.has_option("swift-hash", "swift_hash_path_suffix") or c.has_option("swift-hash", "swift_hash_path_prefix")
ok = ok and any(s.startswith("storage-policy:") for s in c.sections())
sys.exit(0 if ok else 1)
EOF
  if [[ -f /etc/swift/swift.conf ]]; then
    cp /etc/swift/swift.conf "/etc/swift/swift.conf.aitip-backup.$(date +%s)"
  fi
  cat >/etc/swift/swift.conf <<'EOF'
[swift-hash]
swift_hash_path_prefix = aitip
swift_hash_path_suffix = aitip

[storage-policy:0]
name = Policy-0
default = yes
EOF
}

write_server_conf() { # kind
  local kind=$1
  cat >"$ETC/$kind-server.conf" <<EOF
[DEFAULT]
user = root
swift_dir = $ETC
devices = $DATA
mount_check = false
bind_ip = 127.0.0.1
bind_port = ${SERVER_PORTS[$kind]}
workers = 1
log_name = $kind-server

[pipeline:main]
pipeline = $kind-server

[app:$kind-server]
use = egg:swift#$kind
EOF
}

write_proxy_conf() {
  # max_upload_part_num / max_manifest_segments raised to S3's 10000 parts (Swift defaults to 1000).
  cat >"$ETC/proxy-server.conf" <<EOF
[DEFAULT]
user = root
swift_dir = $ETC
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
workers = 1
log_name = proxy-server

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl s3api tempauth copy slo dlo proxy-logging proxy-server

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMCACHED_PORT

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:tempurl]
use = egg:swift#tempurl

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
max_upload_part_num = 10000

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo
max_manifest_segments = 10000

[filter:dlo]
use = egg:swift#dlo

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
EOF
}

build_ring() { # kind
  local kind=$1 builder="$ETC/$1.builder"
  [[ -f "$ETC/$kind.ring.gz" ]] && return
  rm -f "$builder"
  (
    cd "$ETC"
    swift-ring-builder "$builder" create 8 1 1 >/dev/null
    swift-ring-builder "$builder" add "r1z1-127.0.0.1:${SERVER_PORTS[$kind]}/d1" 100 >/dev/null
    # rebalance exits 1 with a warning on a one-device ring even when it wrote the ring
    swift-ring-builder "$builder" rebalance >/dev/null || [[ -f "$ETC/$kind.ring.gz" ]]
  )
}

start_daemon() { # name command...
  local name=$1
  shift
  if alive "$RUN/$name.pid" "$ETC/$name.conf"; then
    return
  fi
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

start() {
  if healthy; then
    print_env
    return
  fi
  require_tools
  mkdir -p "$ETC" "$DATA/d1" "$LOGS" "$RUN"
  ensure_swift_conf
  # rings name the servers' ports: rebuild them when the ports changed
  if [[ "$(cat "$ETC/backend-port" 2>/dev/null)" != "$BACKEND_PORT" ]]; then
    rm -f "$ETC"/*.ring.gz "$ETC"/*.builder
    echo "$BACKEND_PORT" >"$ETC/backend-port"
  fi
  for kind in account container object; do
    write_server_conf "$kind"
    build_ring "$kind"
  done
  write_proxy_conf

  # tempauth keeps its tokens in memcached; a memcached already on the port is reused
  if ! port_open "$MEMCACHED_PORT"; then
    memcached -d -u root -l 127.0.0.1 -p "$MEMCACHED_PORT" -P "$RUN/memcached.pid"
  fi
  for kind in account container object; do
    start_daemon "$kind-server" "swift-$kind-server" "$ETC/$kind-server.conf" -v
  done
  start_daemon proxy-server swift-proxy-server "$ETC/proxy-server.conf" -v

  local waited=0
  until healthy; do
    if ((waited >= TIMEOUT)); then
      echo "swift-s3: the proxy did not answer $HEALTH_URL within ${TIMEOUT}s; last log lines:" >&2
      for log in "$LOGS"/*.log; do
        echo "--- $log" >&2
        tail -n 20 "$log" >&2 || true
      done
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  print_env
}

stop() {
  for name in proxy-server object-server container-server account-server memcached; do
    local pidfile="$RUN/$name.pid" marker="$ETC/$name.conf"
    [[ $name == memcached ]] && marker="$RUN/memcached.pid"
    if alive "$pidfile" "$marker"; then
      local pid
      pid=$(cat "$pidfile")
      # the servers were started with setsid, so their worker children share the session's group
      kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  echo "swift-s3: stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status)
    if healthy; then
      echo "swift-s3: healthy"
    else
      echo "swift-s3: not answering $HEALTH_URL" >&2
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 [start|stop|status]" >&2
    exit 2
    ;;
esac
