#!/usr/bin/env bash
# Builds the local Docker images the training examples run in, aitip/base:1 and aitip/pytorch:1,
# without any image registry: a debootstrap minbase root of Debian with images/base/packages is
# the base; a copy of it with images/pytorch/packages added by apt (then pruned by
# images/pytorch/prune.py) is the PyTorch root. Each root is imported with `docker import`, the thin
# images/Dockerfile goes on top, and a smoke test must pass before the image is tagged. An image
# whose recipe (this script and images/) is unchanged is kept: its label aitip.dev/recipe holds the
# recipe's hash. Needs root (debootstrap, chroot).
#
# Usage: bash scripts/images.sh [--force]   (--force: rebuild even images that are up to date)
# Environment: AITIP_DEBIAN_MIRROR (default: the first Debian source of this host's apt for the
# suite), AITIP_IMAGES_CACHE (downloaded packages, kept between runs; default ~/.cache/aitip/images).
set -euo pipefail
cd "$(dirname "$0")/.."

readonly SUITE=bookworm
readonly IMAGES=(base pytorch)
readonly LABEL=aitip.dev/recipe
readonly CACHE="${AITIP_IMAGES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aitip/images}"

started=$EPOCHREALTIME
# Seconds since $1 (an $EPOCHREALTIME), with one decimal.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }
fail() {
  echo "images: $*" >&2
  exit 1
}

# The mirror URI of the first enabled Debian source of this host for $SUITE, from deb822 .sources
# files or one-line .list files, so the build uses whatever mirror (or proxy) the machine already uses.
host_mirror() {
  local files=()
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ ${#files[@]} -gt 0 ] || return 0
  awk -v suite="$SUITE" '
    function flush() {
      if (types ~ /(^|[ \t])deb([ \t]|$)/ && (" " suites " ") ~ ("[ \t]" suite "[ \t]") && tolower(enabled) != "no" && uris != "") {
        split(uris, u, /[ \t]+/); print u[1]; found = 1; exit
      }
      types = ""; uris = ""; suites = ""; enabled = ""
    }
    FNR == 1 { flush() }
    /^[ \t]*#/ { next }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if (match($0, /^[A-Za-z-]+:/)) {
        key = tolower(substr($0, 1, RLENGTH - 1)); value = substr($0, RLENGTH + 1)
        gsub(/^[ \t]+|[ \t]+$/, "", value)
        if (key == "types") types = value; else if (key == "uris") uris = value
        else if (key == "suites") suites = value; else if (key == "enabled") enabled = value
      }
      next
    }
    $1 == "deb" {
      i = 2
      if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      if ($(i + 1) == suite) { print $i; found = 1; exit }
    }
    END { if (!found) flush() }
  ' "${files[@]}"
}

# The hash of everything that decides what an image holds.
recipe_hash() {
  cat scripts/images.sh images/Dockerfile images/base/* "images/$1"/* | sha256sum | cut -c1-16
}

image_recipe() {
  docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "aitip/$1:1" 2>/dev/null || true
}

# Unmounts what a failed debootstrap may have left mounted below $work, then deletes $work.
cleanup() {
  [ -n "${work:-}" ] && [ -d "$work" ] || return 0
  awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do
    umount -l "$mount" || true
  done
  rm -rf --one-file-system "$work"
}

# Removes what the image does not need at run time: docs, translations, apt's package lists and
# caches, logs, and the host's resolv.conf/hostname that debootstrap copies in (Docker supplies them).
strip_root() {
  local root=$1
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
    "$root"/usr/share/lintian "$root"/usr/share/bug "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* \
    "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old "$root"/var/log/* "$root"/tmp/* \
    "$root"/etc/resolv.conf "$root"/etc/hostname
}

# debootstrap's minbase with the base packages, busybox's extra applets linked, and dpkg told to
# skip docs and translations in anything installed later (the PyTorch packages, derived images).
make_base_root() {
  local root=$1 step=$EPOCHREALTIME packages
  packages=$(grep -v '^#' images/base/packages | xargs | tr ' ' ',')
  echo "debootstrap $SUITE minbase with $packages (log: $work/debootstrap.log while it runs)"
  if ! debootstrap --variant=minbase --include="$packages" --cache-dir="$CACHE/debs" \
    "$SUITE" "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -n 30 "$work/debootstrap.log" >&2
    fail "debootstrap failed (mirror $mirror); set AITIP_DEBIAN_MIRROR to a reachable Debian mirror if this one is not."
  fi
  # busybox's applets where Debian has no command of that name (wget, unzip, vi, ...).
  chroot "$root" /bin/sh -c 'for a in $(busybox --list); do command -v "$a" >/dev/null || ln -s /bin/busybox "/usr/local/bin/$a"; done'
  {
    printf 'path-exclude=/usr/share/%s/*\n' doc man info locale
    printf 'path-include=/usr/share/doc/*/copyright\n'
  } >"$root/etc/dpkg/dpkg.cfg.d/aitip-no-docs"
  echo "  debootstrap: $(since "$step")"
}

