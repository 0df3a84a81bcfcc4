# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the data plane restored at boot, without Ansible.

What dcos-net did at every start: the roles write each host's data plane to a file
(``/etc/mesos-overlay/dataplane.json``: the options of vxlan_link, vxlan_peers and every
firewall_chain) and copy this file with the module_utils it imports onto the host; the unit
``mesos-overlay-dataplane.service`` runs

    python3 -m ansible_collections.mesos.overlay.plugins.module_utils._boot /etc/mesos-overlay/dataplane.json

at boot, before Docker and Mesos. It applies the file with the classes the modules run (the
same reads, plans and commands), and logs one line per step to stdout (the journal).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys
import time

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._iptables import FirewallChainModule
from ansible_collections.mesos.overlay.plugins.module_utils._vxlan import VxlanLink, VxlanPeers

SEARCH_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
# The options each step takes, with the modules' defaults (the file may leave them out).
DEFAULTS = {
    "vxlan_link": {"name": "vtep1024", "vni": 1024, "port": 64000, "mac": None, "mtu": None, "addresses": [],
                   "local": None, "dev": None, "learning": False, "state": "present"},
    "vxlan_peers": {"device": "vtep1024", "peers": [], "purge": True},
    "firewall_chain": {"table": "filter", "rules": None, "rules6": None, "jumps": [], "purge_comment": None,
                       "state": "present"},
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
    result = [("vxlan_link %s" % plane["vxlan_link"].get("name"), VxlanLink, _options("vxlan_link", plane["vxlan_link"])),
              ("vxlan_peers %s" % plane["vxlan_peers"].get("device"), VxlanPeers,
               _options("vxlan_peers", plane["vxlan_peers"]))]
    for chain in plane.get("firewall_chain") or []:
        result.append(("firewall_chain %s" % chain.get("name"), FirewallChainModule, _options("firewall_chain", chain)))
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
