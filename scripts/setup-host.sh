#!/usr/bin/env bash
# Installs and starts what the real-host tests drive: zfs-fuse (ZFS), LXC with the busybox template, CRIU, tmux.
# Idempotent: installs only what is missing (one `apt-get update` first), starts zfs-fuse only if it is not running.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "setup-host: must run as root (zfs-fuse needs /dev/fuse and root)" >&2
  exit 1
fi

need=()
command -v zfs-fuse >/dev/null || need+=(zfs-fuse)
command -v lxc-create >/dev/null || need+=(lxc)
[ -e /usr/share/lxc/templates/lxc-busybox ] || need+=(lxc-templates)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v criu >/dev/null || need+=(criu)
command -v tmux >/dev/null || need+=(tmux)
command -v zstd >/dev/null || need+=(zstd)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup-host: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

[ -e /dev/fuse ] || { echo "setup-host: /dev/fuse is missing; zfs-fuse cannot run here" >&2; exit 1; }

if ! pgrep -x zfs-fuse >/dev/null; then
  # A daemon that died leaves its FUSE mounts behind ("Transport endpoint is not connected"): drop them first.
  awk '$3 == "fuse.zfs" { print $2 }' /proc/mounts | sort -r | while read -r mp; do
    umount -l "$(printf '%b' "$mp")" 2>/dev/null || true
  done
  echo "setup-host: starting zfs-fuse"
  rm -f /var/run/zfs-fuse.pid /run/zfs-fuse.pid
  zfs-fuse
  started=1
fi
for _ in $(seq 1 50); do
  if timeout 5 zpool list >/dev/null 2>&1; then
    [ -n "${started:-}" ] && timeout 60 zfs mount -a 2>/dev/null || true
    echo "setup-host: zfs-fuse is answering"
    exit 0
  fi
  sleep 0.2
done
echo "setup-host: zfs-fuse does not answer \`zpool list\`" >&2
exit 1
