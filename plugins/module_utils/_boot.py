# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the data plane restored at boot, without Ansible.

What dcos-net did at every start: the roles write each host's data plane to a file
(``/etc/mesos-overlay/dataplane.json``: the options of vxlan_link, vxlan_peers, every
firewall_chain and the group policy's nftables table) and copy this file with the module_utils it imports onto the host; the unit
``mesos-overlay-dataplane.service`` runs

    python3 -m ansible_collections.mesos.overlay.plugins.module_utils._boot /etc/mesos-overlay/dataplane.json

at boot, before Docker and Mesos. It applies the file with the classes the modules run (the
same reads, plans and commands), and logs one line per step to stdout (the journal).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import os
import sys
import time

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan
from ansible_collections.mesos.overlay.plugins.module_utils._files import Files
from ansible_collections.mesos.overlay.plugins.module_utils._iproute import IPRoute
from ansible_collections.mesos.overlay.plugins.module_utils._iptables import FirewallChainModule
from ansible_collections.mesos.overlay.plugins.module_utils._nftables import GroupPolicy
from ansible_collections.mesos.overlay.plugins.module_utils._vxlan import VxlanLink, VxlanPeers

SEARCH_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
# The options each step takes, with the modules' defaults (the file may leave them out).
DEFAULTS = {
    "sysctl": {"values": {}},
    "vxlan_link": {"name": "vtep1024", "vni": 1024, "port": 64000, "mac": None, "mtu": None, "addresses": [],
                   "local": None, "dev": None, "learning": False, "gbp": False, "state": "present"},
    "vxlan_peers": {"device": "vtep1024", "peers": [], "purge": True},
    "firewall_chain": {"table": "filter", "rules": None, "rules6": None, "jumps": [], "purge_comment": None,
                       "state": "present"},
    "group_policy": {"state": "absent", "table": "mesos_overlay", "groups": [], "chains": [],
                     "members_dir": "/run/mesos-overlay/groups"},
}


def say(line, stream=None):
    """One line to the journal (the unit's stdout or stderr)."""
    stream = stream or sys.stdout
    stream.write(line + "\n")
    stream.flush()


class Failure(Exception):
    """A step failed; the message says which and why."""


class Runner:
    """What the module classes need of AnsibleModule, for a run without Ansible.

    ``run_command(argv, environ_update=None, data=None)`` returns ``(rc, stdout, stderr)``.
    """

    def __init__(self, params, run_command, check_mode=False):
        self.params = params
        self.check_mode = check_mode
        self._diff = False
        self._run_command = run_command

    @staticmethod
    def get_bin_path(name, required=False):
        for directory in os.environ.get("PATH", "").split(os.pathsep) + list(SEARCH_PATH):
            path = os.path.join(directory, name)
            if directory and os.access(path, os.X_OK):
                return path
        if required:
            raise Failure("%s is not installed" % name)
        return None

    def run_command(self, argv, environ_update=None, data=None, binary_data=False):
        return self._run_command(argv, environ_update=environ_update, data=data)

    @staticmethod
    def fail_json(msg, **kwargs):
        raise Failure(msg)

    @staticmethod
    def warn(text):
        say("warning: %s" % text)


class Sysctls:
    """The kernel settings an agent forwards overlay traffic with (``params['values']``: name to
    value, as sysctl names them), set under /proc/sys when they differ; the host's
    /etc/sysctl.d file keeps them too, the boot unit sets them again before the VTEP."""

    def __init__(self, module):
        self.module = module
        self.values = module.params["values"] or {}

    @staticmethod
    def path(name):
        if not name or "/" in name or ".." in name:
            raise ParameterError("sysctl: %r is not a sysctl name such as net.ipv4.ip_forward" % (name,))
        return "/proc/sys/" + name.replace(".", "/")

    def run(self):
        plan = Plan()
        for name in sorted(self.values):
            path = self.path(name)
            value = str(self.values[name])
            current = IPRoute.read_text(path)
            if current is None:
                raise ParameterError("sysctl: %s is not a setting of this kernel (%s is missing)" % (name, path))
            if current.strip() != value:
                plan.add("sysctl", name, current.strip(), value, commands=[(path, value + "\n")])
        if plan and not self.module.check_mode:
            for path, text in plan.commands():
                IPRoute.write_text(path, text)
        result = {"changed": bool(plan), "changes": plan.as_result()}
        if self.module._diff:
            result["diff"] = plan.diff("sysctl")
        return result


def member_rules(addresses):
    """The VXLAN chain's rules: each member's underlay address accepted, anyone else dropped."""
    ordered = sorted(set(addresses), key=ipaddress.ip_address)
    return ["-s %s/32 -j ACCEPT" % address for address in ordered] + ["-j DROP"]


def complete(plane, table=None):
    """A host's data plane with its peers and its VXLAN chain's members filled in from ``table``.

    The roles keep per host only what is this host's own (a member count's worth of peers per
    host would make a run grow with the square of the cluster): the data plane they compute
    leaves ``vxlan_peers.peers`` and the VXLAN chain's ``rules`` null, and every host receives
    the run's one peer table (every member's entry, the peers filter without a name). Here, on
    the host, its peers are the table without its own entry, and the chain accepts every
    member's underlay address. A plane already complete is returned as it is.
    """
    peers_options = dict(plane.get("vxlan_peers") or {})
    chains = [dict(chain) for chain in plane.get("firewall_chain") or []]
    missing = peers_options.get("peers") is None or any(chain.get("rules") is None and chain.get("state", "present")
                                                        == "present" for chain in chains)
    if not missing:
        return plane
    host = plane.get("host")
    if not isinstance(table, list) or not all(isinstance(entry, dict) and entry.get("name") for entry in table):
        raise ParameterError("peers: %r is not the run's peer table (every member's entry with its name): the data "
                             "plane of %s leaves its peers to it" % (table, host))
    if host not in {entry["name"] for entry in table}:
        raise ParameterError("peers: %s has no entry in the peer table (a table of another cluster or run?)" % host)
    if peers_options.get("peers") is None:
        peers_options["peers"] = [dict(entry) for entry in table if entry["name"] != host]
    for chain in chains:
        if chain.get("rules") is None and chain.get("state", "present") == "present":
            chain["rules"] = member_rules(entry["underlay_ip"] for entry in table)
    return dict(plane, vxlan_peers=peers_options, firewall_chain=chains)


def _options(kind, options):
    params = dict(DEFAULTS[kind])
    params.update(options or {})
    if kind == "vxlan_peers":
        params["peers"] = [dict({"name": None, "vtep_ip6": None, "subnets": []}, **peer) for peer in params["peers"]]
    if kind == "firewall_chain":
        params["jumps"] = [dict({"match": "", "first": True, "create": False}, **jump) for jump in params["jumps"]]
    return params


def steps(plane):
    """(label, class, options) of every step, in the order the roles apply them."""
    result = [("sysctl", Sysctls, _options("sysctl", {"values": plane.get("sysctl") or {}})),
              ("vxlan_link %s" % plane["vxlan_link"].get("name"), VxlanLink, _options("vxlan_link", plane["vxlan_link"])),
              ("vxlan_peers %s" % plane["vxlan_peers"].get("device"), VxlanPeers,
               _options("vxlan_peers", plane["vxlan_peers"]))]
    for chain in plane.get("firewall_chain") or []:
        result.append(("firewall_chain %s" % chain.get("name"), FirewallChainModule, _options("firewall_chain", chain)))
    # A plane written before group policy existed leaves nftables alone.
    if plane.get("group_policy") is not None:
        result.append(("group_policy", GroupPolicy, _options("group_policy", plane["group_policy"])))
    return result


def apply(plane, run_command, check_mode=False, log=say):
    """Apply a data-plane file's content; returns the number of changes, raises Failure."""
    total = 0
    for label, cls, options in steps(plane):
        try:
            result = cls(Runner(options, run_command, check_mode=check_mode)).run()
        except ParameterError as exc:
            raise Failure("%s: %s" % (label, exc))
        changes = result.get("changes") or []
        total += len(changes)
        if changes:
            log("%s: %d change(s)%s: %s" % (label, len(changes), " (check mode)" if check_mode else "", "; ".join(
                c.get("reason") or "%s %s %s" % (c["action"], c["kind"], c["key"]) for c in changes)))
        else:
            log("%s: as it should be" % label)
    return total


def plane_text(plane):
    """The data-plane file's text (what the boot unit reads), the same for the same plane."""
    return json.dumps(plane, indent=2, sort_keys=True) + "\n"


class DataPlane:
    """The dataplane module: a host's whole data plane in one call, as the boot unit applies it.

    Completes the plane from the peer table (``complete``), writes it where the boot unit reads
    it, then runs each step (VTEP, peers, every chain) with the modules' own classes. The result
    keeps each step's result apart (``vtep``, ``peers``, ``firewall``, ``file``) beside all the
    ``changes``, so that what the roles report by area is what the single modules report.
    """

    def __init__(self, module):
        self.module = module
        self.params = module.params

    def file_step(self, plane):
        """The boot unit's file, written as the files module writes any file (atomically, root's,
        0644, parents made), so there is one way to write a file."""
        params = {"files": [{"path": self.params["path"], "content": plane_text(plane), "state": "present",
                             "mode": "0644", "owner": "root", "group": "root", "only_if_exists": None}],
                  "directory_mode": "0755", "read": []}
        runner = Runner(params, self.module.run_command, check_mode=self.module.check_mode)
        runner._diff = self.module._diff
        result = Files(runner).run()
        return {"changed": result["changed"], "path": self.params["path"], "changes": result["changes"],
                "diff": (result.get("diff") or [None])[0]}

    def run(self):
        plane = complete(self.params["dataplane"], self.params["peers"])
        if not isinstance(plane.get("vxlan_link"), dict) or not isinstance(plane.get("vxlan_peers"), dict):
            raise ParameterError("dataplane: %r has no vxlan_link or vxlan_peers options (give what the dataplane "
                                 "filter returns)" % sorted(plane))
        file_result = self.file_step(plane)
        results = []
        for label, cls, options in steps(plane):
            runner = Runner(options, self.module.run_command, check_mode=self.module.check_mode)
            runner._diff = self.module._diff
            # Inside a module, the module's own lookups and warnings (Ansible's search path and result).
            runner.get_bin_path = self.module.get_bin_path
            runner.warn = self.module.warn
            try:
                step_result = cls(runner).run()
            except (ParameterError, Failure) as exc:
                raise Failure("%s: %s" % (label, exc))
            results.append((cls, options, step_result))
        firewall = [dict(r, item={"name": o["name"]}) for cls, o, r in results if cls is FirewallChainModule]
        by_class = {cls: r for cls, _o, r in results}
        unchanged = {"changed": False, "changes": []}
        result = {
            "changed": file_result["changed"] or any(r["changed"] for _c, _o, r in results),
            "changes": file_result["changes"] + [change for _c, _o, r in results for change in r["changes"]],
            "file": file_result,
            "sysctl": by_class[Sysctls],
            "vtep": by_class[VxlanLink],
            "peers": by_class[VxlanPeers],
            "firewall": {"changed": any(r["changed"] for r in firewall), "results": firewall},
            "group_policy": by_class.get(GroupPolicy, unchanged),
        }
        if self.module._diff:
            result["diff"] = [d for d in [file_result.get("diff")] + [r.get("diff") for _c, _o, r in results] if d]
        return result


def main(run_command, argv=None):
    """The restore command: ``[--check] [dataplane.json]``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    check_mode = "--check" in argv
    argv = [arg for arg in argv if arg != "--check"]
    path = argv[0] if argv else "/etc/mesos-overlay/dataplane.json"
    # At boot the underlay may still be coming up: try again for a while before giving up.
    attempts = int(os.environ.get("MESOS_OVERLAY_ATTEMPTS", "30"))
    try:
        with open(path) as handle:
            plane = json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        say("cannot read %s: %s" % (path, exc), sys.stderr)
        return 2
    say("restoring the overlay data plane of %s from %s" % (plane.get("host"), path))
    for attempt in range(1, attempts + 1):
        try:
            total = apply(plane, run_command, check_mode=check_mode)
            say("done: %d change(s)" % total)
            return 0
        except Failure as exc:
            say("attempt %d of %d failed: %s" % (attempt, attempts, exc), sys.stderr)
            if attempt < attempts:
                time.sleep(2)
    return 1
