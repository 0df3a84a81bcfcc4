# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: a host's health, as ``mesos-overlay status`` tells it.

Two sources, so that the command does not take the daemon's word for the kernel:

- the daemon's own account (``DaemonStatus``), rewritten after every pass to ``STATUS_PATH``
  (world-readable; it holds no secret, the store only as its redacted URL): its pid, when it
  last reconciled and how, the store's reachability, the entries it repaired, its problems;
- the kernel as it is now against the host's plane file, read the way the vxlan_peers step
  reads it (``_vxlan.VxlanPeers``; iproute2's dumps need no root): the peers desired,
  programmed, missing and the stale entries.

``report`` makes the verdict: healthy (exit 0), degraded (1: each problem named with its likely
cause), or not running (2: no daemon).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile
import time

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import STATUS_PATH, check_plane, options
from ansible_collections.mesos.overlay.plugins.module_utils._health import (
    JOINING_INTERVALS, health_problems, joining, some_names)
from ansible_collections.mesos.overlay.plugins.module_utils._host import HostError

HEALTHY, DEGRADED, NOT_RUNNING = 0, 1, 2
HEALTH_WORDS = {HEALTHY: "healthy", DEGRADED: "degraded", NOT_RUNNING: "not running"}
# A daemon whose last pass is older than this many intervals (and at least STALE_PASS_FLOOR
# seconds) is taken as hung: it should pass every interval.
STALE_PASSES = 3
STALE_PASS_FLOOR = 30.0


class DaemonStatus(object):
    """The daemon's account of itself, written atomically to ``path`` after every change of it."""

    def __init__(self, path=STATUS_PATH, interval=None, store=None, health=None, clock=time.time, members=None):
        self.path = path
        self.clock = clock
        # The peers' prober (a _health.PeerHealth), or None: its results go in every write.
        self.health = health
        # The group plugin's service (a _membership.MemberService), or None: its account too.
        self.members = members
        self.data = {
            "pid": os.getpid(), "started": clock(), "interval": interval,
            "probe_interval": None if health is None else health.interval,
            # {"kind": "files" | "zookeeper", "where": redacted URL or None, "up": bool or None,
            #  "last_read": epoch seconds or None}
            "store": store or {"kind": "files", "where": None, "up": None, "last_read": None},
            "last_pass": None, "last_change": None, "changes": 0, "drift_repairs": 0, "last_repair": None,
            "problems": {},
        }

    def store_read(self, up):
        """The store answered (``up``) or not, now."""
        store = self.data["store"]
        store["up"] = up
        if up:
            store["last_read"] = self.clock()

    def passed(self, result, changes, repairs, seconds):
        """A pass ended: ``result`` ``ok`` or ``error``, with its changes, of which ``repairs``
        undid a hand-made change (the plane had not changed), in ``seconds``."""
        now = self.clock()
        self.data["last_pass"] = {"at": now, "result": result, "changes": changes, "seconds": round(seconds, 4)}
        if changes:
            self.data["changes"] += changes
            self.data["last_change"] = now
        if repairs:
            self.data["drift_repairs"] += repairs
            self.data["last_repair"] = now

    def problems(self, problems):
        """The daemon's open problems, {kind: text}."""
        self.data["problems"] = dict(problems)

    def write(self):
        """Atomically (a reader never sees half a file); a failure costs the status, never the plane."""
        if self.health is not None:
            self.data["peer_health"] = self.health.snapshot()
            # The results are judged as of now (joining, stale), not as of when status reads them.
            self.data["peer_health_at"] = self.clock()
        if self.members is not None:
            self.data["group_plugin"] = self.members.snapshot()
        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, mode=0o755, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=".status.")
            with os.fdopen(handle, "w") as stream:
                json.dump(self.data, stream, sort_keys=True)
            os.chmod(temporary, 0o644)
            os.replace(temporary, self.path)
        except OSError:
            return False
        return True

    def remove(self):
        """At stop: no status file says no daemon."""
        try:
            os.unlink(self.path)
        except OSError:
            pass


