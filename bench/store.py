# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ZooKeeper store at scale, on a real zookeeperd (standalone, in a container of the test image).

Run from the repository root as root: .venv/bin/python bench/store.py [--members 10000] [--peers 1000]

On the controller side: writing an allocation of N members to an empty store (the first write of
a move), a one-member change to it, and a full read of the peer table (what a daemon does on a new
session). On a host: the real daemon (`mesos-overlay run`, the host's CommandHost, its Follower)
runs in the server container's network namespace (nsenter; a VTEP there, the overlay's own
entries only) holding a master's plane with P peers; a member added to the store, then one
released, is timed from the moment the controller starts its write until the kernel's forwarding
table has (or has lost) the member's entry. And the everyday add: `site.yml --limit` one new agent (a
container of the test image) against a store holding a 1,000-member allocation, the other members
in the inventory but never contacted, timed from the command's start to its end (the controller's
share and the new host's configuration together). Prints one line per figure, beside its target.
"""
from __future__ import absolute_import, division, print_function

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".collections"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import zkserver  # noqa: E402  (the integration tests' server)
from cluster import CAPS, IMAGE, LOCAL_ACTIONS, dexec, module_calls, playbook, sh  # noqa: E402
from ansible_collections.mesos.overlay.plugins.module_utils._metrics import METRICS_PORT  # noqa: E402
from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import Store, parse_url, session  # noqa: E402
from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate  # noqa: E402
from ansible_collections.mesos.overlay.plugins.plugin_utils._render import dataplane  # noqa: E402
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view, peers_of  # noqa: E402
from ansible_collections.mesos.overlay.plugins.module_utils._daemon import RECONCILE_INTERVAL  # noqa: E402
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import complete  # noqa: E402

CONTAINER = "mo-bench-zk"
NETWORK = {"vtep_subnet": "44.128.0.0/16", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}]}
HOST = "bench-master"
HOST_IP = "198.18.0.1"
CHANGES = 5


def members(count, extra=0):
    """The bench host (a master) and ``count`` agents, then ``extra`` more to add one by one."""
    agents = [{"name": "agent-%05d" % i, "ip": "198.%d.%d.%d" % (18 + i // 62500, (i // 250) % 250 + 1, i % 250 + 1),
               "role": "agent"} for i in range(count + extra)]
    return [{"name": HOST, "ip": HOST_IP, "role": "master"}] + agents


def table(allocation):
    return dict((peer["name"], peer) for peer in peers_of(allocation))


def controller_side(address, count):
    """Seconds for the first write of ``count`` members, a one-member change, and a full read."""
    url = parse_url("zk://%s:2181/bench-write-%d" % (address, count))
    allocation = allocate(NETWORK, members(count))
    grown = allocate(NETWORK, members(count, 1), state=allocation["state"])
    with session(url) as client:
        store = Store(client)
        start = time.perf_counter()
        _written, version = store.write(allocation["state"], -1, table(allocation))
        first = time.perf_counter() - start
        start = time.perf_counter()
        written, _version = store.write(grown["state"], version, table(grown))
        one = time.perf_counter() - start
        assert written == ["/members/agent-%05d" % count], written
        start = time.perf_counter()
        peers, _version, _known = store.read_peers()
        read = time.perf_counter() - start
        assert len(peers) == count + 2
        size = len(client.get("/state")[0])
    return first, one, read, size


def fdb(pid):
    """The VTEP's forwarding table in the server's namespace ("" until the daemon made the VTEP)."""
    out = subprocess.run(["nsenter", "-t", str(pid), "-n", "bridge", "fdb", "show", "dev", "vtep1024"],
                         capture_output=True, text=True, check=False).stdout
    return out.lower()


def wait_for(pid, mac, present, deadline=30.0):
    start = time.perf_counter()
    while (mac in fdb(pid)) != present:
        if time.perf_counter() - start > deadline:
            raise RuntimeError("the daemon did not %s %s within %g s" % ("add" if present else "remove", mac, deadline))
        time.sleep(0.01)


def host_side(address, pid, count, workdir):
    """Seconds from the start of a write until the host's kernel has the change, for CHANGES adds
    and CHANGES releases, on a host holding ``count`` peers."""
    url_text = "zk://%s:2181/bench-host-%d" % (address, count)
    everyone = members(count, CHANGES)
    allocation = allocate(NETWORK, everyone[:count + 1])
    with session(parse_url(url_text)) as client:
        store = Store(client)
        _written, version = store.write(allocation["state"], -1, table(allocation))
        plane = complete(dataplane(host_view(allocation, HOST, peers=False), {}), peers_of(allocation))
        plane_path = os.path.join(workdir, "dataplane.json")
        store_path = os.path.join(workdir, "store.json")
        with open(plane_path, "w") as handle:
            json.dump(plane, handle)
        with open(store_path, "w") as handle:
            json.dump({"zookeeper": "zk://127.0.0.1:2181/bench-host-%d" % count}, handle)
        for argv in (["ip", "link", "add", "u0", "type", "veth", "peer", "name", "u1"],
                     ["ip", "addr", "add", HOST_IP + "/16", "dev", "u0"],
                     ["ip", "link", "set", "u0", "up"], ["ip", "link", "set", "u1", "up"]):
            subprocess.run(["nsenter", "-t", str(pid), "-n"] + argv, check=True, capture_output=True)
        log = open(os.path.join(workdir, "daemon.log"), "w")
        daemon_env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, ".collections"),
                          MESOS_OVERLAY_STATUS=os.path.join(workdir, "status.json"))
        daemon = subprocess.Popen(
            ["nsenter", "-t", str(pid), "-n", sys.executable, "-c",
             "import sys; from ansible_collections.mesos.overlay.plugins.module_utils._boot import main; "
             "sys.exit(main(sys.argv[1:]))", "run", "--store", store_path, "--metrics", "127.0.0.1:%d" % METRICS_PORT,
             plane_path],
            env=daemon_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            # Steady state: the restore from the plane file done, then the follower's first read
            # of the store (the same table: nothing to change) within the daemon's next passes.
            deadline = time.time() + 120
            while "restored:" not in open(log.name).read():
                if time.time() > deadline or daemon.poll() is not None:
                    raise RuntimeError("the daemon did not restore its plane")
                time.sleep(0.1)
            time.sleep(2 * RECONCILE_INTERVAL)
            looks = {"status": [], "scrape": []}
            for _look in range(5):
                start = time.perf_counter()
                subprocess.run(["nsenter", "-t", str(pid), "-n", sys.executable, "-c",
                                "import sys; from ansible_collections.mesos.overlay.plugins.module_utils._boot import "
                                "main; sys.exit(main(sys.argv[1:]))", "status", "--json", plane_path],
                               env=daemon_env, capture_output=True, check=False)
                looks["status"].append(time.perf_counter() - start)
                start = time.perf_counter()
                scraped = subprocess.run(["nsenter", "-t", str(pid), "-n", sys.executable, "-c",
                                          "import urllib.request; print(urllib.request.urlopen("
                                          "'http://127.0.0.1:%d/metrics', timeout=10).read().decode())" % METRICS_PORT],
                                         capture_output=True, text=True, check=True).stdout
                looks["scrape"].append(time.perf_counter() - start)
                if 'mesos_overlay_peers{state="programmed"} %d.0' % count not in scraped:
                    raise RuntimeError("the scrape does not show %d peers programmed:\n%s" % (count, scraped[:2000]))
            adds, releases, added = [], [], {}
            state = allocation["state"]
            for number in range(CHANGES):
                new = everyone[count + 1 + number]["name"]
                grown = allocate(NETWORK, everyone[:count + 2 + number], state=state)
                added[new] = grown["members"][new]["vtep"]["mac"].lower()
                start = time.perf_counter()
                _written, version = store.write(grown["state"], version, table(grown))
                wait_for(pid, added[new], True)
                adds.append(time.perf_counter() - start)
                state = grown["state"]
            present = everyone
            for gone in sorted(added):
                present = [member for member in present if member["name"] != gone]
                shrunk = allocate(NETWORK, present, state=state, release=[gone])
                start = time.perf_counter()
                _written, version = store.write(shrunk["state"], version, table(shrunk))
                wait_for(pid, added[gone], False)
                releases.append(time.perf_counter() - start)
                state = shrunk["state"]
        finally:
            daemon.terminate()
            daemon.wait(30)
            log.close()
    return adds, releases, looks


LIMIT_AGENT = "mo-bench-limit-agent"
LIMIT_NETWORK = {"vtep_subnet": "44.128.0.0/16", "vtep_mac_oui": "70:B3:D5:00:00:00",
                 "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}]}


def on_host(output, host):
    """Seconds of the tasks that ran a module on ``host`` itself (not delegated, not an action of
    the controller), from the json callback's output: the rest of a run is the controller's."""
    seconds = 0.0
    for play in output["plays"]:
        for task in play["tasks"]:
            result = task["hosts"].get(host)
            if not result or result.get("skipped") or result.get("_ansible_delegated_vars") \
                    or result.get("action", "").split(".")[-1] in LOCAL_ACTIONS:
                continue
            duration = task["task"]["duration"]
            seconds += (parse_time(duration["end"]) - parse_time(duration["start"]))
    return seconds


def parse_time(text):
    """The json callback's time (``isoformat`` of UTC, then Z) in seconds."""
    return datetime.datetime.fromisoformat(text.rstrip("Z")).timestamp()


