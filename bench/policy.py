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
  table), in alternating rounds; medians; and in the same rounds what the CPU that sends spends
  in nftables' code (perf samples), which gives the policy's cost without the rounds' noise;
- CNI ADD + DEL of a container: the bridge plugin alone against the group plugin around it
  (medians), and the interpreter's own start measured apart (what is left is the plugin's own),
  with the host daemon running in the agent's namespace as on a host (it applies the plugin's
  group changes), and around a stand-in delegate also without it (the plugin runs nft);
- the group policy step with many members on an agent: first apply, converged, and a policy
  change (one chain rewritten), for 100 and 1,000 members.
Removes every namespace it made, also on failure.
"""
from __future__ import absolute_import, division, print_function

import collections
import json
import os
import re
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
# iperf3's client runs on this CPU, its server on the other. A packet's whole way (the sender's
# stack, both hosts' forwarding, the VXLAN encapsulation and decapsulation, up to the receiving
# socket's queue) runs in softirq on the CPU that sent it: with the client pinned, that CPU is the
# flow's bottleneck, and its busy time per byte is what the flow costs.
SENDING_CPU = 0
# perf's names for a CPU that waits (halted), and the kernel code the policy adds work to: the
# code that runs nftables rules, and the route lookups the VXLAN device makes for each packet that
# carries a mark (gbp: the tunnel's route cache is not used for a marked packet).
IDLE_CODE = frozenset(("pv_native_safe_halt", "native_safe_halt", "default_idle", "acpi_idle_do_entry", "intel_idle",
                       "poll_idle", "cpu_idle_poll", "mwait_idle_with_hints"))
KINDS = (("nftables rules", re.compile(r"^(__)?(nft_|nf_tables_)")),
         ("route lookups", re.compile(r"^(fib_|ip_route_output|__ip_dev_find)")))


def sending_cpu_samples(seconds, data):
    """perf's samples of the sending CPU for ``seconds``, by symbol (a Counter)."""
    subprocess.run(["perf", "record", "-q", "-C", str(SENDING_CPU), "-F", "999", "-e", "cpu-clock", "-o", data,
                    "--", "sleep", str(seconds)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = subprocess.run(["perf", "report", "-i", data, "--sort", "sym", "--stdio", "--no-children", "-q",
                             "--show-nr-samples"], capture_output=True, text=True, check=True).stdout
    os.remove(data)
    samples = collections.Counter()
    for line in report.splitlines():
        match = re.match(r"\s*[\d.]+%\s+(\d+)\s+\[.\]\s+(\S+)", line)
        if match is not None:
            samples[match.group(2)] += int(match.group(1))
    return samples


def iperf(cluster, source, target, seconds=5):
    """One TCP flow: its Gbit/s, and the sending CPU's samples over its middle seconds with the
    gigabytes sent meanwhile (iperf3's one-second intervals)."""
    server = subprocess.Popen(["ip", "netns", "exec", target["netns"], "iperf3", "-s", "-1", "-A", str(1 - SENDING_CPU)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        client = subprocess.Popen(["ip", "netns", "exec", source["netns"], "iperf3", "-c", target["ip4"], "-t",
                                   str(seconds), "-A", str(SENDING_CPU), "-J"], stdout=subprocess.PIPE, text=True)
        time.sleep(1)
        samples = sending_cpu_samples(seconds - 2, os.path.join(cluster.workdir, "perf.data"))
        out, _unused = client.communicate(timeout=seconds + 10)
        assert client.returncode == 0, out
    finally:
        server.wait(timeout=10)
    result = json.loads(out)
    sent = sum(interval["sum"]["bytes"] for interval in result["intervals"][1:seconds - 1]) / 1e9
    return result["end"]["sum_received"]["bits_per_second"] / 1e9, {"samples": samples, "gigabytes": sent}


def cpu_per_gigabyte(profiles):
    """The sending CPU's busy samples per gigabyte over ``profiles`` (all rounds of one variant):
    in all, and of each of KINDS; and the busy share of its samples."""
    total = collections.Counter()
    for profile in profiles:
        total.update(profile["samples"])
    gigabytes = sum(profile["gigabytes"] for profile in profiles)
    busy = sum(count for symbol, count in total.items() if symbol not in IDLE_CODE)
    costs = {"busy": busy / gigabytes, "share busy": busy / sum(total.values())}
    for kind, pattern in KINDS:
        costs[kind] = sum(count for symbol, count in total.items() if pattern.match(symbol)) / gigabytes
    return costs


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
        without, with_policy, profiles_without, profiles_with = [], [], [], []
        for _round in range(rounds):
            cluster.apply({})
            gbps, profile = iperf(cluster, plain["web1"], plain["web2"])
            without.append(gbps)
            profiles_without.append(profile)
            cluster.apply(scenario.DEMO)
            # The two containers were attached before the policy: record them as the plugin would have.
            for agent, name in (("a1", "web1"), ("a2", "web2")):
                with open(os.path.join(workdir, agent, "members", "cni-%s-eth0.json" % name), "w") as handle:
                    json.dump({"group": 100, "addresses": [plain[name]["ip4"], plain[name]["ip6"]]}, handle)
            cluster.apply(scenario.DEMO)
            gbps, profile = iperf(cluster, plain["web1"], plain["web2"])
            with_policy.append(gbps)
            profiles_with.append(profile)
        cluster.apply(scenario.DEMO)
        if rounds:
            print("iperf3 TCP 100 -> 100 across agents, Gbit/s, median of %d alternating rounds:" % ROUNDS)
            print("  without a policy %.2f   with the demo policy (gbp, marks, nftables) %.2f   ratio %.2f"
                  % (statistics.median(without), statistics.median(with_policy),
                     statistics.median(with_policy) / statistics.median(without)))
            print("  rounds without: %s" % ", ".join("%.2f" % value for value in without))
            print("  rounds with:    %s" % ", ".join("%.2f" % value for value in with_policy))
            cost_without, cost_with = cpu_per_gigabyte(profiles_without), cpu_per_gigabyte(profiles_with)
            # The sending CPU is the flow's bottleneck (busy all but a few per cent of the time): the
            # throughput a policy leaves is the ratio of its busy time per byte without and with.
            print("the sending CPU (iperf3's client pinned to CPU %d, its server to the other), perf samples per GB"
                  " sent over the rounds' middle seconds, all rounds:" % SENDING_CPU)
            added = [(kind, cost_with[kind] - cost_without[kind]) for kind, _pattern in KINDS]
            own = sum(more for _kind, more in added)
            print("  busy without %.0f (busy %.0f%% of the time)   with %.0f (%.0f%%)   of which more with: %s, the rest %+.0f"
                  % (cost_without["busy"], 100 * cost_without["share busy"], cost_with["busy"],
                     100 * cost_with["share busy"], ", ".join("%s %+.1f" % pair for pair in added),
                     cost_with["busy"] - cost_without["busy"] - own))
            # Busy time per byte moves by a few per cent from round to round with the VM; the kinds of
            # code the policy adds work to move far less: their part alone is the policy's own cost.
            print("  throughput that leaves to a flow bound by that CPU, with / without: all its busy time %.3f,"
                  " the policy's own code (the kinds above) %.3f  (target >= 0.98)"
                  % (cost_without["busy"] / cost_with["busy"], cost_without["busy"] / (cost_without["busy"] + own)))

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
