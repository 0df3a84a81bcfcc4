# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the host daemon's Prometheus metrics (``mesos-overlay run
--metrics ADDRESS:PORT``), in the standard text format through the prometheus-client library
(Debian ``python3-prometheus-client``), on a registry of its own (no process metrics of the
library's default registry).

What the daemon counts is recorded as it happens (passes, their results and durations, the
repairs, the store's reachability); what the kernel holds is read when Prometheus scrapes
(the peers by state, as ``mesos-overlay status`` reads them, and the VTEP's own counters from
sysfs), so a scrape never reports an older truth than the kernel's.

prometheus-client is imported when the metrics are turned on only: a host without it runs the
daemon without metrics.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import options
from ansible_collections.mesos.overlay.plugins.module_utils._host import HostError
from ansible_collections.mesos.overlay.plugins.module_utils._nftables import policy_packets

# The port the vtep role serves the metrics on by default (mesos_overlay_metrics_listen).
METRICS_PORT = 9732
# The reconcile durations' buckets, in seconds: a pass that changes nothing takes milliseconds,
# a first restore of a large cluster up to seconds.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# The VTEP's counters, as the kernel keeps them under /sys/class/net/<device>/statistics.
VTEP_COUNTERS = ("rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors", "rx_dropped",
                 "tx_dropped")
SYSFS_NET = "/sys/class/net"


def parse_listen(value, field="--metrics"):
    """``ADDRESS:PORT`` (IPv6 in brackets: ``[fd00::1]:9732``) as (address, port); raises
    ParameterError naming ``field`` and the value."""
    text = value if isinstance(value, str) else ""
    address, colon, port = text.rpartition(":")
    if address.startswith("[") and address.endswith("]"):
        address = address[1:-1]
        version = 6
    else:
        version = 4
    try:
        parsed = ipaddress.ip_address(address)
        number = int(port)
    except ValueError:
        parsed = number = None
    if not colon or parsed is None or parsed.version != version or not 1 <= number <= 65535 or not port.isdigit():
        raise ParameterError("%s: %r is not ADDRESS:PORT (an IPv4 address, or an IPv6 one in brackets, and a port "
                             "1-65535)" % (field, value))
    return str(parsed), number


class _KernelCollector(object):
    """What the kernel holds, read at each scrape: the peers by state, the VTEP's counters and
    the group policy's verdicts."""

    def __init__(self, plane_of, host, iproute=None, sysfs=SYSFS_NET):
        self.plane_of = plane_of
        self.host = host
        self.iproute = iproute
        self.sysfs = sysfs

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily  # pylint: disable=import-error
        from ansible_collections.mesos.overlay.plugins.module_utils._status import kernel_peers

        plane = self.plane_of()
        if plane is None or plane["vxlan_peers"].get("peers") is None:
            return
        peers = GaugeMetricFamily("mesos_overlay_peers", "The peers of this host's plane by state, read from the "
                                  "kernel: desired, programmed (every entry in place), missing; stale counts "
                                  "entries on the VTEP that no peer wants.", labels=["state"])
        try:
            counts = kernel_peers(plane, self.host, self.iproute)
        except (HostError, ParameterError):
            return
        for state, number in (("desired", counts["desired"]), ("programmed", counts["programmed"]),
                              ("missing", len(counts["missing"])), ("stale", len(counts["stale"]))):
            peers.add_metric([state], number)
        yield peers
        device = counts["device"]
        for name in VTEP_COUNTERS:
            try:
                with open(os.path.join(self.sysfs, device, "statistics", name)) as handle:
                    number = int(handle.read().strip())
            except (IOError, OSError, ValueError):
                continue
            direction, what = name.split("_")
            family = CounterMetricFamily("mesos_overlay_vtep_%s" % name, "The VTEP's %s %s (the kernel's counter)."
                                         % ("received" if direction == "rx" else "sent", what),
                                         labels=["device"])
            family.add_metric([device], number)
            yield family
        policy = plane.get("group_policy")
        if policy:
            yield self._policy_packets(options("group_policy", policy))

    def _policy_packets(self, policy):
        from prometheus_client.core import CounterMetricFamily  # pylint: disable=import-error

        family = CounterMetricFamily("mesos_overlay_policy_packets", "The packets to this host's containers that "
                                     "the group policy of an overlay judged, by verdict (allow, deny), from the "
                                     "nftables counters of the overlay's chain.", labels=["overlay", "verdict"])
        for overlay, counted in sorted(policy_packets(self.host, policy).items()):
            for verdict in ("allow", "deny"):
                family.add_metric([overlay, verdict], counted[verdict])
        return family


class _HealthCollector(object):
    """The peers' health (a _health.PeerHealth), read at each scrape."""

    def __init__(self, health):
        self.health = health

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily  # pylint: disable=import-error

        results = self.health.snapshot()
        up = GaugeMetricFamily("mesos_overlay_peer_up", "1 when the peer's VTEP answered the last probe over the "
                               "overlay, else 0.", labels=["peer"])
        rtt = GaugeMetricFamily("mesos_overlay_peer_rtt_seconds", "The round trip of the last probe that the peer's "
                                "VTEP answered.", labels=["peer"])
        full_mtu = GaugeMetricFamily("mesos_overlay_peer_full_mtu_up", "1 when the peer's VTEP answered a probe of the "
                                     "VTEP's full MTU with don't-fragment set, else 0.", labels=["peer"])
        for name, result in sorted(results.items()):
            up.add_metric([name], 1 if result.get("up") else 0)
            if result.get("rtt") is not None:
                rtt.add_metric([name], result["rtt"])
            if result.get("full_mtu") is not None:
                full_mtu.add_metric([name], 1 if result["full_mtu"] else 0)
        families = [up, rtt, full_mtu]
        # One series a host, not one a peer: what an alert on a stopped prober needs.
        last_round = self.health.last_round
        if last_round is not None:
            families.append(GaugeMetricFamily(
                "mesos_overlay_peer_probe_round_timestamp_seconds", "When the peer prober last probed every peer "
                "(Unix time): one that stops advancing is a stopped prober, and the peer_* series are old.",
                value=last_round))
        return families


class _MembersCollector(object):
    """The group plugin's service (a _membership.MemberService), read at each scrape."""

    def __init__(self, members):
        self.members = members

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily  # pylint: disable=import-error

        account = self.members.snapshot()
        serving = GaugeMetricFamily("mesos_overlay_group_plugin_served", "1 while the daemon applies the group "
                                    "plugin's changes (its socket is open), else 0 (the plugin runs nft).")
        serving.add_metric([], 1 if account["serving"] else 0)
        requests = CounterMetricFamily("mesos_overlay_group_plugin_requests", "The group plugin's requests the daemon "
                                       "answered, by result (ok; failed: refused, or a member it could not add).",
                                       labels=["result"])
        requests.add_metric(["ok"], account["served"] - account["failed"])
        requests.add_metric(["failed"], account["failed"])
        return [serving, requests]


class Metrics(object):
    """The daemon's metrics on a registry of their own; ``serve`` starts the HTTP server."""

    def __init__(self, plane_of, host, iproute=None, sysfs=SYSFS_NET):
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram  # pylint: disable=import-error

        self.registry = CollectorRegistry()
        self.reconciles = Counter("mesos_overlay_reconcile", "The daemon's passes by result (ok, error).",
                                  ["result"], registry=self.registry)
        for result in ("ok", "error"):
            self.reconciles.labels(result)
        self.duration = Histogram("mesos_overlay_reconcile_duration_seconds", "How long a pass took.",
                                  buckets=DURATION_BUCKETS, registry=self.registry)
        self.last = Gauge("mesos_overlay_last_reconcile_timestamp_seconds",
                          "When the last pass that succeeded ended (Unix time).", registry=self.registry)
        self.repairs = Counter("mesos_overlay_drift_repairs", "Entries put back or removed by the daemon while the "
                               "plane had not changed (hand-made changes undone).", registry=self.registry)
        self.store_up = Gauge("mesos_overlay_store_up", "1 when the store answered at the last pass (the ZooKeeper "
                              "ensemble; with the files store, the plane file), else 0.", registry=self.registry)
        self.registry.register(_KernelCollector(plane_of, host, iproute, sysfs))

    # The daemon tells the status file and the metrics the same things (see _status.DaemonStatus).
    def store_read(self, up):
        self.store_up.set(1 if up else 0)

    def passed(self, result, changes, repairs, seconds):
        import time  # pylint: disable=import-outside-toplevel

        self.reconciles.labels(result).inc()
        self.duration.observe(seconds)
        if result == "ok":
            self.last.set(time.time())
        if repairs:
            self.repairs.inc(repairs)

    def problems(self, problems):
        pass

    def follow_health(self, health):
        """Serve the peers' health (a _health.PeerHealth) too."""
        self.registry.register(_HealthCollector(health))

    def follow_members(self, members):
        """Serve the group plugin's service's account (a _membership.MemberService) too."""
        self.registry.register(_MembersCollector(members))

    def text(self):
        """The exposition, as a scrape gets it."""
        from prometheus_client import generate_latest  # pylint: disable=import-error

        return generate_latest(self.registry).decode()

    def serve(self, address, port):
        """Serve the registry on ``address``:``port`` in a daemon thread; raises OSError (address
        in use, not on this host)."""
        from prometheus_client import start_http_server  # pylint: disable=import-error

        start_http_server(port, addr=address, registry=self.registry)


def metrics_of(listen, plane_of, host, **reading):
    """The Metrics served on ``listen`` (``ADDRESS:PORT``), or None when it is empty (``reading``:
    Metrics' iproute and sysfs, for tests). Raises
    ParameterError (the setting does not parse, prometheus-client missing) or OSError (cannot
    listen), each naming the setting."""
    if not listen:
        return None
    address, port = parse_listen(listen)
    try:
        metrics = Metrics(plane_of, host, **reading)
    except ImportError:
        raise ParameterError("--metrics %s: the prometheus_client module is not installed (Debian and Ubuntu: "
                             "apt-get install python3-prometheus-client)" % listen)
    try:
        metrics.serve(address, port)
    except OSError as exc:
        raise OSError(exc.errno, "--metrics %s: cannot listen there (%s)" % (listen, exc.strerror or exc))
    return metrics


__all__ = ("METRICS_PORT", "Metrics", "metrics_of", "parse_listen")
