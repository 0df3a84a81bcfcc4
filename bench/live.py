# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Propagation through the host daemons on the live lab (`make lab STORE=zookeeper`: three masters
with a ZooKeeper ensemble and three agents, hosts that boot with systemd).

Run from the repository root as root: .venv/bin/python bench/live.py [--rounds 3]

It brings the lab up (it refuses to run while one is up: `make lab-down` first), then, each round:
adds the spare agent-4 with `site.yml --limit mesos-live-agent-4`, stops master-3, releases agent-4
with `release.yml --limit mesos-live-master-1`, and starts master-3 again. A thread per host reads
its VTEP's forwarding table (`docker exec ... bridge fdb`) every 0.1 s; a change's propagation is
from the moment the store took the write (the root znode's mtime, on the same clock: the servers
run on this machine's kernel) to the moment the last host shows it. Removes the lab at the end,
also on failure.
"""
from __future__ import absolute_import, division, print_function

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".collections"))

import yaml  # noqa: E402
from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import STATE_NODE, parse_url, session  # noqa: E402

BIN = os.path.dirname(sys.executable)
MASTERS = ["mesos-live-master-%d" % i for i in (1, 2, 3)]
AGENTS = ["mesos-live-agent-%d" % i for i in (1, 2, 3)]
SPARE = "mesos-live-agent-4"
SPARE_IP = "198.19.21.24"
POLL = 0.1
DEADLINE = 60.0


def sh(*argv, check=True):
    proc = subprocess.run(list(argv), capture_output=True, text=True, cwd=ROOT, check=False)
    if check and proc.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(argv), (proc.stdout + proc.stderr)[-3000:]))
    return proc


def holds_spare(host):
    """Whether the host's VTEP forwards to the spare agent; None when it cannot be read (a host
    down, no VTEP yet)."""
    proc = sh("docker", "exec", host, "bridge", "fdb", "show", "dev", "vtep1024", check=False)
    if proc.returncode != 0:
        return None
    return (" dst %s " % SPARE_IP) in proc.stdout + " "


def stamp(line):
    """The time of a journal line in ``short-unix`` form; 0 for a line without one."""
    try:
        return float(line.split(None, 1)[0])
    except (IndexError, ValueError):
        return 0.0


def purged_at(host, since, deadline=DEADLINE):
    """The time (epoch seconds) the host's daemon, started after ``since``, removed the spare
    agent's forwarding entry, from its journal (a host that just started has no VTEP to read until
    its daemon restored one, and then briefly one without the entries). Containers share the
    machine's boot, so the journal is cut at ``since``, not at the boot."""
    start = time.time()
    while time.time() - start < deadline:
        lines = sh("docker", "exec", host, "journalctl", "-u", "mesos-overlay", "--no-pager", "-o", "short-unix",
                   "--since", "@%d" % int(since), check=False).stdout.splitlines()
        lines = [text for text in lines if stamp(text) >= since]
        removed = [number for number, text in enumerate(lines) if "removed %s" % SPARE in text]
        if removed:
            for text in lines[removed[0]:]:
                if "peers: remove fdb" in text:
                    return stamp(text)
        time.sleep(POLL * 2)
    raise RuntimeError("%s: its daemon did not purge %s within %d s" % (host, SPARE, deadline))


class Watch(object):
    """When each host first showed the spare agent's entry (``present``) or its absence."""

    def __init__(self, hosts, present):
        self.seen = {}
        self.present = present
        self.threads = [threading.Thread(target=self._poll, args=(host,), daemon=True) for host in hosts]
        for thread in self.threads:
            thread.start()

    def _poll(self, host):
        start = time.time()
        while time.time() - start < DEADLINE * 3:
            if holds_spare(host) == self.present:
                self.seen[host] = time.time()
                return
            time.sleep(POLL)

    def wait(self):
        for thread in self.threads:
            thread.join()
        return self.seen


def written_at(url):
    """The time (epoch seconds) of the last write of the allocation: the root znode's mtime."""
    with session(url) as client:
        return client.get("/" + STATE_NODE)[1].mtime / 1000.0


def timed_change(url, hosts, present, playbook_argv):
    """(from the store's write to the last host, from the run's end to the last host), seconds."""
    watch = Watch(hosts, present)
    sh(os.path.join(BIN, "ansible-playbook"), *playbook_argv)
    ended = time.time()
    seen = watch.wait()
    late = [host for host in hosts if host not in seen]
    if late:
        raise RuntimeError("%s did not %s agent-4 within %d s" % (", ".join(late), "add" if present else "purge",
                                                                  DEADLINE * 3))
    last = max(seen.values())
    return last - written_at(url), max(0.0, last - ended)


def main():
    if os.geteuid() != 0:
        sys.exit("run as root (Docker)")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if sh("docker", "ps", "-aq", "--filter", "name=mesos-live-").stdout.strip():
        sys.exit("a live lab is up: make lab-down first (this bench brings up its own and removes it)")
    with open(os.path.join(ROOT, "inventories", "lab-live", "group_vars", "all.yml")) as handle:
        url = parse_url(yaml.safe_load(handle)["mesos_overlay_zookeeper"])
    inventory = ["-i", "inventories/lab-live"]
    adds, releases, catch_ups = [], [], []
    try:
        print("bringing the lab up (make lab STORE=zookeeper) ...", flush=True)
        sh("make", "lab", "STORE=zookeeper")
        for _round in range(args.rounds):
            adds.append(timed_change(url, MASTERS + AGENTS, True, inventory + [
                "-i", "inventories/lab-live-agent-4.yml", "site.yml", "--limit", SPARE]))
            sh("docker", "stop", "-t", "5", MASTERS[2])
            releases.append(timed_change(url, MASTERS[:2] + AGENTS, False, inventory + [
                "playbooks/release.yml", "--limit", MASTERS[0], "-e", '{"release": ["%s"]}' % SPARE]))
            started = time.time()
            sh("docker", "start", MASTERS[2])
            catch_ups.append(purged_at(MASTERS[2], started) - started)
            # master-3 back in the ensemble before the next round stops it again.
            time.sleep(10)
    finally:
        sh("make", "lab-down", check=False)

    def line(name, figures, target):
        return "%-58s median %5.2f s  max %5.2f s  (%s)  %s" % (
            name, statistics.median(figures), max(figures), ", ".join("%.2f" % f for f in figures), target)

    print("%d rounds on the live lab (3 masters with ZooKeeper, 3 agents); every host's fdb read every %.1f s"
          % (args.rounds, POLL))
    print(line("add (--limit agent-4), store write -> all 6 hosts", [a[0] for a in adds], "(lab <= 10 s, target <= 2 s)"))
    print(line("  the same from the run's end", [a[1] for a in adds], ""))
    print(line("release, a master down, store write -> all 5 up", [r[0] for r in releases], "(lab <= 10 s, target <= 2 s)"))
    print(line("  the same from the run's end", [r[1] for r in releases], ""))
    print(line("master-3 started again -> purged by its daemon (journal)", catch_ups, "(boot, ZooKeeper, daemon)"))


if __name__ == "__main__":
    main()
