# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Allocation at scale through a real playbook: 2,000 and 8,000 hosts, connection local, no
facts, only the allocation step. Prints the wall times and their ratio: linear growth gives
about 4 (8,000 / 2,000), quadratic about 16.

Run from the repository root: .venv/bin/python bench/allocation_playbook.py
"""
from __future__ import absolute_import, division, print_function

import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NETWORK = {"vtep_subnet": "44.0.0.0/8", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 26},
                        {"name": "apps", "subnet": "10.0.0.0/8", "prefix": 26}]}


def inventory(count, path):
    hosts = {}
    for i in range(count):
        name = "agent-%05d" % i if i else "master-00000"
        hosts[name] = {"member": {"name": name, "role": "master" if i == 0 else "agent",
                                  "ip": "172.%d.%d.%d" % (16 + i // 65536, (i // 256) % 256, i % 256)}}
    with open(path, "w") as handle:
        variables = {"ansible_connection": "local", "mesos_overlay_network": NETWORK,
                     "ansible_python_interpreter": sys.executable}
        json.dump({"all": {"hosts": hosts, "vars": variables}}, handle)


def run(count):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "inventory.json")
        inventory(count, path)
        env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"))
        start = time.perf_counter()
        proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", path,
                               os.path.join(ROOT, "bench", "playbooks", "allocate_only.yml")],
                              capture_output=True, text=True, env=env, cwd=ROOT, check=False)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0 or "%d allocated" % count not in proc.stdout:
            raise SystemExit("playbook failed for %d hosts:\n%s\n%s" % (count, proc.stdout[-2000:], proc.stderr[-2000:]))
        return elapsed


def main():
    small = run(2000)
    large = run(8000)
    print("allocation playbook, 2,000 hosts: %.1f s" % small)
    print("allocation playbook, 8,000 hosts: %.1f s" % large)
    print("ratio 8,000 / 2,000: %.1f  (linear: 4, quadratic: 16)" % (large / small))


if __name__ == "__main__":
    main()