def limit_run(address, count, workdir):
    """(seconds, modules run on the new host, members in the store after): ``site.yml --limit``
    adding one agent to a store that holds ``count`` members (3 masters), as an operator runs it."""
    sh("docker", "rm", "-f", LIMIT_AGENT, check=False)
    argv = ["docker", "run", "-d", "--name", LIMIT_AGENT, "--hostname", LIMIT_AGENT, "-e", "START_DOCKER=1",
            "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined", "--cgroupns", "host",
            "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "--tmpfs", "/run", "--tmpfs", "/var/lib/docker:exec"]
    for cap in CAPS:
        argv += ["--cap-add", cap]
    sh(*(argv + [IMAGE]))
    try:
        agent_ip = sh("docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                      LIMIT_AGENT).stdout.strip()
        for _attempt in range(60):
            if dexec(LIMIT_AGENT, "docker", "info", check=False).returncode == 0:
                break
            time.sleep(1)
        existing = [{"name": "master-%d" % i, "ip": "198.18.0.%d" % i, "role": "master"} for i in (1, 2, 3)]
        existing += [{"name": "agent-%05d" % i, "ip": "198.%d.%d.%d" % (18 + i // 62500, (i // 250) % 250 + 1, i % 250 + 1),
                      "role": "agent"} for i in range(count - 3)]
        url = "zk://%s:2181/bench-limit-%d" % (address, count)
        allocation = allocate(LIMIT_NETWORK, existing)
        with session(parse_url(url)) as client:
            Store(client).write(allocation["state"], -1, table(allocation))
        groups = {"mesos_masters": {"hosts": {}}, "mesos_agents": {"hosts": {}}}
        for member in existing:
            groups["mesos_%ss" % member["role"]]["hosts"][member["name"]] = {"mesos_overlay_underlay_ip": member["ip"]}
        groups["mesos_agents"]["hosts"][LIMIT_AGENT] = {"mesos_overlay_underlay_ip": agent_ip}
        inventory = os.path.join(workdir, "limit-inventory.json")
        with open(inventory, "w") as handle:
            json.dump({"all": {"vars": {"ansible_connection": "community.docker.docker",
                                        "ansible_python_interpreter": "/usr/bin/python3",
                                        "mesos_overlay_network": LIMIT_NETWORK, "mesos_overlay_store": "zookeeper",
                                        "mesos_overlay_zookeeper": url},
                               "children": groups}}, handle)
        elapsed, output = playbook(inventory, "playbooks/site.yml", "--limit", LIMIT_AGENT)
        with session(parse_url(url)) as client:
            stored, _version = Store(client).read()
        if LIMIT_AGENT not in stored["members"]:
            raise RuntimeError("the --limit run did not allocate %s in the store" % LIMIT_AGENT)
        again, _output = playbook(inventory, "playbooks/site.yml", "--limit", LIMIT_AGENT)
        return {"add": elapsed, "on host": on_host(output, LIMIT_AGENT), "again": again,
                "calls": module_calls(output, LIMIT_AGENT), "stored": len(stored["members"])}
    finally:
        sh("docker", "rm", "-f", LIMIT_AGENT, check=False)


def main():
    if os.geteuid() != 0:
        sys.exit("run as root (nsenter, a VTEP in the server's network namespace)")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", default="1000,10000", help="allocation sizes written by the controller")
    parser.add_argument("--peers", type=int, default=1000, help="peers of the host the daemon runs on")
    parser.add_argument("--limit-members", type=int, default=1000, help="members in the store of the --limit run")
    args = parser.parse_args()
    print("machine: %s, %d cores, Python %s" % (platform.platform(), os.cpu_count(), platform.python_version()))
    workdir = tempfile.mkdtemp(prefix="mo-bench-store-")
    # The daemon's apply lock in the bench's own directory, not the machine's /run/mesos-overlay.
    os.environ["MESOS_OVERLAY_APPLY_LOCK"] = os.path.join(workdir, "apply.lock")
    try:
        with zkserver.standalone(CONTAINER) as (address, pid):
            print("%-9s %-24s %-26s %-18s %s" % ("members", "first write (<= 2 s)", "one-member change write",
                                                 "full peer read", "root znode"))
            for count in [int(c) for c in args.members.split(",")]:
                first, one, read, size = controller_side(address, count)
                print("%-9d %-24s %-26s %-18s %d bytes (limit 1 MB)" % (
                    count, "%.2f s" % first, "%.3f s" % one, "%.2f s" % read, size))
            adds, releases, looks = host_side(address, pid, args.peers, workdir)
            print("one-member change on a host with %d peers, from the write's start to the kernel (<= 1 s), "
                  "%d each:" % (args.peers, CHANGES))
            print("  add:     median %.3f s, max %.3f s (%s)" % (statistics.median(adds), max(adds), ", ".join("%.2f" % a for a in adds)))
            print("  release: median %.3f s, max %.3f s (%s)" % (statistics.median(releases), max(releases), ", ".join("%.2f" % a for a in releases)))
            print("on that host (%d peers), 5 each: mesos-overlay status --json median %.2f s, max %.2f s (< 1 s); "
                  "a metrics scrape (the kernel read at scrape time) median %.2f s, max %.2f s"
                  % (args.peers, statistics.median(looks["status"]), max(looks["status"]),
                     statistics.median(looks["scrape"]), max(looks["scrape"])))
            run = limit_run(address, args.limit_members, workdir)
            print("site.yml --limit one new agent, %d members in the store: %.1f s the whole run, of which the "
                  "controller's share %.1f s (<= 20 s) and the new host's modules %.1f s (%d modules); %d members "
                  "in the store after; the same run again (converged) %.1f s"
                  % (args.limit_members, run["add"], run["add"] - run["on host"], run["on host"], run["calls"],
                     run["stored"], run["again"]))
    except Exception:
        log = os.path.join(workdir, "daemon.log")
        if os.path.exists(log):
            sys.stderr.write("the daemon's log:\n" + open(log).read()[-3000:])
        raise
    finally:
        subprocess.run(["rm", "-rf", workdir], check=False)


if __name__ == "__main__":
    main()