def read_daemon_status(path=STATUS_PATH):
    """The daemon's account, or None when there is none (no daemon ran since boot, or it stopped)."""
    try:
        with open(path) as handle:
            data = json.load(handle)
    except (IOError, OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def alive(pid):
    """Whether a process ``pid`` exists (as any user: EPERM says it does)."""
    try:
        os.kill(int(pid), 0)
    except PermissionError:
        return True
    except (OSError, TypeError, ValueError):
        return False
    return True


def kernel_peers(plane, host, iproute=None):
    """The peers of ``plane`` against the VTEP's entries now: {device, exists, desired, programmed,
    missing: [{name, entries}], stale: [kind key]}. Reads only (check mode)."""
    from ansible_collections.mesos.overlay.plugins.module_utils._vxlan import VxlanPeers

    params = options("vxlan_peers", plane["vxlan_peers"])
    step = VxlanPeers(params, host, iproute)
    own, have, extra = step.current()
    wanted = step.desired(own or set())
    missing = []
    for position, peer in enumerate(params["peers"]):
        # One peer's own entries, as desired() derived them for the whole table.
        single = VxlanPeers(dict(params, peers=[peer]), host, step.iproute).desired(own or set())
        absent = ["%s %s" % (kind, key) for kind in sorted(single) for key, value in sorted(single[kind].items())
                  if have[kind].get(key) != value or (kind == "fdb" and key in extra)]
        if absent:
            missing.append({"name": peer.get("name") or "peers[%d]" % position, "entries": absent})
    stale = ["%s %s" % (kind, key) for kind in sorted(have) for key in sorted(have[kind]) if key not in wanted[kind]]
    return {"device": step.device, "exists": own is not None, "desired": len(params["peers"]),
            "programmed": len(params["peers"]) - len(missing), "missing": missing, "stale": stale}


def _ago(seconds):
    seconds = max(0, int(round(seconds)))
    if seconds < 120:
        return "%d s" % seconds
    if seconds < 7200:
        return "%d min" % (seconds // 60)
    return "%d h %d min" % (seconds // 3600, seconds % 3600 // 60)


def _joining_words(probes):
    joining_peers = probes.get("joining") or []
    if not joining_peers:
        return ""
    return "; joining, no answer yet (a problem after %d intervals): %s" % (JOINING_INTERVALS, some_names(joining_peers))


def report(plane_path, host, status_path=STATUS_PATH, clock=time.time, iproute=None):
    """The host's health as data: {health, exit, host, daemon, store, overlays, vtep, peers,
    policy, drift_repairs, problems: [text]} (``--json`` prints it; ``lines`` words it)."""
    now = clock()
    problems = []
    daemon = read_daemon_status(status_path)
    if daemon is not None and not alive(daemon.get("pid")):
        daemon = None
    result = {"host": None, "daemon": None, "store": None, "overlays": None, "vtep": None, "peers": None,
              "policy": None, "drift_repairs": None, "problems": problems}
    if daemon is None:
        problems.append("the daemon is not running (systemctl status mesos-overlay; journalctl -u mesos-overlay): "
                        "nothing repairs the plane or follows the store")
    else:
        interval = daemon.get("interval") or 0
        last = daemon.get("last_pass") or {}
        result["daemon"] = {"pid": daemon.get("pid"), "up_seconds": round(now - daemon.get("started", now), 1),
                            "interval": interval, "last_pass": last or None,
                            "last_pass_age": None if not last else round(now - last["at"], 1),
                            "last_change": daemon.get("last_change"), "changes": daemon.get("changes")}
        result["store"] = daemon.get("store")
        result["drift_repairs"] = daemon.get("drift_repairs")
        result["last_repair"] = daemon.get("last_repair")
        for kind, text in sorted((daemon.get("problems") or {}).items()):
            problems.append("daemon (%s): %s" % (kind, text))
        limit = max(STALE_PASSES * interval, STALE_PASS_FLOOR)
        since = now - (last.get("at") if last else daemon.get("started", now))
        if since > limit:
            problems.append("the daemon has not finished a pass for %s (every %g s expected): hung? "
                            "(journalctl -u mesos-overlay)" % (_ago(since), interval))
        health = daemon.get("peer_health")
        if health is not None:
            probe_interval = daemon.get("probe_interval")
            # As of when the daemon wrote them (up to a pass ago).
            taken = daemon.get("peer_health_at") or now
            result["health_probes"] = {
                "interval": probe_interval, "peers": health,
                "answering": len([name for name in health if health[name].get("up")]),
                "joining": sorted(name for name in health if not health[name].get("up")
                                  and joining(health[name], probe_interval, taken))}
            problems.extend(health_problems(health, probe_interval, taken))
        store = daemon.get("store") or {}
        if store.get("kind") == "zookeeper" and store.get("up") is False and not (daemon.get("problems") or {}).get(
                "store"):
            problems.append("the store %s cannot be read: the daemon keeps the last good plane" % store.get("where"))
    try:
        with open(plane_path) as handle:
            plane = json.load(handle)
        check_plane(plane)
    except (IOError, OSError) as exc:
        problems.append("cannot read the plane file %s (%s): has site.yml configured this host?"
                        % (plane_path, exc.strerror or exc))
        plane = None
    except (ValueError, ParameterError) as exc:
        problems.append("the plane file %s is not a plane (%s): the daemon keeps the last good one" % (plane_path, exc))
        plane = None
    if plane is not None:
        link = plane["vxlan_link"]
        result["host"] = plane.get("host")
        result["vtep"] = {"name": link.get("name"), "addresses": link.get("addresses") or [], "mac": link.get("mac"),
                          "mtu": link.get("mtu")}
        # A plane written before 5.0.0 names no overlays.
        result["overlays"] = plane.get("overlays")
        policy = plane.get("group_policy") or {}
        if policy.get("state") == "present":
            result["policy"] = {"groups": len(policy.get("groups") or []),
                                "overlays": [entry.get("name") for entry in policy.get("overlays") or []]}
            # How the group plugin's changes are applied here (a daemon of 5.0.0's first builds says nothing).
            result["group_plugin"] = (daemon or {}).get("group_plugin")
        probes = result.get("health_probes")
        if probes is not None:
            # A peer the daemon has in its plane but has not probed yet (a round spreads the probes
            # over the interval) is joining too.
            listed = [peer.get("name") for peer in plane["vxlan_peers"].get("peers") or [] if peer.get("name")]
            probes["joining"] = sorted(set(probes["joining"]) | (set(listed) - set(probes["peers"])))
            probes["listed"] = max(len(listed), len(probes["peers"]))
        if plane["vxlan_peers"].get("peers") is None:
            problems.append("the plane file %s lists no peers (written by a run that left them to the store?)"
                            % plane_path)
        else:
            try:
                peers = kernel_peers(plane, host, iproute)
            except (HostError, ParameterError) as exc:
                problems.append("cannot read the VTEP's entries: %s" % exc)
            else:
                result["peers"] = peers
                if not peers["exists"]:
                    problems.append("there is no VTEP %s (the daemon restores it at its next pass; if it stays "
                                    "missing: journalctl -u mesos-overlay)" % peers["device"])
                else:
                    for entry in peers["missing"]:
                        problems.append("peer %s: missing on %s: %s (deleted or changed by hand? the daemon "
                                        "repairs it within one pass)" % (entry["name"], peers["device"],
                                                                         ", ".join(entry["entries"])))
                    if peers["stale"]:
                        problems.append("stale on %s, not in the plane: %s (a released member left behind? the "
                                        "daemon removes them within one pass)" % (peers["device"],
                                                                                  ", ".join(peers["stale"])))
    code = NOT_RUNNING if daemon is None else DEGRADED if problems else HEALTHY
    result.update({"health": HEALTH_WORDS[code], "exit": code})
    return result


def lines(result, clock=time.time):
    """``report``'s result as a human reads it: a line per subject, the problems last."""
    now = clock()
    out = ["mesos-overlay on %s: %s" % (result.get("host") or "this host", result["health"])]
    daemon = result.get("daemon")
    if daemon:
        last = daemon.get("last_pass")
        out.append("  daemon    pid %s, up %s, a pass every %g s; %s" % (
            daemon["pid"], _ago(daemon["up_seconds"]), daemon["interval"],
            "last pass %s ago (%s, %d change(s))" % (_ago(daemon["last_pass_age"]), last["result"], last["changes"])
            if last else "no pass yet"))
        if daemon.get("last_change"):
            out.append("  changed   %d change(s) since start, the last %s ago" % (
                daemon["changes"], _ago(now - daemon["last_change"])))
    store = result.get("store")
    if store:
        if store.get("kind") == "zookeeper":
            out.append("  store     zookeeper %s: %s%s" % (
                store.get("where"), {True: "reachable", False: "NOT reachable", None: "connecting"}[store.get("up")],
                ", last read %s ago" % _ago(now - store["last_read"]) if store.get("last_read") else ""))
        else:
            out.append("  store     files (the plane the last run wrote; the daemon repairs drift)")
    overlays = result.get("overlays")
    if overlays:
        out.append("  overlays  %s" % ", ".join(
            "%s %s%s" % (name, " ".join(s for s in (slot.get("subnet"), slot.get("subnet6")) if s) or "-",
                         "" if slot.get("enabled", True) else " (off)") for name, slot in sorted(overlays.items())))
    vtep = result.get("vtep")
    if vtep:
        out.append("  vtep      %s %s mac %s mtu %s" % (
            vtep["name"], " ".join(vtep["addresses"]) or "-", vtep["mac"] or "-", vtep["mtu"] or "-"))
    peers = result.get("peers")
    if peers:
        out.append("  peers     %d desired, %d programmed, %d missing, %d stale entr%s" % (
            peers["desired"], peers["programmed"], len(peers["missing"]), len(peers["stale"]),
            "y" if len(peers["stale"]) == 1 else "ies"))
    probes = result.get("health_probes")
    if probes:
        out.append("  health    %d of %d peer(s) answer on the overlay (each probed every %g s, also at full MTU)%s" % (
            probes["answering"], probes.get("listed", len(probes["peers"])), probes["interval"], _joining_words(probes)))
    if result.get("policy"):
        out.append("  policy    %d group(s) on %s" % (result["policy"]["groups"],
                                                      ", ".join(result["policy"]["overlays"]) or "-"))
    plugin = result.get("group_plugin")
    if plugin:
        if plugin["serving"]:
            out.append("  members   the group plugin's changes applied by the daemon on %s: %d request(s), %d failed" % (
                plugin["socket"], plugin["served"], plugin["failed"]))
        else:
            out.append("  members   the group plugin runs nft for each container%s" % (
                " (python3-nftables is not installed)" if plugin["library"] is False else ""))
    if result.get("drift_repairs") is not None:
        out.append("  drift     %d entr%s repaired since start%s" % (
            result["drift_repairs"], "y" if result["drift_repairs"] == 1 else "ies",
            ", the last %s ago" % _ago(now - result["last_repair"]) if result.get("last_repair") else ""))
    if result["problems"]:
        out.append("problems:")
        out.extend("  - %s" % problem for problem in result["problems"])
    return out


__all__ = ("DEGRADED", "HEALTHY", "NOT_RUNNING", "DaemonStatus", "alive", "kernel_peers", "lines", "read_daemon_status",
           "report")
