# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the host's data plane, its one owner.

Here, and nowhere else, live:

- every name the overlay gives things on a host (the VTEP, the bridges, the firewall chains,
  the nftables table, its group sets and chains, the group records' directory, the plane file);
- the plane file's schema: the steps it holds, each with its options and their defaults
  (``DEFAULTS``), completed on the host from the run's peer table (``complete``);
- the order the steps are applied in and how they are applied (``apply``), the same for the
  ``dataplane`` module (through ``_host.ModuleHost``) and the boot command (``_host.CommandHost``).

The kernel's syntax is built by the step classes only, one file per tool: ``_iproute`` and
``_vxlan`` (``ip``/``bridge -batch``), ``_iptables`` (``iptables-restore``), ``_nftables``
(``nft -f``). The controller (plugin_utils, filters) describes the plane as data and takes the
names from here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fcntl
import os

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan
from ansible_collections.mesos.overlay.plugins.module_utils._host import HostError

# -- names -----------------------------------------------------------------------------------
VTEP_NAME = "vtep1024"  # as DC/OS named it: vtep<VNI>
VTEP_VNI = 1024
VXLAN_PORT = 64000
MESOS_BRIDGE_PREFIX = "m-"
DOCKER_BRIDGE_PREFIX = "d-"
# The overlay's own iptables chains (one per concern), jumped to from the built-in chains.
VXLAN_CHAIN = "MESOS-OVERLAY-VXLAN"
FORWARD_CHAIN = "MESOS-OVERLAY-FORWARD"
NAT_CHAIN = "MESOS-OVERLAY-NAT"
# mesos.overlay 1.0.0 wrote its rules straight into FORWARD and POSTROUTING with comments
# starting with this text: the chains take them over (they are removed there).
LEGACY_COMMENT = "mesos-overlay"
# The group policy: one nftables table, a set of addresses per group and IP version, a map from
# each of them to its group's mark, the containers' records (one JSON file per container and
# network), the label that names a group.
NFT_TABLE = "mesos_overlay"
# What an nft name may hold (no '-' or '.'); the rest of an overlay's name becomes '_' in its chain's.
NFT_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
MEMBERS_DIR = "/run/mesos-overlay/groups"
GROUP_LABEL = "mesos.overlay.group"
# The group travels in the VXLAN header (gbp): 16 bits of the packet mark.
GROUP_MARK_MASK = 0xFFFF
# A flow the group policy allowed carries the policy's generation in the upper 16 bits of its
# conntrack mark (the lower 16 are left to others): its later packets pass without being judged
# again, until the policy changes and with it the generation.
POLICY_GENERATION_SHIFT = 16
# The CNI plugin that records Mesos containers' groups.
GROUPS_PLUGIN = "mesos-overlay-groups"
# The config of the host daemon's Docker watcher (an agent with a policed overlay: its Docker
# networks and the policy's group names); absent elsewhere.
DOCKER_GROUPS_PATH = "/etc/mesos-overlay/groups-docker.json"
PLANE_PATH = "/etc/mesos-overlay/dataplane.json"
# How often a reader that has no plane yet looks for one, in seconds (the host daemon for its file,
# its prober for the daemon's plane): on a new host the run starts the daemon, then writes the file.
PLANE_RETRY = 1.0
# Where the host daemon finds the store it follows (root only, 0600: it holds the reader's
# password); absent with the files store.
STORE_PATH = "/etc/mesos-overlay/store.json"
# Whoever changes the overlay's kernel state holds this lock: the dataplane module, the daemon
# and the group plugin never interleave (each reads, plans, then applies).
APPLY_LOCK = "/run/mesos-overlay/apply.lock"
# Where the host daemon serves the group plugin (CNI): group members added and removed for it
# (root only, 0600), so that a container's start and stop run no nft process.
MEMBERS_SOCKET = "/run/mesos-overlay/members.sock"
# The host daemon's account of itself (mesos-overlay status reads it; world-readable, no secret).
STATUS_PATH = "/run/mesos-overlay/status.json"


def mesos_bridge(overlay):
    """The Mesos containerizer's bridge of an overlay on an agent."""
    return MESOS_BRIDGE_PREFIX + overlay


def docker_bridge(overlay):
    """The Docker containerizer's bridge of an overlay on an agent (the Docker network's)."""
    return DOCKER_BRIDGE_PREFIX + overlay


def group_set(number, version):
    """The nftables set of the addresses of group ``number`` on this host, IPv4 (4) or IPv6 (6)."""
    return "g%d_%d" % (int(number), int(version))


def mark_map(version):
    """The nftables map from the address of each group member on this host to its group's mark,
    IPv4 (4) or IPv6 (6): the forward chain marks a member's packets with one lookup, whatever the
    number of groups."""
    return "marks%d" % int(version)


def policy_chain(overlay):
    """The nftables chain that judges traffic to one overlay's containers (no '-' or '.' in nft names)."""
    return "to_" + "".join(char if char in NFT_NAME_CHARS else "_" for char in overlay)


def group_mark(number):
    """A group as a packet mark, written as ``nft list`` prints it (so that a converged host compares equal)."""
    return "0x%08x" % int(number)


# -- the plane file's schema -----------------------------------------------------------------
# The options each step takes, with their defaults (a plane may leave them out).
DEFAULTS = {
    "sysctl": {"values": {}},
    "vxlan_link": {"name": VTEP_NAME, "vni": VTEP_VNI, "port": VXLAN_PORT, "mac": None, "mtu": None, "addresses": [],
                   "local": None, "dev": None, "learning": False, "gbp": False, "state": "present"},
    "vxlan_peers": {"device": VTEP_NAME, "peers": [], "purge": True},
    "firewall_chain": {"table": "filter", "rules": None, "rules6": None, "jumps": [], "purge_comment": None,
                       "state": "present"},
    # The policy as data (see _nftables.policy_chains): what the controller decided for this host.
    "group_policy": {"state": "absent", "table": NFT_TABLE, "members_dir": MEMBERS_DIR, "groups": [],
                     "overlays": [], "vtep": VTEP_NAME, "containers4": [], "containers6": [], "hosts4": [],
                     "hosts6": []},
}
# A peer entry, as the peers filter writes it and as vxlan_peers and dataplane take it
# (their argument spec; the defaults fill entries of a plane file).
PEER_OPTIONS = {
    "name": {"type": "str"},
    "vtep_ip": {"type": "str", "required": True},
    "vtep_ip6": {"type": "str"},
    "mac": {"type": "str", "required": True},
    "underlay_ip": {"type": "str", "required": True},
    "subnets": {"type": "list", "elements": "str", "default": []},
}
PEER_DEFAULTS = dict((key, spec.get("default")) for key, spec in PEER_OPTIONS.items() if not spec.get("required"))
JUMP_DEFAULTS = {"match": "", "first": True, "create": False}


def options(kind, given):
    """A step's options: the defaults, then what the plane gives."""
    import copy  # here: the group plugin (every container's start) imports this file for its names

    params = copy.deepcopy(DEFAULTS[kind])
    params.update(given or {})
    if kind == "vxlan_peers":
        params["peers"] = [dict(PEER_DEFAULTS, **peer) for peer in params["peers"] or []]
    if kind == "firewall_chain":
        params["jumps"] = [dict(JUMP_DEFAULTS, **jump) for jump in params["jumps"]]
    return params


def complete(plane, table=None):
    """A host's data plane with its peers and its VXLAN chain's members filled in from ``table``.

    The roles keep per host only what is this host's own (a member count's worth of peers per
    host would make a run grow with the square of the cluster): the data plane they compute
    leaves ``vxlan_peers.peers`` and the VXLAN chain's ``rules`` null, and every host receives
    the run's one peer table (every member's entry, the peers filter without a name). Here, on
    the host, its peers are the table without its own entry, and the chain accepts every
    member's underlay address. A plane already complete is returned as it is.
    """
    chains = plane.get("firewall_chain") or []
    missing = (plane.get("vxlan_peers") or {}).get("peers") is None or any(
        chain.get("rules") is None and chain.get("state", "present") == "present" for chain in chains)
    if not missing:
        return plane
    return with_table(plane, table)


def with_table(plane, table):
    """``plane`` with its peers and the members of the chains that take them from ``table``, every
    member's peer entry: what the run gives (``complete``) or what the host daemon reads from the
    store. The plane names those chains (``peer_chains``, the dataplane filter's), so that a
    newer table replaces their members in a complete plane too."""
    from ansible_collections.mesos.overlay.plugins.module_utils._iptables import accept_sources

    host = plane.get("host")
    if not table:
        raise ParameterError("peers: required: the data plane of %s leaves its peers and its VXLAN chain's members to "
                             "the run's peer table (the peers filter without a name)" % host)
    if not isinstance(table, list) or not all(isinstance(entry, dict) and entry.get("name") for entry in table):
        raise ParameterError("peers: %r is not the run's peer table (every member's entry with its name): the data "
                             "plane of %s leaves its peers to it" % (table, host))
    if host not in {entry["name"] for entry in table}:
        raise ParameterError("peers: %s has no entry in the peer table: released from the allocation (release.yml), "
                             "or a table of another cluster or run?" % host)
    for entry in table:
        absent = sorted(key for key, spec in PEER_OPTIONS.items() if spec.get("required") and not entry.get(key))
        if absent:
            raise ParameterError("peers: the entry of %s has no %s" % (entry["name"], ", ".join(absent)))
    peers_options = dict(plane.get("vxlan_peers") or {})
    peers_options["peers"] = [dict(entry) for entry in table if entry["name"] != host]
    named = set(plane.get("peer_chains") or [])
    chains = [dict(chain) for chain in plane.get("firewall_chain") or []]
    for chain in chains:
        if chain.get("state", "present") == "present" and (chain.get("rules") is None or chain.get("name") in named):
            chain["rules"] = accept_sources(entry["underlay_ip"] for entry in table)
    return dict(plane, vxlan_peers=peers_options, firewall_chain=chains)


def plane_text(plane):
    """The plane file's text (what the boot command reads), the same for the same plane."""
    import json  # here: the group plugin (every container's start) imports this file, not json

    return json.dumps(plane, indent=2, sort_keys=True) + "\n"


# -- the steps -------------------------------------------------------------------------------
class Sysctls:
    """The kernel settings an agent forwards overlay traffic with (``values``: name to value, as
    sysctl names them), set under /proc/sys when they differ; the host's /etc/sysctl.d file
    keeps them too, and the boot command sets them again before the VTEP."""

    def __init__(self, params, host):
        self.host = host
        self.values = params["values"] or {}

    @staticmethod
    def path(name):
        if not name or "/" in name or ".." in name:
            raise ParameterError("sysctl: %r is not a sysctl name such as net.ipv4.ip_forward" % (name,))
        return "/proc/sys/" + name.replace(".", "/")

    def run(self):
        from ansible_collections.mesos.overlay.plugins.module_utils._iproute import IPRoute

        plan = Plan()
        for name in sorted(self.values):
            path = self.path(name)
            value = str(self.values[name])
            current = IPRoute.read_text(path)
            if current is None:
                raise ParameterError("sysctl: %s is not a setting of this kernel (%s is missing)" % (name, path))
            if current.strip() != value:
                plan.add("sysctl", name, current.strip(), value, commands=[(path, value + "\n")])
        if plan and not self.host.check_mode:
            for path, text in plan.commands():
                IPRoute.write_text(path, text)
        result = {"changed": bool(plan), "changes": plan.as_result()}
        if self.host.diff:
            result["diff"] = plan.diff("sysctl")
        return result


def check_plane(plane):
    """The plane's shape, before anything is written or applied."""
    if not isinstance(plane.get("vxlan_link"), dict) or not isinstance(plane.get("vxlan_peers"), dict):
        raise ParameterError("dataplane: %r has no vxlan_link or vxlan_peers options (give what the dataplane "
                             "filter returns)" % sorted(plane))


def steps(plane):
    """(label, result key, class, options) of every step of a plane, in the order they are applied:
    forwarding, the VTEP, its peers, the firewall chains, the group policy's table.

    The step classes are imported here, not at the top: the CNI plugin reads this module's names
    at every container start and needs none of them.
    """
    from ansible_collections.mesos.overlay.plugins.module_utils._iptables import FirewallChainModule
    from ansible_collections.mesos.overlay.plugins.module_utils._nftables import GroupPolicy
    from ansible_collections.mesos.overlay.plugins.module_utils._vxlan import VxlanLink, VxlanPeers

    check_plane(plane)
    result = [("sysctl", "sysctl", Sysctls, options("sysctl", {"values": plane.get("sysctl") or {}})),
              ("vxlan_link %s" % plane["vxlan_link"].get("name", VTEP_NAME), "vtep", VxlanLink,
               options("vxlan_link", plane["vxlan_link"])),
              ("vxlan_peers %s" % plane["vxlan_peers"].get("device", VTEP_NAME), "peers", VxlanPeers,
               options("vxlan_peers", plane["vxlan_peers"]))]
    for chain in plane.get("firewall_chain") or []:
        result.append(("firewall_chain %s" % chain.get("name"), "firewall", FirewallChainModule,
                       options("firewall_chain", chain)))
    # A plane written before group policy existed leaves nftables alone.
    if plane.get("group_policy") is not None:
        result.append(("group_policy", "group_policy", GroupPolicy, options("group_policy", plane["group_policy"])))
    return result


class StepFailed(HostError):
    """A step of the plane failed; the message starts with the step's label."""


def change_text(change):
    """A step's change (an item of its ``changes``) as a log line says it: its reason, or what and where."""
    return change.get("reason") or "%s %s %s" % (change["action"], change["kind"], change["key"])


class _ApplyLock:
    """The context of ``applying``: a class, because importing contextlib would cost the group
    plugin, which imports this file at every container's start."""

    def __init__(self, path):
        self.path = path
        self.handle = None

    def __enter__(self):
        try:
            os.makedirs(os.path.dirname(self.path), mode=0o755, exist_ok=True)
            self.handle = open(self.path, "a")
        except OSError:
            return self
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *unused):
        if self.handle is not None:
            self.handle.close()
            self.handle = None


