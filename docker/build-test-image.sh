#!/usr/bin/env bash
# Build the bqx test image bqx-test/postgres15-cron:2 WITHOUT pulling anything from a
# registry: debootstrap a minimal Debian 12 root filesystem from the same Debian mirror
# the host's apt uses, install postgresql-15 + postgresql-15-cron inside it, add PLV8
# (below), strip it, add docker/entrypoint.sh, and `docker import` the tree.
#
# PLV8: no registry here carries it, so when ../shared/plv8/build.sh sits beside the
# repo (or BQX_PLV8_BUILD names that script) it compiles PLV8 once on the host into a
# binary bundle (`build.sh --bundle`, cached in the cache dir; this also installs PLV8 on
# the host) and installs the bundle into the rootfs (`build.sh install-bundle`, no
# compiler in the image). Without that script the image is built WITHOUT PLV8 and the
# script says so loudly; the image's label org.bqx.plv8 says which (a version or "none").
#
# Usage: docker/build-test-image.sh [--force] [--clean]
#   --force  rebuild even if the image already exists
#   --clean  also throw away the cached base rootfs, .deb files and PLV8 bundle (.test-image/)
# Env: BQX_TEST_IMAGE (default bqx-test/postgres15-cron:2),
#      BQX_TEST_IMAGE_CACHE (default <repo>/.test-image), DEBIAN_MIRROR (override),
#      BQX_PLV8_BUILD (default <repo>/../shared/plv8/build.sh; "none" = no PLV8).
# Needs: root, debootstrap, a running Docker engine (and for PLV8: PostgreSQL 15 on the host).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
IMAGE=${BQX_TEST_IMAGE:-bqx-test/postgres15-cron:2}
CACHE=${BQX_TEST_IMAGE_CACHE:-$repo/.test-image}
SUITE=bookworm
force=0; clean=0
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    --clean) clean=1; force=1 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "build-test-image: unknown argument $a" >&2; exit 2 ;;
  esac
done

log() { echo "build-test-image: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot need it)"
command -v docker >/dev/null || die "docker CLI not found: apt-get install docker.io"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start one: docker/start-dockerd.sh)"

if [ "$force" = 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "image $IMAGE already present (use --force to rebuild)"
  exit 0
fi
command -v debootstrap >/dev/null || die "debootstrap not found: apt-get install debootstrap"

t0=$(date +%s)
# one build at a time (two test runs may both find the image missing)
mkdir -p "$CACHE"
exec 9> "$CACHE/.build.lock"
if ! flock -n 9; then
  log "another build is running; waiting for it"
  flock 9
  if [ "$force" = 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
    log "image $IMAGE was built meanwhile"
    exit 0
  fi
fi
[ "$clean" = 1 ] && { log "removing cache $CACHE"; rm -rf "$CACHE"/base-*.tar "$CACHE/debs" "$CACHE"/plv8-*.tar.gz; }
mkdir -p "$CACHE/debs"

# --- which mirror: the one the host's apt uses for Debian main (deb822 or one-line) ---
find_uris() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    case "$f" in
      *.sources) awk '/^[[:space:]]*URIs:/{for(i=2;i<=NF;i++)print $i}' "$f" ;;
      *) awk '/^[[:space:]]*deb[[:space:]]/{for(i=2;i<=NF;i++) if ($i ~ /^[a-z+]+:\/\//) {print $i; break}}' "$f" ;;
    esac
  done
}
MIRROR=${DEBIAN_MIRROR:-}
SECURITY=${DEBIAN_SECURITY_MIRROR:-}
if [ -z "$MIRROR" ]; then
  while read -r u; do
    case "$u" in
      *debian-security*) [ -z "$SECURITY" ] && SECURITY=$u ;;
      */debian|*/debian/) [ -z "$MIRROR" ] && MIRROR=${u%/} ;;
    esac
  done < <(find_uris)
