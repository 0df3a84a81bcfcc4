# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Data-plane and convergence benchmark on real containers (the test-host image).

For 1 master + 3 agents, then 1 master + 8 agents: site.yml from scratch, the converged
re-run, a one-task play on the same hosts, and the tasks per host. On the 3-agent cluster:
TCP throughput (iperf3, 5 s) between endpoints on two agents over the overlay (CNI and
Docker endpoints) against the same two agents over the underlay, and the largest
don't-fragment packet that crosses against the configured MTU.

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
OVERLAY = {"vtep_subnet": "44.128.0.0/20", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}]}
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
                                  "mesos_overlay_network": OVERLAY},
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


def convergence(agents, workdir):
    hosts = start_cluster(agents)
    inventory = os.path.join(workdir, "inventory-%d.json" % agents)
    write_inventory(hosts, inventory)
    one_task = os.path.join(workdir, "one-task.yml")
    with open(one_task, "w") as handle:
        handle.write("- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n")
    scratch, _scratch_output = playbook(inventory, os.path.join(ROOT, "site.yml"))
    rerun, output = playbook(inventory, os.path.join(ROOT, "site.yml"))
    changed = sum(s["changed"] for s in output["stats"].values())
    tasks = {h: s["ok"] + s["changed"] + s["skipped"] for h, s in output["stats"].items()}
    single, _single_output = playbook(inventory, one_task)
    return hosts, {"hosts": len(hosts), "scratch": scratch, "rerun": rerun, "rerun_changed": changed,
                   "one_task": single, "tasks_master": max(v for h, v in tasks.items() if "master" in h),
                   "tasks_agent": max(v for h, v in tasks.items() if "agent" in h)}


def iperf(client, server_cmd_prefix, client_cmd_prefix, target, server):
    dexec(server, "sh", "-c", "%s iperf3 -s -D -1 -p 5201" % server_cmd_prefix)
    time.sleep(0.5)
    out = dexec(client, "sh", "-c", "%s iperf3 -c %s -p 5201 -t 5 -J" % (client_cmd_prefix, target)).stdout
    return json.loads(out)["end"]["sum_received"]["bits_per_second"] / 1e9


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
    results["underlay"] = iperf(a1, "", "", hosts[a2][0], a2)
    results["overlay cni"] = iperf(a1, endpoint[a2]["cni"][0], endpoint[a1]["cni"][0], endpoint[a2]["cni"][1], a2)
    results["overlay docker"] = iperf(a1, endpoint[a2]["docker"][0], endpoint[a1]["docker"][0],
                                      endpoint[a2]["docker"][1], a2)
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
    report = []
    try:
        with tempfile.TemporaryDirectory() as workdir:
            hosts, small = convergence(3, workdir)
            data = dataplane(hosts)
            _hosts, large = convergence(8, workdir)
    finally:
        cleanup()
    for result in (small, large):
        report.append("site.yml, 1 master + %d agents: from scratch %.1f s, re-run %.1f s (%d changed), one-task play "
                      "%.1f s, re-run / one-task %.1f (target <= 10), tasks per host: master %d, agent %d"
                      % (result["hosts"] - 1, result["scratch"], result["rerun"], result["rerun_changed"],
                         result["one_task"], result["rerun"] / result["one_task"], result["tasks_master"],
                         result["tasks_agent"]))
    report.append("growth 4 -> 9 hosts: from scratch x%.2f, re-run x%.2f (hosts x2.25)"
                  % (large["scratch"] / small["scratch"], large["rerun"] / small["rerun"]))
    report.append("iperf3 underlay agent-1 -> agent-2: %.2f Gbit/s" % data["underlay"])
    for kind in ("overlay cni", "overlay docker"):
        report.append("iperf3 %s agent-1 -> agent-2: %.2f Gbit/s, overlay / underlay %.2f (target >= 0.8)"
                      % (kind, data[kind], data[kind] / data["underlay"]))
    report.append("largest don't-fragment packet that crosses: %d bytes, configured MTU %d: %s"
                  % (data["largest packet"], MTU, "equal" if data["largest packet"] == MTU else "DIFFERENT"))
    print("\n".join(report))


if __name__ == "__main__":
    main()
