#!/usr/bin/env bash
# Makes sure a Docker daemon answers on this machine: installs Debian's docker.io when the engine
# (`dockerd`) is missing (a machine may have the `docker` client alone) and starts dockerd in the
# background when `docker info` fails. Idempotent: on a machine where Docker already runs it does
# nothing. Needs root for the install and the start.
set -euo pipefail

if ! command -v dockerd >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "docker is not installed; run this script as root so it can install Debian's docker.io." >&2
    exit 1
  fi
  echo "installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends docker.io
fi

if docker info >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "the Docker daemon does not answer (docker info failed); start it (as root: bash scripts/docker.sh)" >&2
  echo "or add this user to the docker group." >&2
  exit 1
fi

# A machine without systemd (a CI container) has nobody to start the daemon, so start it here,
# detached from this shell so it outlives the script.
# dockerd writes its pid file; a daemon still starting up must not get a second one beside it.
if ! { [ -s /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; }; then
  echo "starting dockerd (log: /var/log/dockerd.log)"
  nohup dockerd >>/var/log/dockerd.log 2>&1 </dev/null &
  disown
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "dockerd answers"
    exit 0
  fi
  sleep 1
done
echo "dockerd did not answer within 60 s; see /var/log/dockerd.log for why (a missing kernel feature," >&2
echo "another daemon holding /var/run/docker.sock, or no permission to create network bridges)." >&2
exit 1
