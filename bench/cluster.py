# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Data-plane and convergence benchmark on real containers (the test-host image).

For 1 master + 3 agents, then 1 master + 8 agents: site.yml from scratch, the converged
re-run, a one-task play on the same hosts, and the tasks per host. On the 3-agent cluster:
TCP throughput (iperf3) between endpoints on two agents over the collection's overlay (CNI
and Docker endpoints), over a kernel VXLAN built by hand on the same two agents with the same
bridge and veth and no collection, and over the underlay; then the levers of the gap, one at
a time; and the largest don't-fragment packet that crosses against the configured MTU.

Run from the repository root, as root, with the image built (make image):
    .venv/bin/python bench/cluster.py
Everything it starts is removed at the end, also when it fails.
"""
from __future__ import absolute_import, division, print_function

import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE = "mesos-overlay-host:bookworm"
NETWORK_NAME = "mo-bench"
SUBNET = "198.19.40.0/24"
CAPS = ("AUDIT_CONTROL AUDIT_WRITE CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID IPC_LOCK IPC_OWNER KILL LEASE "
        "LINUX_IMMUTABLE MKNOD NET_ADMIN NET_BIND_SERVICE NET_BROADCAST NET_RAW SETFCAP SETGID SETPCAP SETUID "
        "SYS_ADMIN SYS_CHROOT SYS_MODULE SYS_NICE SYS_PTRACE SYS_RAWIO SYS_TIME").split()
# Two overlays, one of them with a group policy (what an everyday run converges).
OVERLAY = {"vtep_subnet": "44.128.0.0/20", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24},
                        {"name": "apps", "subnet": "10.80.0.0/16", "prefix": 24}]}
APPS_RULES = [{"from": "web", "to": "web"}, {"from": "web", "to": "db"}]
GROUP_POLICY = {"groups": {"web": 100, "db": 200}, "overlays": {"apps": {"default": "deny", "rules": APPS_RULES}}}
MTU = 1420


def sh(*argv, check=True, **kwargs):
    proc = subprocess.run(list(argv), capture_output=True, text=True, check=False, **kwargs)
    if check and proc.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(argv), (proc.stderr or proc.stdout)[-2000:]))
    return proc


def dexec(container, *argv, check=True):
    return sh("docker", "exec", container, *argv, check=check)


def cleanup():
    names = sh("docker", "ps", "-aq", "--filter", "name=mo-bench-").stdout.split()
    if names:
        sh("docker", "rm", "-f", *names, check=False)
    sh("docker", "network", "rm", NETWORK_NAME, check=False)


def start_cluster(agents):
    cleanup()
    sh("docker", "network", "create", "--subnet", SUBNET, NETWORK_NAME)
    hosts = {"mo-bench-master-1": ("198.19.40.10", "0")}
    for i in range(1, agents + 1):
        hosts["mo-bench-agent-%d" % i] = ("198.19.40.%d" % (20 + i), "1")
    for name, (ip, docker) in hosts.items():
        argv = ["docker", "run", "-d", "--name", name, "--hostname", name, "--network", NETWORK_NAME, "--ip", ip,
                "-e", "START_DOCKER=" + docker, "--security-opt", "seccomp=unconfined",
                "--security-opt", "apparmor=unconfined", "--cgroupns", "host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
                "--tmpfs", "/run", "--tmpfs", "/var/lib/docker:exec"]
        for cap in CAPS:
            argv += ["--cap-add", cap]
        sh(*(argv + [IMAGE]))
    for name in hosts:
        if "agent" in name:
            for _attempt in range(60):
                if dexec(name, "docker", "info", check=False).returncode == 0:
                    break
                time.sleep(1)
            # What Docker leaves on a typical host (see molecule/shared/prepare.yml).
            dexec(name, "iptables", "-P", "FORWARD", "DROP")
            dexec(name, "docker", "import", "/opt/mesos-overlay/busybox.tar", "busybox:local")
    return hosts


def write_inventory(hosts, path):
    inventory = {"all": {"vars": {"ansible_connection": "community.docker.docker",
                                  "ansible_python_interpreter": "/usr/bin/python3",
                                  "mesos_overlay_network": OVERLAY,
                                  "mesos_overlay_group_policy": GROUP_POLICY},
                         "children": {"mesos_masters": {"hosts": {}}, "mesos_agents": {"hosts": {}}}}}
    for name, (ip, _docker) in hosts.items():
        group = "mesos_masters" if "master" in name else "mesos_agents"
        inventory["all"]["children"][group]["hosts"][name] = {"mesos_overlay_underlay_ip": ip}
    with open(path, "w") as handle:
        json.dump(inventory, handle)


def playbook(inventory, path, *extra):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="ansible.posix.json")
    start = time.perf_counter()
    proc = sh(os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, path, *extra,
              env=env, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (path, proc.stdout[-3000:]))
    return elapsed, json.loads(proc.stdout)


# Actions that run on the controller, not as a module on the host.
LOCAL_ACTIONS = {"set_fact", "debug", "include_tasks", "include_role", "assert", "fail", "meta", "import_tasks",
                 "validate_argument_spec"}


def module_calls(output, host):
    """How many modules ran on ``host`` (loop items counted), from the json callback's output."""
    calls = 0
    for play in output["plays"]:
        for task in play["tasks"]:
            result = task["hosts"].get(host)
            if not result or result.get("skipped") or result.get("action", "").split(".")[-1] in LOCAL_ACTIONS:
                continue
            calls += len(result["results"]) if "results" in result else 1
    return calls


