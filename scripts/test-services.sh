#!/usr/bin/env bash
# Installs and starts what the tests need beyond PostgreSQL, Redis and RabbitMQ (which the
# machine runs): Debian's OpenStack Swift with s3api as the real S3 server, Debian's Chromium for
# the browser test, Debian's PyTorch for the training examples, busybox-static for the Docker
# executor tests' image, and Docker with the examples' images (built locally: no image registry is
# needed). Idempotent: does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in swift swift-proxy swift-object swift-container swift-account python3-swift memcached chromium \
  python3-torch python3-numpy python3-onnx debootstrap busybox-static; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}"
fi

bash scripts/swift-s3.sh

for service in "127.0.0.1 5432 PostgreSQL" "127.0.0.1 6379 Redis" "127.0.0.1 5672 RabbitMQ"; do
  set -- $service
  if ! (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then
    echo "$3 is not listening on $1:$2; the tests need it (see README, Testing)." >&2
    exit 1
  fi
done

bash scripts/docker.sh
bash scripts/images.sh
