# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the time of a large cluster goes through a real playbook, connection local, no facts:
the allocation once, the peer table once, then every host's view (host_view without peers) and
data plane (dataplane) as site.yml derives them; each step's time (profile_tasks), per host,
beside the same code in Python, and the peers of a host completed from the table as the
dataplane module does on the host. The way of 3.0.0 (a view and a data plane holding every
peer, per host) runs beside it on a smaller cluster.

Run from the repository root: .venv/bin/python bench/views_playbook.py [--counts 1000,5000] [--old-counts 250]
"""
from __future__ import absolute_import, division, print_function

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".collections"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from allocation_playbook import NETWORK, inventory  # noqa: E402
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import complete  # noqa: E402
from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate  # noqa: E402
from ansible_collections.mesos.overlay.plugins.plugin_utils._render import dataplane  # noqa: E402
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view, peers_of  # noqa: E402

ALLOCATE = "Allocate the cluster once, on the controller"
TABLE = "List every member's peer entry once, for the data plane of every host"
VIEW = "Derive this host's view of the allocation"
PLANE = "Compute what this host's kernel must hold"


def in_python(count, old):
    members = [{"name": "agent-%05d" % i if i else "master-00000", "role": "master" if i == 0 else "agent",
                "ip": "172.%d.%d.%d" % (16 + i // 65536, (i // 256) % 256, i % 256)} for i in range(count)]
    times = {}
    start = time.perf_counter()
    allocation = allocate(NETWORK, members)
    times[ALLOCATE] = time.perf_counter() - start
    start = time.perf_counter()
    table = None if old else peers_of(allocation)
    times[TABLE] = time.perf_counter() - start
    start = time.perf_counter()
    views = [host_view(allocation, m["name"], peers=old) for m in members]
    times[VIEW] = time.perf_counter() - start
    start = time.perf_counter()
    planes = [dataplane(view, {}) for view in views]
    times[PLANE] = time.perf_counter() - start
    start = time.perf_counter()
    if not old:
        for plane in planes:
            complete(plane, table)
    times["on the host"] = time.perf_counter() - start
    return times


def in_ansible(count, old):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "inventory.json")
        inventory(count, path)
        env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
                   ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks")
        start = time.perf_counter()
        proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", path,
                               os.path.join(ROOT, "bench", "playbooks", "views-3.0.yml" if old else "views.yml")],
                              capture_output=True, text=True, env=env, cwd=ROOT, check=False)
        total = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit("playbook failed for %d hosts:\n%s" % (count, proc.stdout[-2000:]))
        times = {"playbook": total}
        for step in (ALLOCATE, TABLE, VIEW, PLANE):
            found = re.search(re.escape(step) + r" -+ ([0-9.]+)s", proc.stdout)
            times[step] = float(found.group(1)) if found else 0.0
        return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1000,5000")
    parser.add_argument("--old-counts", default="250")
    args = parser.parse_args()
    header = ("way", "members", "playbook", "allocation + table once", "host_view per host", "dataplane per host",
              "peers on the host")
    print("%-6s %-8s %-10s %-30s %-28s %-28s %-20s" % header)
    runs = [(True, int(c)) for c in args.old_counts.split(",") if c] + [(False, int(c)) for c in args.counts.split(",")]
    for old, count in runs:
        python = in_python(count, old)
        ansible = in_ansible(count, old)
        once = "%.2f s (Python %.2f s)" % (ansible[ALLOCATE] + ansible[TABLE], python[ALLOCATE] + python[TABLE])
        cells = ["%.1f ms (Python %.2f ms)" % (1000 * ansible[step] / count, 1000 * python[step] / count)
                 for step in (VIEW, PLANE)]
        host = "-" if old else "%.2f ms (Python)" % (1000 * python["on the host"] / count)
        row = ("3.0.0" if old else "now", count, "%.1f s" % ansible["playbook"], once, cells[0], cells[1], host)
        print("%-6s %-8d %-10s %-30s %-28s %-28s %-20s" % row)


if __name__ == "__main__":
    main()