def applying(path=None):
    """Hold the host's apply lock (``APPLY_LOCK``; ``MESOS_OVERLAY_APPLY_LOCK`` overrides it) while
    changing the overlay's kernel state. Where it cannot be created (not root: such a caller
    cannot change the kernel either) nothing is held."""
    return _ApplyLock(path or os.environ.get("MESOS_OVERLAY_APPLY_LOCK") or APPLY_LOCK)


def apply(plane, host, log=None):
    """Apply a complete plane on ``host`` (a ``_host.Host``), step by step.

    Returns the steps' results by key (``sysctl``, ``vtep``, ``peers``, ``group_policy``; the
    chains as a list under ``firewall``); ``log``, when given, gets one line per step.
    Raises StepFailed naming the step.
    """
    results = {"firewall": []}
    for label, key, cls, params in steps(plane):
        try:
            result = cls(params, host).run()
        except (ParameterError, HostError) as exc:
            extra = exc.result if isinstance(exc, HostError) else {}
            raise StepFailed("%s: %s" % (label, exc), **extra)
        if key == "firewall":
            results["firewall"].append(dict(result, item={"name": params["name"]}))
        else:
            results[key] = result
        if log is not None:
            changes = result.get("changes") or []
            if changes:
                log("%s: %d change(s)%s: %s" % (label, len(changes), " (check mode)" if host.check_mode else "",
                                                "; ".join(change_text(change) for change in changes)))
            else:
                log("%s: as it should be" % label)
    return results


