# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What group policy costs, side by side in one run, on the real kernel (network namespaces).

Run from the repository root as root: .venv/bin/python bench/policy.py (--cni: the CNI figures alone)
The namespace cluster of tests/integration/test_group_policy.py (a master and two agents, the
data plane applied by the boot unit's command, containers attached as Mesos attaches them):

- throughput: iperf3 from a container of group 100 on agent 1 to one of group 100 on agent 2,
  without a policy (plain VTEPs) and with the demo policy (gbp VTEPs, marks, the nftables
  table), in alternating rounds; medians;
- CNI ADD + DEL of a container: the bridge plugin alone against the group plugin around it
  (medians), and the interpreter's own start measured apart (what is left is the plugin's own),
  with the host daemon running in the agent's namespace as on a host (it applies the plugin's
  group changes), and around a stand-in delegate also without it (the plugin runs nft);
- the group policy step with many members on an agent: first apply, converged, and a policy
  change (one chain rewritten), for 100 and 1,000 members.
Removes every namespace it made, also on failure.
"""
from __future__ import absolute_import, division, print_function

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, ".collections"))

import test_group_policy as scenario  # noqa: E402  (the integration test's cluster)
from netns import sh  # noqa: E402

ROUNDS = 5
CNI_RUNS = 31
OVERHEAD_RUNS = 51


def iperf(cluster, source, target, seconds=4):
    server = subprocess.Popen(["ip", "netns", "exec", target["netns"], "iperf3", "-s", "-1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        out = sh("iperf3", "-c", target["ip4"], "-t", str(seconds), "-J", netns=source["netns"]).stdout
    finally:
        server.wait(timeout=10)
    return json.loads(out)["end"]["sum_received"]["bits_per_second"] / 1e9


def cni_round_trip(cluster, agent, network_info, config_name, run):
    """One container attached and detached (ADD then DEL, as Mesos' isolator does), in s."""
    name = "bench%d" % run
    sh("ip", "netns", "add", "mo-it-c-" + name)
    cluster.containers.append("mo-it-c-" + name)
    start = time.monotonic()
    for command in ("ADD", "DEL"):
        proc = cluster.lab.hosts[agent].run(
            sys.executable, scenario.TOOL, command, "--config", config_name, "--plugins-dir", cluster.plugins,
            "--netns", "/run/netns/mo-it-c-" + name, "--container-id", name,
            "--network-info", json.dumps(network_info), check=False)
        assert proc.returncode == 0, proc.stderr
    elapsed = time.monotonic() - start
    sh("ip", "netns", "del", "mo-it-c-" + name)
    return elapsed


def cni_costs(cluster, agent, bare_config, grouped_config):
    """Medians in ms of CNI_RUNS rounds, each taking both in turn (the VM's drift falls on both
    alike): the bridge plugin alone, and the group plugin around it."""
    rounds = {"bare": [], "grouped": []}
    for run in range(CNI_RUNS):
        rounds["bare"].append(cni_round_trip(cluster, agent, {}, bare_config, 2 * run))
        rounds["grouped"].append(cni_round_trip(cluster, agent, {"groups": ["web"]}, grouped_config, 2 * run + 1))
    return {key: statistics.median(values) * 1000 for key, values in rounds.items()}


# Run inside an agent's namespace: the group plugin around a stand-in delegate (a shell script that
# answers a fixed CNI 0.2.0 result) against that stand-in alone, so the veth and IPAM work of
# the bridge plugin, which varies by tens of ms between runs on this VM, stays out of the figure.
OVERHEAD_DRIVER = r"""
import json, os, statistics, subprocess, sys, time
plugins, launcher, config, runs = sys.argv[1], sys.argv[2], sys.argv[3].encode(), int(sys.argv[4])
# The same config with no daemon at its socket: the plugin runs nft itself.
alone = json.loads(config)
alone["daemonSocket"] = alone["daemonSocket"] + ".none"
alone = json.dumps(alone).encode()
with open(launcher) as handle:
    lines = handle.read().splitlines()
interpreter = lines[0][2:].split()
# The launcher without the call, ending as the plugin ends (os._exit, no finalization).
imports_only = "\n".join(line for line in lines[1:] if line != "main()") + "\nimport os\nos._exit(0)"
stand_in = os.path.join(plugins, "stand-in")
env = dict(os.environ, CNI_PATH=plugins, CNI_IFNAME="eth0", CNI_NETNS="/run/netns/none")


def timed(*calls, text=config):
    start = time.perf_counter()
    for argv, command, container in calls:
        proc = subprocess.run(argv, input=text, stdout=subprocess.PIPE, check=False,
                              env=dict(env, CNI_COMMAND=command, CNI_CONTAINERID=container))
        assert proc.returncode == 0, proc.stdout
    return time.perf_counter() - start


rounds = {"stand-in": [], "plugin": [], "plugin-nft": [], "python": [], "python-start": [], "imports": []}
for run in range(runs):
    container = "overhead%d" % run
    rounds["stand-in"].append(timed(([stand_in], "ADD", container), ([stand_in], "DEL", container)))
    rounds["plugin"].append(timed(([launcher], "ADD", container), ([launcher], "DEL", container)))
    rounds["plugin-nft"].append(timed(([launcher], "ADD", container + "n"), ([launcher], "DEL", container + "n"),
                                      text=alone))
    rounds["python"].append(timed((interpreter + ["-c", "pass"], "", ""), (interpreter + ["-c", "pass"], "", "")))
    start_only = interpreter + ["-c", "import posix; posix._exit(0)"]
    rounds["python-start"].append(timed((start_only, "", ""), (start_only, "", "")))
    rounds["imports"].append(timed((interpreter + ["-c", imports_only], "", ""),
                                   (interpreter + ["-c", imports_only], "", "")))
print(json.dumps({key: statistics.median(values) * 1000 for key, values in rounds.items()}))
"""


def plugin_overhead(cluster, agent, grouped_config, runs=OVERHEAD_RUNS):
    """The group plugin's own cost in ms (medians of alternating rounds, in the agent's namespace,
    with a group policy applied): ADD + DEL around a stand-in delegate against the stand-in alone,
    the interpreter started twice with nothing to run and with the plugin's imports only."""
    stand_in = os.path.join(cluster.plugins, "stand-in")
    with open(stand_in, "w") as handle:
        handle.write('#!/bin/sh\ncat >/dev/null\n'
                     'echo \'{"cniVersion": "0.2.0", "ip4": {"ip": "9.0.1.77/25"}, "ip6": {"ip": "fd01:b::1:0:0:77/81"}}\'\n')
    os.chmod(stand_in, 0o755)
    with open(grouped_config) as handle:
        config = json.load(handle)
    config["delegate"] = {"type": "stand-in"}
    config.setdefault("args", {})["org.apache.mesos"] = {"network_info": {"groups": ["web"]}}
    proc = subprocess.run(["ip", "netns", "exec", cluster.lab.hosts[agent].netns, sys.executable, "-c", OVERHEAD_DRIVER,
                           cluster.plugins, os.path.join(cluster.plugins, "mesos-overlay-groups"), json.dumps(config),
                           str(runs)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout)


def step_timings(cluster, members):
    """The group policy step alone (on the daemon's CommandHost) on agent a2 with ``members`` recorded members."""
    from ansible_collections.mesos.overlay.plugins.plugin_utils import _policy, _render, _view

    directory = tempfile.mkdtemp(prefix="mo-bench-members-")
    for index in range(members):
        with open(os.path.join(directory, "m%d.json" % index), "w") as handle:
            json.dump({"group": 100 + index % 2 * 100,
                       "addresses": ["9.%d.%d.%d" % (100 + index // 65536, index // 256 % 256, index % 256),
                                     "fd01:b::9:%x" % index]}, handle)
    view = _view.host_view(cluster.allocation, "a2")

    def table(policy):
        return _render.dataplane(view, {"group_policy": _policy.group_policy(policy, scenario.NETWORK),
                                        "members_dir": directory})["group_policy"]

    script = ("import json, sys, time, subprocess\n"
              "sys.path.insert(0, %r)\n"
              "from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import options as with_defaults\n"
              "from ansible_collections.mesos.overlay.plugins.module_utils._host import CommandHost\n"
              "from ansible_collections.mesos.overlay.plugins.module_utils._nftables import GroupPolicy\n"
              "for options in json.load(sys.stdin):\n"
              "    start = time.monotonic()\n"
              "    result = GroupPolicy(with_defaults('group_policy', options), CommandHost()).run()\n"
              "    print(json.dumps([time.monotonic() - start, len(result['changes'])]))\n"
              % os.path.join(ROOT, ".collections"))
    sequence = [table({}), table(scenario.DEMO), table(scenario.DEMO), table(scenario.CLOSED), table({})]
    # Inside the agent's namespace, as the boot unit runs it.
    out = subprocess.run(["ip", "netns", "exec", cluster.lab.hosts["a2"].netns, sys.executable, "-c", script],
                         input=json.dumps(sequence), capture_output=True, text=True, check=True).stdout
    timings = [json.loads(line) for line in out.splitlines()]
    subprocess.run(["rm", "-rf", directory], check=True)
    return {"first": timings[1], "converged": timings[2], "change": timings[3], "removed": timings[4]}


def main():
    if os.geteuid() != 0:
        sys.exit("run as root (network namespaces)")
    # --cni: the CNI figures alone (a minute, no iperf3 rounds).
    rounds = 0 if "--cni" in sys.argv[1:] else ROUNDS
    workdir = tempfile.mkdtemp(prefix="mo-bench-policy-")
    cluster = scenario.Cluster(workdir)
    try:
        cluster.apply({})
        plain = {}
        plain["web1"] = cluster.add("a1", "web1", {"groups": ["web"]})
        plain["web2"] = cluster.add("a2", "web2", {"groups": ["web"]})
        without, with_policy = [], []
        for _round in range(rounds):
            cluster.apply({})
            without.append(iperf(cluster, plain["web1"], plain["web2"]))
            cluster.apply(scenario.DEMO)
            # The two containers were attached before the policy: record them as the plugin would have.
            for agent, name in (("a1", "web1"), ("a2", "web2")):
                with open(os.path.join(workdir, agent, "members", "cni-%s-eth0.json" % name), "w") as handle:
                    json.dump({"group": 100, "addresses": [plain[name]["ip4"], plain[name]["ip6"]]}, handle)
            cluster.apply(scenario.DEMO)
            with_policy.append(iperf(cluster, plain["web1"], plain["web2"]))
        cluster.apply(scenario.DEMO)
        if rounds:
            print("iperf3 TCP 100 -> 100 across agents, Gbit/s, median of %d alternating rounds:" % ROUNDS)
            print("  without a policy %.2f   with the demo policy (gbp, marks, nftables) %.2f   ratio %.2f"
                  % (statistics.median(without), statistics.median(with_policy),
                     statistics.median(with_policy) / statistics.median(without)))
            print("  rounds without: %s" % ", ".join("%.2f" % value for value in without))
            print("  rounds with:    %s" % ", ".join("%.2f" % value for value in with_policy))

        config = os.path.join(workdir, "a1", "cni", "dcos.conf")
        with open(config) as handle:
            wrapped = json.load(handle)
        bare_path = os.path.join(workdir, "a1", "cni", "bare.conf")
        with open(bare_path, "w") as handle:
            json.dump(dict(wrapped["delegate"], name="dcos", cniVersion=wrapped["cniVersion"]), handle)
        # As on a host: the host daemon runs (it applies the plugin's group changes).
        with cluster.daemon("a1"):
            cni = cni_costs(cluster, "a1", bare_path, config)
            # The interpreter's start and the plugin's imports, measured in the same run.
            own = plugin_overhead(cluster, "a1", config)
        # python: the interpreter run with nothing to do (its start and its end, twice); start alone:
        # ended by os._exit, as the plugin ends (no finalization), so that its imports and work
        # are what is left of the plugin beyond it.
        imports = own["imports"] - own["python-start"]
        print("CNI ADD + DEL of a container (Mesos' isolator stand-in), medians of %d alternating rounds, ms:"
              % CNI_RUNS)
        print("  bridge plugin alone %.1f   group plugin around it %.1f   difference %.1f, of which the interpreter's"
              " own run (python -IS -c pass, ADD and DEL) %.1f   the rest %.1f  (target <= 10)"
              % (cni["bare"], cni["grouped"], cni["grouped"] - cni["bare"], own["python"],
                 cni["grouped"] - cni["bare"] - own["python"]))
        rest = own["plugin"] - own["stand-in"] - own["python"]
        strict = own["plugin"] - own["stand-in"] - own["python-start"]
        print("the group plugin's own cost, ADD + DEL around a stand-in delegate, medians of %d alternating rounds, ms:"
              % OVERHEAD_RUNS)
        print("  stand-in alone %.1f   group plugin around it %.1f   difference %.1f, of which the interpreter's own run"
              " %.1f   the rest %.1f  (target <= 10)"
              % (own["stand-in"], own["plugin"], own["plugin"] - own["stand-in"], own["python"], rest))
        print("  over the interpreter's start alone (%.1f, ended as the plugin ends: os._exit) the rest %.1f: its"
              " imports %.1f, its work (the record, the daemon's answer, the delegate's start) %.1f"
              % (own["python-start"], strict, imports, strict - imports))
        print("  without the host daemon (the plugin runs nft itself): group plugin %.1f   the rest %.1f"
              % (own["plugin-nft"], own["plugin-nft"] - own["stand-in"] - own["python"]))
        if not rounds:
            return
        print("group policy step on an agent (the boot unit's code, one nft transaction), s (changes):")
        for members in (100, 1000):
            timing = step_timings(cluster, members)
            print("  %5d members: first %.3f (%d)   converged %.3f (%d)   policy change %.3f (%d)   removed %.3f (%d)"
                  % (members, timing["first"][0], timing["first"][1], timing["converged"][0],
                     timing["converged"][1], timing["change"][0], timing["change"][1], timing["removed"][0],
                     timing["removed"][1]))
    finally:
        cluster.close()
        subprocess.run(["rm", "-rf", workdir], check=False)


if __name__ == "__main__":
    main()
