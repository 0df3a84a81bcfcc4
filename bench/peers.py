# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""vxlan_peers at scale on the real kernel: one batch per binary against one process per entry.

Run from the repository root as root: .venv/bin/python bench/peers.py
In a network namespace of its own (removed afterwards), with a VTEP like the collection's, the
module's own code (VxlanPeers on the daemon's CommandHost, no Ansible around it) programs N
peers, each with an IPv4 and an IPv6 VTEP address and two IPv4 and one IPv6 subnet (6 entries:
fdb, 2 neighbours, 3 routes), from scratch and then converged; the same plan is then applied one
process per entry (what 2.0.0 did). Prints one line per figure, side by side.
"""
from __future__ import absolute_import, division, print_function

import argparse
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".collections"))

NETNS = "mo-bench-peers"


def sh(*argv, **kwargs):
    return subprocess.run(list(argv), check=True, capture_output=True, text=True, **kwargs)


def setup():
    subprocess.run(["ip", "netns", "del", NETNS], capture_output=True, check=False)
    sh("ip", "netns", "add", NETNS)
    inside = ["ip", "netns", "exec", NETNS]
    sh(*inside, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0")
    for argv in (["ip", "link", "set", "lo", "up"],
                 ["ip", "link", "add", "u0", "type", "veth", "peer", "name", "u1"],
                 ["ip", "addr", "add", "198.18.0.1/16", "dev", "u0"],
                 ["ip", "link", "set", "u0", "up"], ["ip", "link", "set", "u1", "up"]):
        sh(*inside, *argv)


def fresh_vtep():
    inside = ["ip", "netns", "exec", NETNS]
    subprocess.run(inside + ["ip", "link", "del", "vtep1024"], capture_output=True, check=False)
    for argv in (["ip", "link", "add", "vtep1024", "type", "vxlan", "id", "1024", "dstport", "64000", "local",
                  "198.18.0.1", "dev", "u0", "nolearning"],
                 ["ip", "addr", "add", "44.0.0.1/8", "dev", "vtep1024"],
                 ["ip", "addr", "add", "fd01:a::1/64", "dev", "vtep1024", "nodad"],
                 ["ip", "link", "set", "vtep1024", "up"]):
        sh(*inside, *argv)


def peers(count):
    result = []
    for i in range(2, count + 2):
        a, b = i // 256, i % 256
        result.append({"name": "agent-%05d" % i, "vtep_ip": "44.0.%d.%d" % (a, b), "vtep_ip6": "fd01:a::%x" % i,
                       "mac": "70:b3:d5:00:%02x:%02x" % (a, b), "underlay_ip": "198.18.%d.%d" % (a, b),
                       "subnets": ["9.%d.%d.0/24" % (a, b), "10.%d.%d.0/24" % (a, b), "fd01:b:0:%x::/64" % i]})
    return result


def timed(count, one_by_one=False):
    """Seconds for one run of the module inside the namespace, and the number of changes."""
    code = r'''
import json, subprocess, sys, time
sys.path.insert(0, %(path)r)
from ansible_collections.mesos.overlay.plugins.module_utils import _iproute
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import options
from ansible_collections.mesos.overlay.plugins.module_utils._host import CommandHost
from ansible_collections.mesos.overlay.plugins.module_utils._vxlan import VxlanPeers

if %(one)r:
    # What 2.0.0 did: every command of the plan in a process of its own.
    _iproute.IPRoute._groups = lambda self, commands: [[argv] for argv in commands]
params = options("vxlan_peers", {"device": "vtep1024", "peers": json.load(sys.stdin), "purge": True})
start = time.perf_counter()
result = VxlanPeers(params, CommandHost()).run()
print(json.dumps([time.perf_counter() - start, len(result["changes"])]))
''' % {"path": os.path.join(ROOT, ".collections"), "one": one_by_one}
    import json
    out = sh("ip", "netns", "exec", NETNS, sys.executable, "-c", code, input=json.dumps(peers(count))).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="100,1000,5000")
    parser.add_argument("--per-entry-max", type=int, default=1000,
                        help="largest count also run one process per entry (5,000 takes minutes that way)")
    args = parser.parse_args()
    print("machine: %s, %d cores, Python %s" % (platform.platform(), os.cpu_count(), platform.python_version()))
    print("%-8s %-9s %-22s %-22s %s" % ("peers", "entries", "batched scratch", "per entry scratch", "converged"))
    setup()
    try:
        for count in [int(c) for c in args.counts.split(",")]:
            fresh_vtep()
            batched, changes = timed(count)
            converged, again = timed(count)
            assert again == 0, "the converged run changed %d entries" % again
            per_entry = "-"
            if count <= args.per_entry_max:
                fresh_vtep()
                seconds, changes_one = timed(count, one_by_one=True)
                assert changes_one == changes
                per_entry = "%.2f s (%.0fx)" % (seconds, seconds / batched)
            print("%-8d %-9d %-22s %-22s %.2f s" % (count, changes, "%.2f s" % batched, per_entry, converged))
    finally:
        subprocess.run(["ip", "netns", "del", NETNS], capture_output=True, check=False)


if __name__ == "__main__":
    main()
