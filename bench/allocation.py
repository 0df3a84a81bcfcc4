# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Allocation speed: mesos.overlay.allocate against per-host ansible.utils.ipsubnet.

Run from the repository root with the test venv: .venv/bin/python bench/allocation.py
Prints one line per figure, then the ratios the targets are about (docs/benchmarks.md).
"""
from __future__ import absolute_import, division, print_function

import argparse
import os
import platform
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".collections"))

from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate  # noqa: E402
from ansible_collections.mesos.overlay.plugins.plugin_utils._dcos import import_dcos  # noqa: E402

NETWORK = {
    "vtep_subnet": "44.0.0.0/8",
    "vtep_subnet6": "fd01:a::/64",
    "vtep_mac_oui": "70:B3:D5:00:00:00",
    "overlays": [
        {"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 26, "subnet6": "fd01:b::/64", "prefix6": 96},
        {"name": "dcos2", "subnet": "10.0.0.0/8", "prefix": 26, "subnet6": "fd01:c::/64", "prefix6": 96},
    ],
}


def members(count):
    return [{"name": "agent-%06d" % i, "ip": "172.%d.%d.%d" % (16 + i // 65536, (i // 256) % 256, i % 256),
             "role": "agent"} for i in range(count)]


def dcos_state(state):
    """What the DC/OS overlay master module would serve for the same allocation (GET
    /overlay-master/state), agents in reverse name order as if they had registered that way."""
    network = dict(state["network"], overlays=[{k: v for k, v in o.items() if v is not None}
                                               for o in state["network"]["overlays"]])
    agents = []
    for name in sorted(state["members"], reverse=True):
        entry = state["members"][name]
        vxlan = {"vni": 1024, "vtep_name": "vtep1024", "vtep_ip": entry["vtep"]["ip"], "vtep_ip6": entry["vtep"]["ip6"],
                 "vtep_mac": entry["vtep"]["mac"]}
        agents.append({"ip": entry["ip"], "overlays": [
            {"info": {"name": overlay}, "subnet": slot["subnet"], "subnet6": slot["subnet6"],
             "mesos_bridge": slot["mesos_bridge"], "docker_bridge": slot["docker_bridge"],
             "backend": {"vxlan": vxlan}} for overlay, slot in sorted(entry["overlays"].items())]})
    return {"network": network, "agents": agents}


def best_of(repeat, function):
    times = []
    for _run in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def ansible_utils_way(count):
    """Slice and both halves per host, overlay and address family, as templates do it today."""
    from ansible_collections.ansible.utils.plugins.filter.ipsubnet import _ipsubnet

    for index in range(count):
        for overlay in NETWORK["overlays"]:
            for subnet, prefix in ((overlay["subnet"], overlay["prefix"]), (overlay["subnet6"], overlay["prefix6"])):
                piece = _ipsubnet(None, subnet, str(prefix), index)
                _ipsubnet(None, piece, str(prefix + 1), 0)
                _ipsubnet(None, piece, str(prefix + 1), 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is kept")
    parser.add_argument("--baseline-hosts", type=int, default=10000,
                        help="hosts for the ansible.utils way (10,000 to compare like with like)")
    args = parser.parse_args()

    print("machine: %s, %d cores, Python %s" % (platform.platform(), os.cpu_count(), platform.python_version()))
    small, large = members(10000), members(100000)
    t_small = best_of(args.repeat, lambda: allocate(NETWORK, small))
    t_large = best_of(args.repeat, lambda: allocate(NETWORK, large))
    result = allocate(NETWORK, large)
    assert len(result["members"]) == 100000
    print("allocate 10,000 agents, 2 dual-stack overlays:  %.3f s  (target <= 0.2 s)" % t_small)
    print("allocate 100,000 agents, 2 dual-stack overlays: %.3f s" % t_large)
    state = allocate(NETWORK, small)
    t_rerun = best_of(args.repeat, lambda: allocate(NETWORK, small, state=state))
    print("re-run on 10,000 agents with their state:       %.3f s" % t_rerun)
    served = dcos_state(state)
    t_import = best_of(args.repeat, lambda: allocate(NETWORK, small, state=import_dcos(served, small, network=NETWORK)))
    assert allocate(NETWORK, small, state=import_dcos(served, small))["state"]["members"] == state["state"]["members"]
    print("import_dcos + allocate, 10,000 DC/OS agents:    %.3f s" % t_import)
    t_base = best_of(1, lambda: ansible_utils_way(args.baseline_hosts))
    per_host = t_base / args.baseline_hosts
    print("ansible.utils.ipsubnet way, %d agents:      %.3f s" % (args.baseline_hosts, t_base))
    print("ratio ansible.utils / allocate (10,000):        %.0fx  (target >= 150x)"
          % (per_host * 10000 / t_small))
    print("ratio 100k / 10k allocate time:                 %.1f  (target <= 11)" % (t_large / t_small))


if __name__ == "__main__":
    main()