fi
MIRROR=${MIRROR:-http://deb.debian.org/debian}
log "Debian mirror: $MIRROR${SECURITY:+ (security: $SECURITY)}"

# apt settings the host needs to reach its mirror (proxies), copied into the chroot
apt_proxy_conf=$(grep -rhis 'proxy' /etc/apt/apt.conf /etc/apt/apt.conf.d 2>/dev/null | grep -v '^[[:space:]]*//' || true)

work=$(mktemp -d "${TMPDIR:-/tmp}/bqx-test-image.XXXXXX")
root="$work/root"
cleanup() {
  for m in proc sys dev/pts dev; do mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m" || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# --- 0. PLV8: a binary bundle compiled on the host (cached), or none, said loudly ---
PLV8_BUILD=${BQX_PLV8_BUILD:-$repo/../shared/plv8/build.sh}
plv8_bundle=""; plv8_version=none
without_plv8() {
  log "WARNING: ******************************************************************"
  log "WARNING: $*"
  log "WARNING: building $IMAGE WITHOUT PLV8: in it only the sql engine can be tested,"
  log "WARNING: and a run with BQX_REQUIRE_PLV8=1 (CI) fails its plv8 engine tests."
  log "WARNING: ******************************************************************"
}
if [ "$PLV8_BUILD" = none ]; then
  without_plv8 "BQX_PLV8_BUILD=none"
elif [ ! -f "$PLV8_BUILD" ]; then
  without_plv8 "no PLV8 build script at $PLV8_BUILD (../shared/plv8 is not beside this clone)"
else
  # keyed by the build script, so a new PLV8 version in it makes a new bundle
  plv8_bundle="$CACHE/plv8-bundle-$(sha256sum "$PLV8_BUILD" | cut -c1-12).tar.gz"
  if [ -s "$plv8_bundle" ]; then
    log "using cached PLV8 bundle $plv8_bundle"
  else
    log "compiling PLV8 on the host: bash $PLV8_BUILD --bundle (also installs it on the host; about a minute)..."
    PLV8_WORK="$work/plv8-build" PLV8_BUNDLE="$plv8_bundle" bash "$PLV8_BUILD" --bundle > "$work/plv8-build.log" 2>&1 \
      || { tail -30 "$work/plv8-build.log" >&2; die "bash $PLV8_BUILD --bundle failed (log above)"; }
  fi
  plv8_version=$(tar -tzf "$plv8_bundle" | sed -n 's|.*/plv8-\([0-9.]*\)\.so$|\1|p' | head -1)
  [ -n "$plv8_version" ] || die "no plv8-<version>.so in $plv8_bundle"
fi

# --- 1. base rootfs (cached as a tarball) ---
base="$CACHE/base-$SUITE-minbase.tar"
if [ -s "$base" ]; then
  log "using cached base rootfs $base"
  mkdir -p "$root" && tar -xpf "$base" -C "$root"
else
  log "debootstrap --variant=minbase $SUITE (about a minute)..."
  # two stages, so that dpkg in the second one can skip its per-file fsync (the
  # slowest part on a busy 2-core box); this rootfs is throwaway until it is tarred
  debootstrap --foreign --variant=minbase --cache-dir="$CACHE/debs" "$SUITE" "$root" "$MIRROR" \
    > "$work/debootstrap.log" 2>&1 || { tail -40 "$work/debootstrap.log" >&2; die "debootstrap (first stage) failed (log above)"; }
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
  echo force-unsafe-io > "$root/etc/dpkg/dpkg.cfg.d/90bqx-unsafe-io"
  chroot "$root" /debootstrap/debootstrap --second-stage \
    >> "$work/debootstrap.log" 2>&1 || { tail -40 "$work/debootstrap.log" >&2; die "debootstrap (second stage) failed (log above)"; }
  tar -cpf "$base.tmp" -C "$root" . && mv "$base.tmp" "$base"
  log "base rootfs cached in $base ($(du -h "$base" | cut -f1)) after $(( $(date +%s) - t0 ))s"
fi

# --- 2. apt sources and policies inside the chroot ---
{
  echo "deb $MIRROR $SUITE main"
  echo "deb $MIRROR $SUITE-updates main"
  [ -n "$SECURITY" ] && echo "deb $SECURITY $SUITE-security main"
} > "$root/etc/apt/sources.list"
rm -f "$root"/etc/apt/sources.list.d/*
# the host may point at a snapshot whose Release files are old
printf 'Acquire::Check-Valid-Until "false";\nAcquire::Languages "none";\n' > "$root/etc/apt/apt.conf.d/90bqx"
[ -n "$apt_proxy_conf" ] && printf '%s\n' "$apt_proxy_conf" > "$root/etc/apt/apt.conf.d/91bqx-proxy"
# no services started by maintainer scripts; no default cluster (the entrypoint makes one)
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod +x "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/etc/postgresql-common/createcluster.d"
echo 'create_main_cluster = false' > "$root/etc/postgresql-common/createcluster.d/bqx.conf"
# no docs/man/locales from here on
cat > "$root/etc/dpkg/dpkg.cfg.d/90bqx-nodoc" <<'CFG'
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
CFG
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

# --- 3. install PostgreSQL 15 + pg_cron (reuse cached .debs) ---
mkdir -p "$root/var/cache/apt/archives"
cp -n "$CACHE"/debs/*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
mount -t proc proc "$root/proc"
log "apt-get install postgresql-15 postgresql-15-cron in the chroot..."
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive sh -c \
  'apt-get update -q && apt-get install -y -q --no-install-recommends postgresql-15 postgresql-15-cron' \
  > "$work/apt.log" 2>&1 || { tail -40 "$work/apt.log" >&2; die "apt-get in the chroot failed (log above)"; }
if [ -n "$plv8_bundle" ]; then
  # the bundle's files + the few runtime libraries its libnode needs (apt), no compiler
  log "installing PLV8 $plv8_version in the chroot (build.sh install-bundle)..."
  mkdir -p "$root/tmp/bqx-plv8"
  cp "$PLV8_BUILD" "$root/tmp/bqx-plv8/build.sh"
  cp "$plv8_bundle" "$root/tmp/bqx-plv8/bundle.tar.gz"
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive bash /tmp/bqx-plv8/build.sh install-bundle /tmp/bqx-plv8/bundle.tar.gz \
    > "$work/plv8-install.log" 2>&1 || { tail -40 "$work/plv8-install.log" >&2; die "installing PLV8 in the chroot failed (log above)"; }
  rm -rf "$root/tmp/bqx-plv8"
fi
umount "$root/proc"
cp -n "$root"/var/cache/apt/archives/*.deb "$CACHE/debs/" 2>/dev/null || true
chroot "$root" /usr/lib/postgresql/15/bin/postgres --version >&2
ls "$root/usr/lib/postgresql/15/lib/pg_cron.so" >/dev/null || die "pg_cron.so missing in the image"
if [ -n "$plv8_bundle" ]; then
  ls "$root/usr/lib/postgresql/15/lib/plv8-$plv8_version.so" "$root/usr/share/postgresql/15/extension/plv8.control" >/dev/null \
    || die "plv8 files missing in the image"
fi

# --- 4. strip: caches, docs, LLVM (JIT is off in this image) ---
rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/cache/debconf/*-old \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
  "$root"/usr/share/i18n "$root"/var/log/*.log "$root"/tmp/* "$root/etc/resolv.conf"
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
rm -f "$root"/usr/lib/x86_64-linux-gnu/libLLVM-*.so* "$root"/usr/lib/x86_64-linux-gnu/libz3.so* \
  "$root"/usr/lib/postgresql/15/lib/llvmjit*.so
rm -rf "$root"/usr/lib/postgresql/15/lib/bitcode
rm -f "$root/etc/dpkg/dpkg.cfg.d/90bqx-unsafe-io"
install -m 0755 "$here/entrypoint.sh" "$root/usr/local/bin/bqx-entrypoint"
mkdir -p "$root/var/lib/postgresql" "$root/var/run/postgresql"
chroot "$root" chown postgres:postgres /var/lib/postgresql /var/run/postgresql
log "rootfs is $(du -sh "$root" | cut -f1)"

# --- 5. import ---
log "docker import -> $IMAGE"
tar -C "$root" -c . | docker import \
  --change 'ENTRYPOINT ["/usr/local/bin/bqx-entrypoint"]' \
  --change 'EXPOSE 5432' \
  --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV PGDATA=/var/lib/postgresql/data' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'LABEL org.bqx.test-image=1' \
  --change "LABEL org.bqx.plv8=$plv8_version" \
  --message "bqx test image: Debian $SUITE minbase + postgresql-15 + postgresql-15-cron + plv8 $plv8_version" \
  - "$IMAGE" >/dev/null
log "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')) in $(( $(date +%s) - t0 ))s; plv8: $plv8_version"
[ -n "$plv8_bundle" ] || without_plv8 "(repeated) $IMAGE has no PLV8"
