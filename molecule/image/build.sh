#!/usr/bin/env bash
# Builds the test-host image of the Molecule scenarios and the lab without any registry:
# debootstrap of Debian bookworm from the Debian mirror, then `docker import`.
# Usage: molecule/image/build.sh [--force]   (does nothing when the image is there and current)
set -euo pipefail
image=${MESOS_OVERLAY_IMAGE:-mesos-overlay-host:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Everything a master or an agent needs: Python for Ansible, iproute2, iptables and nftables (group policy) for the
# overlay, Docker and the CNI reference plugins for the containerizers, the Docker SDK for
# the docker_network module, ZooKeeper (zookeeperd, for the masters of the live store) and its client
# kazoo with prometheus-client for the host daemon, ping/nc/iperf3 for the checks, busybox for a tiny test image,
# and systemd, so that a host boots like a real one (/sbin/init; `docker restart` reboots it).
packages=python3,python3-docker,python3-kazoo,python3-prometheus-client,zookeeperd,iproute2,iptables,nftables,python3-nftables,docker.io,containernetworking-plugins,iputils-ping,procps,netcat-openbsd,iperf3,busybox-static,ca-certificates,kmod,systemd,systemd-sysv
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
# ZooKeeper runs only where a test or the lab starts it (the masters of a live store): a JVM
# on every test host would take memory and start-up time for nothing.
chroot "$root" update-rc.d zookeeper disable >/dev/null 2>&1 || true
rm -f "$root"/etc/rc?.d/S*zookeeper "$root/etc/systemd/system/multi-user.target.wants/zookeeper.service"
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
# Hosts that boot with systemd (/sbin/init, container=docker): after every (re)start Docker
# mounts /proc/sys read-only, which a real host never has: remount it before systemd-sysctl.
# Hardened hosts drop forwarded traffic by default: so does this one, at every boot.
cat >"$root/etc/systemd/system/test-host-proc-sys.service" <<'UNIT'
[Unit]
Description=Test host: /proc/sys writable as on a real host
DefaultDependencies=no
Before=systemd-sysctl.service sysinit.target
[Service]
Type=oneshot
ExecStart=/bin/mount -o remount,rw /proc/sys
[Install]
WantedBy=sysinit.target
UNIT
cat >"$root/etc/systemd/system/test-host-forward-drop.service" <<'UNIT'
[Unit]
Description=Test host: drop forwarded traffic by default, as hardened hosts do
After=test-host-proc-sys.service
Before=network-pre.target docker.service mesos-overlay.service
Wants=network-pre.target
[Service]
Type=oneshot
ExecStart=/usr/sbin/iptables -P FORWARD DROP
ExecStart=/usr/sbin/ip6tables -P FORWARD DROP
[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$root/etc/systemd/system/sysinit.target.wants"
ln -sf /etc/systemd/system/test-host-proc-sys.service "$root/etc/systemd/system/sysinit.target.wants/test-host-proc-sys.service"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/test-host-forward-drop.service "$root/etc/systemd/system/multi-user.target.wants/test-host-forward-drop.service"
# Nothing in a container for these to do, and they would only fail.
for unit in systemd-udevd.service systemd-udev-trigger.service systemd-networkd-wait-online.service getty@tty1.service \
            systemd-logind.service systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
# A tiny image for containers started inside the agents, from the busybox binary alone.
mkdir -p "$root/opt/mesos-overlay/busybox/bin"
cp "$root/bin/busybox" "$root/opt/mesos-overlay/busybox/bin/busybox"
for tool in sh ping ip nc sleep cat ifconfig wget httpd; do ln -sf busybox "$root/opt/mesos-overlay/busybox/bin/$tool"; done
tar -C "$root/opt/mesos-overlay/busybox" -cf "$root/opt/mesos-overlay/busybox.tar" .
rm -rf "$root/opt/mesos-overlay/busybox" "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | docker import \
  -c 'CMD ["/sbin/init-host"]' -c "LABEL recipe=$recipe" - "$image" >/dev/null
echo "built $image ($recipe)"