def convergence(agents, workdir, runs=3):
    hosts = start_cluster(agents)
    inventory = os.path.join(workdir, "inventory-%d.json" % agents)
    write_inventory(hosts, inventory)
    one_task = os.path.join(workdir, "one-task.yml")
    with open(one_task, "w") as handle:
        handle.write("- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n")
    scratch, _scratch_output = playbook(inventory, os.path.join(ROOT, "site.yml"))
    # Medians of three, the re-runs and the one-task plays taken in turn.
    reruns, singles, changed = [], [], 0
    for _run in range(runs):
        rerun, output = playbook(inventory, os.path.join(ROOT, "site.yml"))
        reruns.append(rerun)
        changed += sum(s["changed"] for s in output["stats"].values())
        singles.append(playbook(inventory, one_task)[0])
    tasks = {h: s["ok"] + s["changed"] + s["skipped"] for h, s in output["stats"].items()}
    return hosts, {"hosts": len(hosts), "scratch": scratch, "rerun": sorted(reruns)[runs // 2],
                   "rerun_changed": changed, "one_task": sorted(singles)[runs // 2],
                   "tasks_master": max(v for h, v in tasks.items() if "master" in h),
                   "tasks_agent": max(v for h, v in tasks.items() if "agent" in h),
                   "calls_master": module_calls(output, "mo-bench-master-1"),
                   "calls_agent": module_calls(output, "mo-bench-agent-1")}


HAND_BUILT = """
set -e
ip link del hbvx 2>/dev/null || true; ip link del hbbr 2>/dev/null || true; ip netns del hb 2>/dev/null || true
ip link add hbvx type vxlan id 4242 dstport 4790 local {ul} dev eth0 nolearning {csum}
ip link set hbvx address 02:00:00:00:42:0{me} mtu 1450 up
ip addr add 10.251.0.{me}/24 dev hbvx
ip neigh replace 10.251.0.{peer} lladdr 02:00:00:00:42:0{peer} dev hbvx nud permanent
bridge fdb replace 02:00:00:00:42:0{peer} dev hbvx dst {peer_ul} self permanent
ip route replace 10.250.{peer}.0/24 via 10.251.0.{peer} dev hbvx
ip link add hbbr type bridge; ip link set hbbr up; ip addr add 10.250.{me}.1/24 dev hbbr
ip netns add hb; ip link add hbv0 mtu 1420 type veth peer name hbe0 mtu 1420
ip link set hbe0 netns hb; ip link set hbv0 master hbbr up
ip netns exec hb sh -c "ip link set lo up; ip link set hbe0 up; ip addr add 10.250.{me}.2/24 dev hbe0; \\
  ip route add default via 10.250.{me}.1"
iptables -C FORWARD -s 10.250.0.0/16 -j ACCEPT 2>/dev/null || \\
  {{ iptables -I FORWARD -s 10.250.0.0/16 -j ACCEPT; iptables -I FORWARD -d 10.250.0.0/16 -j ACCEPT; }}
"""


def hand_built(hosts, a1, a2, csum="udpcsum"):
    """The same path as the overlay's, built by hand with no collection: a VXLAN device (VNI
    4242, port 4790) with a static neighbour, forwarding entry and route, a bridge, and a veth
    into a namespace `hb`, whose address is 10.250.<1|2>.2; forwarding allowed for 10.250/16."""
    for me, (name, peer) in enumerate(((a1, a2), (a2, a1)), 1):
        dexec(name, "sh", "-c", HAND_BUILT.format(ul=hosts[name][0], peer_ul=hosts[peer][0], me=me, peer=3 - me,
                                                  csum=csum))


def iperf(client, server, client_prefix, server_prefix, target, pin=False):
    """TCP throughput in Gbit/s of one iperf3 run of 4 s; ``pin``: the client on core 0 and the
    server on core 1."""
    dexec(server, "sh", "-c", "%s iperf3 -s -D -1 -p 5201 %s" % (server_prefix, "-A 1" if pin else ""))
    time.sleep(0.5)
    out = dexec(client, "sh", "-c", "%s iperf3 -c %s -p 5201 -t 4 -J %s"
                % (client_prefix, target, "-A 0" if pin else "")).stdout
    return json.loads(out)["end"]["sum_received"]["bits_per_second"] / 1e9


def median(values):
    return sorted(values)[len(values) // 2]


def on_both(hosts, *argv):
    """A command of the machine's own tools (ethtool is not in the host image) in both agents'
    network namespaces."""
    for name in hosts:
        pid = sh("docker", "inspect", "-f", "{{.State.Pid}}", name).stdout.strip()
        sh("nsenter", "-t", pid, "-n", *argv)


def dataplane(hosts):
    a1, a2 = "mo-bench-agent-1", "mo-bench-agent-2"
    results = {}
    # Endpoints: a CNI namespace (the generated config run by the reference plugins) and a
    # Docker container on each agent; iperf3 runs in their network namespaces.
    endpoint = {}
    for agent in (a1, a2):
        dexec(agent, "sh", "-c", "ip netns add bench && CNI_COMMAND=ADD CNI_CONTAINERID=bench CNI_NETNS=/run/netns/bench "
                     "CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni /usr/lib/cni/bridge < /var/lib/mesos/cni/config/dcos.conf")
        cni_ip = dexec(agent, "ip", "netns", "exec", "bench", "ip", "-4", "-o", "addr", "show", "eth0").stdout.split()[3]
        dexec(agent, "docker", "run", "-d", "--name", "bench", "--network", "dcos", "busybox:local", "sleep", "100000")
        pid = dexec(agent, "docker", "inspect", "-f", "{{.State.Pid}}", "bench").stdout.strip()
        docker_ip = dexec(agent, "docker", "inspect", "-f", "{{.NetworkSettings.Networks.dcos.IPAddress}}",
                          "bench").stdout.strip()
        endpoint[agent] = {"cni": ("ip netns exec bench", cni_ip.split("/")[0]),
                           "docker": ("nsenter -t %s -n" % pid, docker_ip)}
    hand_built(hosts, a1, a2)
    paths = {
        "underlay": ("", "", hosts[a2][0]),
        "hand-built": ("ip netns exec hb", "ip netns exec hb", "10.250.2.2"),
        "overlay cni": (endpoint[a1]["cni"][0], endpoint[a2]["cni"][0], endpoint[a2]["cni"][1]),
        "overlay docker": (endpoint[a1]["docker"][0], endpoint[a2]["docker"][0], endpoint[a2]["docker"][1]),
    }

    def measure(path, pin=False):
        client_prefix, server_prefix, target = paths[path]
        return iperf(a1, a2, client_prefix, server_prefix, target, pin=pin)

    # This machine's throughput drifts from minute to minute: every comparison is taken in
    # rounds that alternate its sides, and each side's median is kept.
    rounds = 5
    figures = {path: [] for path in paths}
    for _round in range(rounds):
        for path in paths:
            figures[path].append(measure(path))
    results.update({path: median(values) for path, values in figures.items()})

    def sysctl_bridge(value):
        for agent in (a1, a2):
            dexec(agent, "sh", "-c", "sysctl -qw net.bridge.bridge-nf-call-iptables=%d "
                  "net.bridge.bridge-nf-call-ip6tables=%d" % (value, value))

    def gro(state):
        on_both((a1, a2), "ethtool", "-K", "eth0", "gro", state)

    def checksum(csum):
        hand_built(hosts, a1, a2, csum=csum)

    levers = [
        ("iperf3 ends pinned to different cores (-A)", ("underlay", "hand-built", "overlay cni"),
         lambda: None, lambda: None, True),
        ("bridge netfilter off (bridge-nf-call-iptables=0)", ("hand-built", "overlay cni"),
         lambda: sysctl_bridge(0), lambda: sysctl_bridge(1), False),
        ("GRO on the underlay veths", ("hand-built", "overlay cni"), lambda: gro("on"), lambda: gro("off"), False),
        ("VTEP without UDP checksum (noudpcsum)", ("hand-built",), lambda: checksum("noudpcsum"),
         lambda: checksum("udpcsum"), False),
    ]
    results["levers"] = []
    for name, lever_paths, turn_on, turn_off, pin in levers:
        without = {path: [] for path in lever_paths}
        with_lever = {path: [] for path in lever_paths}
        for _round in range(rounds):
            for path in lever_paths:
                without[path].append(measure(path))
            turn_on()
            for path in lever_paths:
                with_lever[path].append(measure(path, pin=pin))
            turn_off()
        for path in lever_paths:
            results["levers"].append((name, path, median(without[path]), median(with_lever[path])))
    vtep = dexec(a1, "ip", "-d", "link", "show", "vtep1024").stdout
    results["vtep checksum"] = "udpcsum" if " udpcsum" in vtep else "noudpcsum"
    # The largest don't-fragment ICMP packet from a1's CNI endpoint to a2's Docker endpoint.
    low, high = 0, 9000
    while low < high:
        size = (low + high + 1) // 2
        ok = dexec(a1, "ip", "netns", "exec", "bench", "ping", "-c", "1", "-W", "1", "-M", "do", "-s", str(size),
                   endpoint[a2]["docker"][1], check=False).returncode == 0
        low, high = (size, high) if ok else (low, size - 1)
    results["largest packet"] = low + 28
    return results


def main():
    # --convergence: the site.yml figures only (no throughput), for a quick look.
    only_convergence = "--convergence" in sys.argv[1:]
    report = []
    try:
        with tempfile.TemporaryDirectory() as workdir:
            hosts, small = convergence(3, workdir)
            data = None if only_convergence else dataplane(hosts)
            _hosts, large = convergence(8, workdir)
    finally:
        cleanup()
    for result in (small, large):
        report.append("site.yml, 1 master + %d agents: from scratch %.1f s, re-run %.1f s (%d changed in 3), one-task "
                      "play %.1f s, re-run / one-task %.1f (target <= 5), tasks per host: master %d, agent %d, "
                      "modules run per host: master %d, agent %d"
                      % (result["hosts"] - 1, result["scratch"], result["rerun"], result["rerun_changed"],
                         result["one_task"], result["rerun"] / result["one_task"], result["tasks_master"],
                         result["tasks_agent"], result["calls_master"], result["calls_agent"]))
    report.append("growth 4 -> 9 hosts: from scratch x%.2f, re-run x%.2f (hosts x2.25)"
                  % (large["scratch"] / small["scratch"], large["rerun"] / small["rerun"]))
    if data is None:
        print("\n".join(report))
        return
    report.append("iperf3 agent-1 -> agent-2, TCP, median of 5 runs of 4 s taken in alternating rounds:")
    for kind in ("underlay", "hand-built", "overlay cni", "overlay docker"):
        report.append("  %-15s %6.2f Gbit/s   / hand-built %.2f (target >= 0.95)   / underlay %.2f"
                      % (kind, data[kind], data[kind] / data["hand-built"], data[kind] / data["underlay"]))
    report.append("levers, one at a time (the collection's VTEP has %s):" % data["vtep checksum"])
    for lever, kind, without, figure in data["levers"]:
        report.append("  %-52s %-12s %6.2f -> %6.2f Gbit/s (%+.0f%%)" % (lever, kind, without, figure,
                                                                         100 * (figure / without - 1)))
    report.append("largest don't-fragment packet that crosses: %d bytes, configured MTU %d: %s"
                  % (data["largest packet"], MTU, "equal" if data["largest packet"] == MTU else "DIFFERENT"))
    print("\n".join(report))


if __name__ == "__main__":
    main()
