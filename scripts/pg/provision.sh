#!/usr/bin/env bash
# Provisions the real-engine root: Debian trixie (minbase, debootstrap) with PostgreSQL 17, pgvector,
# pg_cron, pgTAP, http and plpgsql_check from Debian's packages. These machines run bookworm, whose
# PostgreSQL 15 has no pgvector package, so the server runs from this root through chroot.
#
# The root lives outside the clone (default ~/.cache/supabase-five-domains/pg17-trixie, or
# $REAL_PG_ROOT) so later runs reuse it; it is rebuilt only when PACKAGES below change.
# Needs root (debootstrap, chroot). Prints the root's path on success.
set -euo pipefail

ROOT_DIR="${REAL_PG_ROOT:-$HOME/.cache/supabase-five-domains/pg17-trixie}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES="postgresql-17 postgresql-17-pgvector postgresql-17-cron postgresql-17-pgtap postgresql-17-http postgresql-17-plpgsql-check"
STAMP="$ROOT_DIR/.provisioned"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$PACKAGES" ] && [ -x "$ROOT_DIR/usr/lib/postgresql/17/bin/postgres" ]; then
  echo "$ROOT_DIR"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "provision: debootstrap and chroot need root; or point TEST_DATABASE_URL at your own PostgreSQL 17 with pgvector" >&2
  exit 2
fi

log() { echo "provision: $*" >&2; }
if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap (apt-get)"
  apt-get install -y -q debootstrap >&2 || { apt-get update -q >&2 && apt-get install -y -q debootstrap >&2; }
fi

if [ ! -x "$ROOT_DIR/usr/bin/apt-get" ] || [ ! -f "$ROOT_DIR/.debootstrapped" ]; then
  log "debootstrap --variant=minbase trixie $ROOT_DIR (a few minutes)"
  rm -rf "$ROOT_DIR"
  mkdir -p "$ROOT_DIR"
  debootstrap --variant=minbase trixie "$ROOT_DIR" "$MIRROR" >&2
  touch "$ROOT_DIR/.debootstrapped"
fi

# No services start inside the root, and the packages create no cluster of their own.
printf '#!/bin/sh\nexit 101\n' > "$ROOT_DIR/usr/sbin/policy-rc.d"
chmod +x "$ROOT_DIR/usr/sbin/policy-rc.d"
mkdir -p "$ROOT_DIR/etc/postgresql-common"
echo "create_main_cluster = false" > "$ROOT_DIR/etc/postgresql-common/createcluster.conf"
cp /etc/resolv.conf "$ROOT_DIR/etc/resolv.conf" 2>/dev/null || true

log "apt-get install $PACKAGES"
chroot "$ROOT_DIR" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get update -q >&2
chroot "$ROOT_DIR" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
  apt-get install -y -q --no-install-recommends $PACKAGES >&2
chroot "$ROOT_DIR" apt-get clean >&2
echo "$PACKAGES" > "$STAMP"
echo "$ROOT_DIR"
