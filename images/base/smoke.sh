# Checks a freshly built aitip/base:1 from inside (read-only root, user aitip, no network).
set -eu
test "$(id -u):$(id -g)" = "1000:1000"
test "$(pwd)" = /workspace
for tool in sh tar wget; do command -v "$tool" >/dev/null; done
test -s /etc/ssl/certs/ca-certificates.crt
echo "aitip/base:1 works: $(busybox | head -n 1)"
