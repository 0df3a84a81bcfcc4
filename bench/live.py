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

A second thread scrapes every host's metrics (the daemons' Prometheus endpoint on the underlay,
port 9732) every second, parsed with prometheus-client's parser: how long a stopped master takes
to show as a peer down (``mesos_overlay_peer_up 0``) on every other host, and, with ``--plot``
(``make bench`` writes docs/images/lab-metrics.png), the figure docs/grafana's dashboard shows,
drawn with matplotlib from those scrapes (no Grafana here): peers by state, peers not answering,
pass duration and VTEP traffic per host, the rounds' events marked.
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
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402
from ansible_collections.mesos.overlay.plugins.module_utils._metrics import METRICS_PORT  # noqa: E402
from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import STATE_NODE, parse_url, session  # noqa: E402

BIN = os.path.dirname(sys.executable)
MASTERS = ["mesos-live-master-%d" % i for i in (1, 2, 3)]
AGENTS = ["mesos-live-agent-%d" % i for i in (1, 2, 3)]
SPARE = "mesos-live-agent-4"
SPARE_IP = "198.19.21.24"
POLL = 0.1
DEADLINE = 60.0
# The lab's underlay addresses (molecule/lab-live).
UNDERLAY = dict([(MASTERS[i], "198.19.21.1%d" % (i + 1)) for i in range(3)]
                + [(AGENTS[i], "198.19.21.2%d" % (i + 1)) for i in range(3)] + [(SPARE, SPARE_IP)])
SCRAPE_EVERY = 1.0


class Scraper(object):
    """Every host's metrics every SCRAPE_EVERY seconds, in a thread: ``samples`` is a list of
    (time, host, {(name, labels as a sorted tuple): value})."""

    def __init__(self):
        self.samples = []
        self.events = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.thread.join(30)

    def event(self, text):
        self.events.append((time.time(), text))

    def _loop(self):
        import urllib.request  # pylint: disable=import-outside-toplevel
        while not self.stopping.is_set():
            for host, address in sorted(UNDERLAY.items()):
                try:
                    with urllib.request.urlopen("http://%s:%d/metrics" % (address, METRICS_PORT), timeout=1) as answer:
                        text = answer.read().decode()
                except OSError:
                    continue
                values = {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
                          for family in text_string_to_metric_families(text) for sample in family.samples}
                self.samples.append((time.time(), host, values))
            self.stopping.wait(SCRAPE_EVERY)

    def seen_down(self, peer, hosts, since, deadline=DEADLINE):
        """Seconds from ``since`` until every host of ``hosts`` said ``peer`` down (peer_up 0)."""
        end = time.time() + deadline
        key = ("mesos_overlay_peer_up", (("peer", peer),))
        while time.time() < end:
            down = {}
            for at, host, values in list(self.samples):
                if at >= since and host in hosts and values.get(key) == 0 and host not in down:
                    down[host] = at
            if len(down) == len(hosts):
                return max(down.values()) - since
            time.sleep(0.2)
        raise RuntimeError("%s not seen down by every host within %gs" % (peer, deadline))


