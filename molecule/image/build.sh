#!/usr/bin/env bash
# Builds the test-host image of the Molecule scenarios and the lab without any registry:
# debootstrap of Debian bookworm from the Debian mirror, then `docker import`.
# Usage: molecule/image/build.sh [--force]   (does nothing when the image is there and current)
set -euo pipefail
image=${MESOS_OVERLAY_IMAGE:-mesos-overlay-host:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Everything a master or an agent needs: Python for Ansible, iproute2 and iptables for the
# overlay, Docker and the CNI reference plugins for the containerizers, the Docker SDK for
# the docker_network module, ping/nc/iperf3 for the checks, busybox for a tiny test image.
packages=python3,python3-docker,iproute2,iptables,docker.io,containernetworking-plugins,iputils-ping,procps,netcat-openbsd,iperf3,busybox-static,ca-certificates,kmod
recipe=$(printf '%s %s' "$packages" "$(sha256sum "$0" | cut -c1-12)" | sha256sum | cut -c1-16)

if [ "${1:-}" != "--force" ] && [ "$(docker image inspect -f '{{ index .Config.Labels "recipe" }}' "$image" 2>/dev/null)" = "$recipe" ]; then
  echo "image $image is current ($recipe)"
  exit 0
fi
command -v debootstrap >/dev/null || { apt-get update -q && apt-get install -y -q debootstrap; }

root=$(mktemp -d /var/tmp/mesos-overlay-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "debootstrap bookworm into $root (a few minutes)"
debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
  { tail -20 "$root.log"; exit 1; }
rm -f "$root.log"
# Docker inside the hosts: vfs storage (no overlayfs on tmpfs), no iptables fights with the host.
mkdir -p "$root/etc/docker"
cat >"$root/etc/docker/daemon.json" <<'JSON'
{"storage-driver": "vfs", "log-driver": "json-file"}
JSON
# PID 1 of a test host: what a host's init would do for the overlay (writable sysctls,
# Docker started unless START_DOCKER=0), then wait to be stopped.
cat >"$root/sbin/init-host" <<'SH'
#!/bin/sh
mount -o remount,rw /proc/sys 2>/dev/null || true
if [ "${START_DOCKER:-1}" = 1 ]; then
  dockerd >/var/log/dockerd.log 2>&1 &
fi
trap 'exit 0' TERM INT
while :; do sleep 3600 & wait $!; done
SH
chmod 755 "$root/sbin/init-host"
# A tiny image for containers started inside the agents, from the busybox binary alone.
mkdir -p "$root/opt/mesos-overlay/busybox/bin"
cp "$root/bin/busybox" "$root/opt/mesos-overlay/busybox/bin/busybox"
for tool in sh ping ip nc sleep cat ifconfig wget httpd; do ln -sf busybox "$root/opt/mesos-overlay/busybox/bin/$tool"; done
tar -C "$root/opt/mesos-overlay/busybox" -cf "$root/opt/mesos-overlay/busybox.tar" .
rm -rf "$root/opt/mesos-overlay/busybox" "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | docker import \
  -c 'CMD ["/sbin/init-host"]' -c "LABEL recipe=$recipe" - "$image" >/dev/null
echo "built $image ($recipe)"