# Installs images/pytorch/packages into a copy of the base root with apt (debootstrap left its
# package lists there), sharing the package cache, then prunes what torch never loads.
make_pytorch_root() {
  local root=$1 step=$EPOCHREALTIME packages
  packages=$(grep -v '^#' images/pytorch/packages | xargs)
  chroot "$root" dpkg-query --show --showformat '${Package}\n' >"$work/base-packages"
  rm -f "$root"/var/cache/apt/archives/*.deb
  mount --bind "$CACHE/debs" "$root/var/cache/apt/archives"
  echo "apt-get install $packages (log: $work/apt.log while it runs)"
  if ! DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install --yes --quiet --no-install-recommends \
    -o Dpkg::Options::=--force-unsafe-io $packages >"$work/apt.log" 2>&1; then
    tail -n 30 "$work/apt.log" >&2
    fail "apt-get install failed in the PyTorch root (mirror $mirror); see the lines above."
  fi
  umount "$root/var/cache/apt/archives"
  echo "  apt-get install: $(since "$step")"

  step=$EPOCHREALTIME
  strip_root "$root"
  cp images/pytorch/prune.py "$work/base-packages" "$root/tmp/"
  chroot "$root" python3 /tmp/prune.py /tmp/base-packages | sed 's/^/  /'
  rm -f "$root/tmp/prune.py" "$root/tmp/base-packages"
  echo "  prune: $(since "$step")"
}

# Imports a finished root, builds images/Dockerfile on it, smoke-tests the result and tags it.
finish_image() {
  local name=$1 root=$2 step=$EPOCHREALTIME root_image image output old
  root_image=$(tar -C "$root" --numeric-owner -c . | docker import --message "aitip/$name:1 root" -)
  echo "  docker import ($(du -sh --one-file-system "$root" | cut -f1)): $(since "$step")"

  step=$EPOCHREALTIME
  if ! output=$(DOCKER_BUILDKIT=0 docker build --quiet --file images/Dockerfile --build-arg "ROOT=$root_image" \
    --label "$LABEL=${hashes[$name]}" "images/$name" 2>&1); then
    echo "$output" >&2
    fail "docker build failed for aitip/$name:1"
  fi
  image=$(tail -n 1 <<<"$output")
  echo "  docker build: $(since "$step")"

  # Tagged only once it works, so a broken build is not taken for an up-to-date image next time.
  step=$EPOCHREALTIME
  local smoke=(docker run --rm -i --network none --read-only --tmpfs /tmp --cap-drop ALL
    --security-opt no-new-privileges "$image")
  if [ -f "images/$name/smoke.py" ]; then smoke+=(python3 -); else smoke+=(sh -s); fi
  if ! output=$("${smoke[@]}" <images/"$name"/smoke.* 2>&1); then
    echo "$output" >&2
    docker rmi "$image" >/dev/null 2>&1 || true
    fail "the new aitip/$name:1 failed its smoke test (images/$name/smoke.*); see the output above."
  fi
  echo "  $(tail -n 1 <<<"$output")"
  echo "  smoke test: $(since "$step")"

  old=$(docker image inspect --format '{{.Id}}' "aitip/$name:1" 2>/dev/null || true)
  docker tag "$image" "aitip/$name:1"
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect --format '{{.Id}}' "$image")" ]; then
    docker rmi "$old" >/dev/null 2>&1 || echo "  (the previous aitip/$name:1 is still in use; remove $old later)"
  fi
}

force=
case "${1:-}" in
  "") ;;
  --force) force=1 ;;
  *) fail "unknown argument $1; the only option is --force (rebuild images that are up to date)" ;;
esac

bash scripts/docker.sh

# One build at a time per cache; one that waited then finds the images the other built up to date.
mkdir -p "$CACHE/debs"
exec 9>"$CACHE/lock"
flock -n 9 || {
  echo "waiting for another images build to finish"
  flock 9
}

declare -A hashes=() todo=()
for name in "${IMAGES[@]}"; do
  hashes[$name]=$(recipe_hash "$name")
  if [ -z "$force" ] && [ "$(image_recipe "$name")" = "${hashes[$name]}" ]; then
    echo "aitip/$name:1 is up to date (recipe ${hashes[$name]})"
  else
    todo[$name]=1
  fi
done
if [ ${#todo[@]} -eq 0 ]; then
  echo "images: nothing to build ($(since "$started"))"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || fail "building images needs root (debootstrap and chroot); run it as root."
command -v debootstrap >/dev/null || fail "debootstrap is missing; install it: apt-get install debootstrap"
mirror=${AITIP_DEBIAN_MIRROR:-$(host_mirror)}
[ -n "$mirror" ] || fail "found no Debian $SUITE source in /etc/apt; set AITIP_DEBIAN_MIRROR to a Debian mirror URI."

# Packages this host's apt already downloaded are the same files debootstrap and apt would fetch
# (both check each one's checksum before use); hard links cost nothing and save the download.
if [ -d /var/cache/apt/archives ]; then
  find /var/cache/apt/archives -maxdepth 1 -name '*.deb' -exec cp --link --no-clobber -t "$CACHE/debs" {} + 2>/dev/null || true
fi

work=$(mktemp -d /var/tmp/aitip-images.XXXXXX)
trap cleanup EXIT
make_base_root "$work/base"
if [ -n "${todo[pytorch]:-}" ]; then
  if [ -n "${todo[base]:-}" ]; then cp -a "$work/base" "$work/pytorch"; else mv "$work/base" "$work/pytorch"; fi
fi
if [ -n "${todo[base]:-}" ]; then
  echo "aitip/base:1"
  strip_root "$work/base"
  finish_image base "$work/base"
fi
if [ -n "${todo[pytorch]:-}" ]; then
  echo "aitip/pytorch:1"
  make_pytorch_root "$work/pytorch"
  finish_image pytorch "$work/pytorch"
fi
for name in "${IMAGES[@]}"; do
  size=$(docker image inspect --format '{{.Size}}' "aitip/$name:1")
  echo "aitip/$name:1: $((size / 1000000)) MB"
done
echo "images: built ${!todo[*]} in $(since "$started")"