def plot(scraper, path):
    """The dashboard's main panels from the scrapes, to ``path`` (PNG)."""
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    from matplotlib import pyplot  # pylint: disable=import-outside-toplevel

    start = min(at for at, _host, _values in scraper.samples)
    figure, axes = pyplot.subplots(2, 2, figsize=(14, 8), sharex=True)
    panels = [
        (axes[0][0], "Peers programmed, per host (missing + stale dashed)", "peers"),
        (axes[0][1], "Peers not answering the probes, per host", "peers"),
        (axes[1][0], "Mean pass duration since the last scrape, per host", "milliseconds"),
        (axes[1][1], "VTEP packets (rx + tx) per second, per host", "packets/s"),
    ]
    for host in sorted(UNDERLAY):
        series = [(at - start, values) for at, name, values in scraper.samples if name == host]
        if not series:
            continue
        times = [at for at, _values in series]
        short = host.replace("mesos-live-", "")
        panels[0][0].plot(times, [values.get(("mesos_overlay_peers", (("state", "programmed"),)), 0)
                                  for _at, values in series], label=short)
        panels[0][0].plot(times, [values.get(("mesos_overlay_peers", (("state", "missing"),)), 0)
                                  + values.get(("mesos_overlay_peers", (("state", "stale"),)), 0)
                                  for _at, values in series], linestyle="--", linewidth=0.8)
        panels[1][0].plot(times, [sum(1 for key, value in values.items() if key[0] == "mesos_overlay_peer_up"
                                      and value == 0) for _at, values in series], label=short)
        durations, rates = [], []
        for (at0, before), (at1, after) in zip(series, series[1:]):
            count = (after.get(("mesos_overlay_reconcile_duration_seconds_count", ()), 0)
                     - before.get(("mesos_overlay_reconcile_duration_seconds_count", ()), 0))
            total = (after.get(("mesos_overlay_reconcile_duration_seconds_sum", ()), 0)
                     - before.get(("mesos_overlay_reconcile_duration_seconds_sum", ()), 0))
            durations.append(1000.0 * total / count if count > 0 else float("nan"))
            packets = sum(after.get(("mesos_overlay_vtep_%s_packets_total" % way, (("device", "vtep1024"),)), 0)
                          - before.get(("mesos_overlay_vtep_%s_packets_total" % way, (("device", "vtep1024"),)), 0)
                          for way in ("rx", "tx"))
            rates.append(max(packets, 0) / max(at1 - at0, 1e-3))
        panels[2][0].plot(times[1:], durations, marker=".", linestyle="none", label=short)
        panels[3][0].plot(times[1:], rates, label=short)
    for axis, title, unit in panels:
        axis.set_title(title, fontsize=10)
        axis.set_ylabel(unit)
        axis.grid(alpha=0.3)
        for at, text in scraper.events:
            axis.axvline(at - start, color="grey", linewidth=0.6, linestyle=":")
    for at, text in scraper.events:
        axes[0][0].annotate(text, (at - start, axes[0][0].get_ylim()[1]), fontsize=6, rotation=90, va="top")
    axes[0][1].legend(fontsize=7, loc="upper right")
    for axis in axes[1]:
        axis.set_xlabel("seconds")
    figure.suptitle("mesos.overlay on the live lab (make lab STORE=zookeeper): what the dashboard shows, "
                    "from the daemons' metrics scraped every %g s" % SCRAPE_EVERY, fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=90)


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
    parser.add_argument("--plot", help="draw the scraped metrics to this PNG (docs/images/lab-metrics.png)")
    args = parser.parse_args()
    if sh("docker", "ps", "-aq", "--filter", "name=mesos-live-").stdout.strip():
        sys.exit("a live lab is up: make lab-down first (this bench brings up its own and removes it)")
    with open(os.path.join(ROOT, "inventories", "lab-live", "group_vars", "all.yml")) as handle:
        url = parse_url(yaml.safe_load(handle)["mesos_overlay_zookeeper"])
    inventory = ["-i", "inventories/lab-live"]
    adds, releases, catch_ups, downs = [], [], [], []
    scraper = Scraper()
    try:
        print("bringing the lab up (make lab STORE=zookeeper) ...", flush=True)
        sh("make", "lab", "STORE=zookeeper")
        scraper.start()
        time.sleep(5)
        for number in range(1, args.rounds + 1):
            scraper.event("%d: add agent-4" % number)
            adds.append(timed_change(url, MASTERS + AGENTS, True, inventory + [
                "-i", "inventories/lab-live-agent-4.yml", "site.yml", "--limit", SPARE]))
            scraper.event("%d: stop master-3" % number)
            sh("docker", "stop", "-t", "5", MASTERS[2])
            # From the moment it is gone (its systemd takes up to the 5 s to shut down).
            stopped = time.time()
            downs.append(scraper.seen_down(MASTERS[2], MASTERS[:2] + AGENTS + [SPARE], stopped))
            scraper.event("%d: release agent-4" % number)
            releases.append(timed_change(url, MASTERS[:2] + AGENTS, False, inventory + [
                "playbooks/release.yml", "--limit", MASTERS[0], "-e", '{"release": ["%s"]}' % SPARE]))
            started = time.time()
            scraper.event("%d: start master-3" % number)
            sh("docker", "start", MASTERS[2])
            catch_ups.append(purged_at(MASTERS[2], started) - started)
            # master-3 back in the ensemble before the next round stops it again.
            time.sleep(10)
    finally:
        scraper.stop()
        sh("make", "lab-down", check=False)
    if args.plot:
        plot(scraper, args.plot)

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
    print(line("master-3 gone (docker stop returned) -> peer_up 0 on all 6", downs,
               "(<= 2 probe intervals: 10 s; scraped every %g s)" % SCRAPE_EVERY))
    if args.plot:
        print("the scraped metrics drawn to %s (%d scrapes)" % (args.plot, len(scraper.samples)))


if __name__ == "__main__":
    main()