def write_plane(path, plane, host, owner="root", group="root"):
    """Write ``plane`` to ``path`` (the boot file) as the files module writes any file: atomically,
    only when its text differs. Returns {changed, path, changes, diff}."""
    from ansible_collections.mesos.overlay.plugins.module_utils._files import Files

    params = {"files": [{"path": path, "content": plane_text(plane), "state": "present", "mode": "0644",
                         "owner": owner, "group": group, "only_if_exists": None}],
              "directory_mode": "0755", "read": []}
    result = Files(params, host).run()
    return {"changed": result["changed"], "path": path, "changes": result["changes"],
            "diff": (result.get("diff") or [None])[0]}


def count_changes(results):
    """The number of changes in what ``apply`` returned."""
    steps_results = [r for key, r in results.items() if key != "firewall"] + results["firewall"]
    return sum(len(r.get("changes") or []) for r in steps_results)


class DataPlane:
    """The dataplane module: a host's whole data plane in one call, as the boot command applies it.

    Completes the plane from the peer table (``complete``), writes it where the boot command
    reads it (as the files module writes any file), then applies every step. The result keeps
    each step's result apart (``file``, ``sysctl``, ``vtep``, ``peers``, ``firewall``,
    ``group_policy``) beside all the ``changes``, so that what the roles report by area is what
    the single modules report.
    """

    # The dataplane module's options.
    ARGUMENT_SPEC = dict(
        dataplane=dict(type="dict", required=True),
        peers=dict(type="list", elements="dict", default=[], options=PEER_OPTIONS),
        path=dict(type="path", default=PLANE_PATH),
    )

    def __init__(self, params, host):
        self.params = params
        self.host = host

    def run(self):
        plane = complete(self.params["dataplane"], self.params["peers"])
        check_plane(plane)
        with applying():
            file_result = write_plane(self.params["path"], plane, self.host)
            results = apply(plane, self.host)
        unchanged = {"changed": False, "changes": []}
        firewall = results.pop("firewall")
        results.setdefault("group_policy", unchanged)
        every = [results["sysctl"], results["vtep"], results["peers"]] + firewall + [results["group_policy"]]
        result = dict(results)
        result.update({"file": file_result,
                       "firewall": {"changed": any(r["changed"] for r in firewall), "results": firewall},
                       "changed": file_result["changed"] or any(r["changed"] for r in every),
                       "changes": file_result["changes"] + [change for r in every for change in r["changes"]]})
        if self.host.diff:
            result["diff"] = [d for d in [file_result.get("diff")] + [r.get("diff") for r in every] if d]
        return result


__all__ = ("APPLY_LOCK", "DEFAULTS", "DOCKER_BRIDGE_PREFIX", "DOCKER_GROUPS_PATH", "FORWARD_CHAIN", "GROUPS_PLUGIN", "GROUP_LABEL",
           "GROUP_MARK_MASK", "POLICY_GENERATION_SHIFT", "LEGACY_COMMENT", "MEMBERS_DIR", "MEMBERS_SOCKET", "MESOS_BRIDGE_PREFIX", "NAT_CHAIN", "NFT_TABLE",
           "PEER_OPTIONS", "PLANE_PATH", "PLANE_RETRY", "STATUS_PATH", "STORE_PATH", "VTEP_NAME", "VTEP_VNI", "VXLAN_CHAIN", "VXLAN_PORT", "DataPlane",
           "StepFailed", "apply", "applying", "change_text", "check_plane", "complete", "count_changes", "docker_bridge",
           "group_mark", "group_set", "mark_map", "mesos_bridge", "options", "plane_text", "policy_chain", "steps", "with_table",
           "write_plane")
