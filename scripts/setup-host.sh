#!/usr/bin/env bash
# Installs and starts what the real-host tests drive: zfs-fuse (ZFS), LXC with the busybox template, CRIU, tmux,
# rsync (the diff benchmark's yardstick),
# and OpenSSH (the cluster harness, test/support/cluster.ts, runs one private sshd per node; no system sshd).
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
command -v rsync >/dev/null || need+=(rsync)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
{ command -v ssh >/dev/null && command -v ssh-keygen >/dev/null; } || need+=(openssh-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup-host: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # No package may start a system service (openssh-server would start an sshd on port 22): a policy-rc.d that
  # denies every start, ours only while installing; one already there (as in Docker images) is left alone.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# setup-host.sh: no service starts while installing\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  trap - EXIT
  if head -2 "$policy" 2>/dev/null | grep -q '^# setup-host.sh:'; then rm -f "$policy"; fi
fi
# sshd refuses to start without its privilege separation directory (normally made by its service unit).
mkdir -p /run/sshd
chmod 755 /run/sshd

[ -e /dev/fuse ] || { echo "setup-host: /dev/fuse is missing; zfs-fuse cannot run here" >&2; exit 1; }

# The machine's own daemon: one in this mount namespace. The multi-node test harness runs more zfs-fuse daemons, each
# in a private namespace of its own (test/support/private-zfs.ts); they do not serve this machine's pools.
own_daemon() {
  local me pid
  me=$(readlink /proc/self/ns/mnt)
  for pid in $(pgrep -x zfs-fuse); do
    [ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" = "$me" ] && return 0
  done
  return 1
}

if ! own_daemon; then
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
