# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the time of a large cluster goes through a real playbook: the allocation once, then
every host's view (host_view) and data plane (dataplane) as site.yml derives them, connection
local, no facts. Prints each step's time (profile_tasks), per host, beside the same filters
called in Python without Ansible.

Run from the repository root: .venv/bin/python bench/views_playbook.py [--counts 250,500]
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
from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate  # noqa: E402
from ansible_collections.mesos.overlay.plugins.plugin_utils._render import dataplane  # noqa: E402
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view  # noqa: E402

STEPS = ("Allocate the cluster once, on the controller", "Derive this host's view of the allocation",
         "Compute what this host's kernel must hold")


def in_python(count):
    members = [{"name": "agent-%05d" % i if i else "master-00000", "role": "master" if i == 0 else "agent",
                "ip": "172.%d.%d.%d" % (16 + i // 65536, (i // 256) % 256, i % 256)} for i in range(count)]
    start = time.perf_counter()
    allocation = allocate(NETWORK, members)
    allocated = time.perf_counter() - start
    start = time.perf_counter()
    views = [host_view(allocation, m["name"]) for m in members]
    viewed = time.perf_counter() - start
    start = time.perf_counter()
    for view in views:
        dataplane(view, {})
    planned = time.perf_counter() - start
    return allocated, viewed, planned


def in_ansible(count):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "inventory.json")
        inventory(count, path)
        env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
                   ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks")
        proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", path,
                               os.path.join(ROOT, "bench", "playbooks", "views.yml")],
                              capture_output=True, text=True, env=env, cwd=ROOT, check=False)
        if proc.returncode != 0:
            raise SystemExit("playbook failed for %d hosts:\n%s" % (count, proc.stdout[-2000:]))
        times = {}
        for step in STEPS:
            found = re.search(re.escape(step) + r" -+ ([0-9.]+)s", proc.stdout)
            times[step] = float(found.group(1)) if found else float("nan")
        return [times[step] for step in STEPS]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="250,500")
    args = parser.parse_args()
    header = ("members", "allocation once", "host_view, all hosts (per host)", "dataplane, all hosts (per host)")
    print("%-8s %-28s %-34s %-34s" % header)
    for count in [int(c) for c in args.counts.split(",")]:
        python = in_python(count)
        ansible = in_ansible(count)
        cells = ["%.2f s (Python %.2f s)" % (ansible[0], python[0])]
        for index in (1, 2):
            per_host, per_host_python = 1000 * ansible[index] / count, 1000 * python[index] / count
            cells.append("%.1f s, %.0f ms (Python %.1f ms)" % (ansible[index], per_host, per_host_python))
        print("%-8d %-28s %-34s %-34s" % (count, cells[0], cells[1], cells[2]))


if __name__ == "__main__":
    main()
