# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Group policy on the real kernel: a master and two agents as network namespaces, containers as
namespaces of their own, attached the way Mesos attaches them (tests/mesos/mesos_cni_isolator.py)
through the CNI config the collection writes: the mesos-overlay-groups plugin around the real
bridge and host-local plugins. Each host's data plane (gbp VTEP, peers, chains, nftables table) is
applied by the boot unit's own command, as at a reboot.

The iovisor demo's groups: 100 (web) and 200 (db); only 100 may reach 100 and 200; the rest,
containers without a group and the master follow the default (deny).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from netns import Lab, ROOT, sh

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
              pytest.mark.skipif(not os.access("/usr/lib/cni/bridge", os.X_OK) or not shutil.which("nft"),
                                 reason="needs the CNI reference plugins and nft")]

TOOL = os.path.join(ROOT, "tests", "mesos", "mesos_cni_isolator.py")
# The host daemon runs on Debian's Python, as on a host (mesos_overlay_boot_python), with its
# python3-nftables.
BOOT_PYTHON = "/usr/bin/python3"
# A command prefix under which nft is /bin/false (a mount namespace of its own): what the group
# plugin then does, the host daemon did for it.
WITHOUT_NFT = ["unshare", "--mount", "--", "sh", "-c", 'mount --bind /bin/false "$(command -v nft)" && exec "$@"', "sh"]
CODE_DIR = os.path.join(ROOT, ".collections")
# The boot command as the vtep role's script runs it.
RESTORE = ["-m", "ansible_collections.mesos.overlay.plugins.module_utils._boot"]
NETWORK = {
    "vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
    "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24, "subnet6": "fd01:b::/64", "prefix6": 80}],
}
DEMO = {"groups": {"web": 100, "dns": 100, "db": 200},
        "overlays": {"dcos": {"default": "deny", "rules": [{"from": "web", "to": "web"}, {"from": "web", "to": "db"}]}}}
# The same with the database closed to the web tier too.
CLOSED = {"groups": DEMO["groups"],
          "overlays": {"dcos": {"default": "deny", "rules": [{"from": "web", "to": "web"}]}}}


def _engine():
    sys.path.insert(0, os.path.join(ROOT, ".collections"))
    from ansible_collections.mesos.overlay.plugins.plugin_utils import _allocation, _policy, _render, _view
    return _allocation, _policy, _render, _view


class Cluster:
    """m1, a1, a2; per agent its own plugins dir, CNI configs, IPAM and member records."""

    def __init__(self, workdir):
        _allocation, _policy, _render, _view = _engine()
        self.workdir = workdir
        self.lab = Lab(["m1", "a1", "a2"], workdir)
        members = [{"name": h.name, "ip": h.underlay_ip, "role": "master" if h.name == "m1" else "agent"}
                   for h in self.lab.hosts.values()]
        self.allocation = _allocation.allocate(NETWORK, members)
        self.containers = []
        self.plugins = os.path.join(workdir, "plugins")
        os.mkdir(self.plugins)
        for name in ("bridge", "host-local"):
            os.symlink(os.path.join("/usr/lib/cni", name), os.path.join(self.plugins, name))
        groups_plugin = os.path.join(self.plugins, "mesos-overlay-groups")
        with open(groups_plugin, "w") as handle:
            # As the agent role writes it: a launcher of the module_utils.
            handle.write("#!%s -IS\nimport sys\nsys.path.insert(0, %r)\nfrom ansible_collections.mesos.overlay.plugins."
                         "module_utils._groups import main\nmain()\n" % (sys.executable, CODE_DIR))
        os.chmod(groups_plugin, 0o755)

    def host_dir(self, name, what):
        path = os.path.join(self.workdir, name, what)
        os.makedirs(path, exist_ok=True)
        return path

    def apply(self, policy):
        """Every host's data plane applied by the boot unit's command; returns {host: its output}."""
        _allocation, _policy, _render, _view = _engine()
        normalized = _policy.group_policy(policy, NETWORK)
        outputs = {}
        for host in self.lab.hosts.values():
            view = _view.host_view(self.allocation, host.name)
            plane = _render.dataplane(view, {"group_policy": normalized, "docker": False,
                                             "members_dir": self.host_dir(host.name, "members")})
            path = os.path.join(self.workdir, host.name, "dataplane.json")
            with open(path, "w") as handle:
                json.dump(plane, handle)
            proc = host.run("env", "PYTHONPATH=" + CODE_DIR, "MESOS_OVERLAY_ATTEMPTS=1",
                            sys.executable, *RESTORE, path, check=False)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            outputs[host.name] = proc.stdout
            if view["role"] == "agent":
                for path, text in _render.cni_files(view, self.host_dir(host.name, "cni"), group_policy=normalized,
                                                    ipam_dir=self.host_dir(host.name, "ipam")).items():
                    config = json.loads(text)
                    # One file system for every namespace host: each agent keeps its own records.
                    config["membersDir"] = self.host_dir(host.name, "members")
                    config["daemonSocket"] = self.socket(host.name)
                    with open(path, "w") as handle:
                        json.dump(config, handle)
        return outputs

    def isolator(self, command, agent, container, network_info=None, check=True, prefix=()):
        netns = "mo-it-c-" + container
        if command == "ADD":
            sh("ip", "netns", "add", netns)
            self.containers.append(netns)
        proc = self.lab.hosts[agent].run(
            *prefix, sys.executable, TOOL, command, "--config", os.path.join(self.workdir, agent, "cni", "dcos.conf"),
            "--plugins-dir", self.plugins, "--netns", "/run/netns/" + netns, "--container-id", container,
            "--network-info", json.dumps(network_info or {}), check=False)
        if check:
            assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    def add(self, agent, container, network_info=None, prefix=()):
        seen = json.loads(self.isolator("ADD", agent, container, network_info, prefix=prefix).stdout)
        return {"netns": "mo-it-c-" + container, "ip4": seen["ip4"], "ip6": seen["ip6"], "result": seen["result"]}

    def reaches(self, source, target, family="ip4"):
        argv = ["ping", "-c", "1", "-W", "1"] + (["-6"] if family == "ip6" else []) + [target[family]]
        return sh(*argv, netns=source["netns"], check=False).returncode == 0

    @contextlib.contextmanager
    def daemon(self, name):
        """The host daemon of ``name`` (``mesos-overlay run``) in its namespace, its plugin socket
        where the agent's CNI config says; yields its log's path. Stopped (SIGTERM) at the end."""
        log = os.path.join(self.workdir, name, "daemon.log")
        with open(log, "w") as out:
            proc = subprocess.Popen(
                ["ip", "netns", "exec", self.lab.hosts[name].netns, "env", "PYTHONPATH=" + CODE_DIR,
                 "MESOS_OVERLAY_STATUS=" + os.path.join(self.workdir, name, "status.json"),
                 BOOT_PYTHON, *RESTORE, "run", "--interval", "60", "--store", os.path.join(self.workdir, "none"),
                 "--groups", os.path.join(self.workdir, "none"), "--members-socket", self.socket(name),
                 os.path.join(self.workdir, name, "dataplane.json")], stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 20
            while not os.path.exists(self.socket(name)):
                with open(log) as handle:
                    assert proc.poll() is None and time.monotonic() < deadline, handle.read()
                time.sleep(0.05)
            yield log
        finally:
            proc.terminate()
            proc.wait(10)

    def socket(self, name):
        return os.path.join(self.workdir, name, "members.sock")

    def close(self):
        for netns in self.containers:
            sh("ip", "netns", "del", netns, check=False)
        self.lab.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = Cluster(str(tmp_path_factory.mktemp("groups")))
    try:
        # First without a policy (VTEPs without gbp), as a cluster that had none.
        cluster.apply({})
        cluster.outputs = cluster.apply(DEMO)
        cluster.web1 = cluster.add("a1", "web1", {"groups": ["web"]})
        cluster.web2 = cluster.add("a2", "web2", {"labels": {"labels": [{"key": "mesos.overlay.group", "value": "100"}]}})
        cluster.db2 = cluster.add("a2", "db2", {"groups": ["db"]})
        cluster.db1 = cluster.add("a1", "db1", {"groups": ["200"]})
        cluster.none2 = cluster.add("a2", "none2")
        yield cluster
    finally:
        cluster.close()


def test_turning_group_policy_on_recreates_each_vtep_once_and_says_so(cluster):
    for host, output in cluster.outputs.items():
        assert "group policy (gbp): off -> on" in output, (host, output)
        link = cluster.lab.hosts[host].json("ip", "-j", "-d", "link", "show", "vtep1024")
        assert link[0]["linkinfo"]["info_data"].get("gbp") is True, (host, link)
    # The master has no containers: no table there; the agents have one.
    assert cluster.lab.hosts["m1"].run("nft", "list", "table", "inet", "mesos_overlay", check=False).returncode != 0


@pytest.mark.parametrize("family", ["ip4", "ip6"])
def test_the_demo_matrix_across_hosts(cluster, family):
    c = cluster
    assert c.reaches(c.web1, c.web2, family), "100 -> 100 must be allowed"
    assert c.reaches(c.web1, c.db2, family), "100 -> 200 must be allowed (and its replies pass)"
    assert not c.reaches(c.db2, c.web1, family), "200 -> 100 must be denied"
    assert not c.reaches(c.db1, c.web2, family), "200 -> 100 must be denied"
    assert not c.reaches(c.none2, c.web1, family), "no group -> 100 follows the default (deny)"
    assert not c.reaches(c.web1, c.none2, family), "100 -> no group follows the default (deny)"


def test_the_master_follows_the_default(cluster):
    master = cluster.lab.hosts["m1"]
    assert not master.ping(cluster.db2["ip4"]), "the master may not reach group 200 (default deny)"


def test_the_cni_result_mesos_reads_is_the_delegates_own(cluster):
    """The bridge plugin's own output, recorded by a tee around the real binary, is what Mesos parsed."""
    recorder = os.path.join(cluster.workdir, "recorded")
    real = os.path.join(cluster.plugins, "bridge")
    os.rename(real, real + ".real")
    with open(real, "w") as handle:
        handle.write("#!/bin/sh\n%s.real | tee %s\n" % (real, recorder))
    os.chmod(real, 0o755)
    try:
        seen = cluster.add("a1", "teed", {"groups": ["web"]})
    finally:
        os.unlink(real)
        os.rename(real + ".real", real)
    with open(recorder) as handle:
        assert json.load(handle) == seen["result"]
    assert seen["ip4"] and seen["ip6"] and seen["result"]["cniVersion"] == "0.2.0"
    cluster.isolator("DEL", "a1", "teed")


def _elements(agent, name):
    listing = agent.run("nft", "list", "set", "inet", "mesos_overlay", name).stdout
    return listing.split("elements = {")[1].split("}")[0].replace(",", " ").split() if "elements" in listing else []


def test_del_leaves_no_member_behind_also_when_the_delegate_fails(cluster):
    a1 = cluster.lab.hosts["a1"]
    temp = cluster.add("a1", "temp", {"groups": ["db"]})
    assert temp["ip4"] in _elements(a1, "g200_4") and temp["ip6"] in _elements(a1, "g200_6")
    records = os.path.join(cluster.workdir, "a1", "members")
    assert "cni-temp-eth0.json" in os.listdir(records)
    # Without its IPAM plugin the bridge plugin's DEL fails: the membership goes all the same.
    ipam = os.path.join(cluster.plugins, "host-local")
    os.rename(ipam, ipam + ".gone")
    try:
        proc = cluster.isolator("DEL", "a1", "temp", check=False)
    finally:
        os.rename(ipam + ".gone", ipam)
    assert proc.returncode != 0, "the delegate's failure is Mesos' to see"
    assert temp["ip4"] not in _elements(a1, "g200_4") and temp["ip6"] not in _elements(a1, "g200_6")
    assert "cni-temp-eth0.json" not in os.listdir(records)
    cluster.isolator("DEL", "a1", "temp")


def test_del_removes_every_member_also_when_one_is_gone_already(cluster):
    # The DEL's one transaction fails on an element removed meanwhile (a reconciliation): each goes alone then.
    a1 = cluster.lab.hosts["a1"]
    half = cluster.add("a1", "half", {"groups": ["db"]})
    a1.run("nft", "delete", "element", "inet", "mesos_overlay", "g200_4", "{ %s }" % half["ip4"])
    assert half["ip6"] in _elements(a1, "g200_6")
    cluster.isolator("DEL", "a1", "half")
    assert half["ip4"] not in _elements(a1, "g200_4") and half["ip6"] not in _elements(a1, "g200_6")
    assert "cni-half-eth0.json" not in os.listdir(os.path.join(cluster.workdir, "a1", "members"))


def test_an_address_whose_old_mark_is_left_in_the_map_joins_its_new_group(cluster):
    """A leave that did not reach the kernel leaves the address's mark in the map (until the next
    pass), and the kernel refuses to add a key a map holds: the join that comes with the address's
    next container takes the old mark out and succeeds, as the plugin and the daemon run it."""
    a1 = cluster.lab.hosts["a1"]
    address = "9.0.1.250"
    a1.run("nft", "add element inet mesos_overlay marks4 { %s : 0x64 }" % address)
    code = ("import subprocess\n"
            "from ansible_collections.mesos.overlay.plugins.module_utils._groups import change_members\n"
            "def run(script):\n"
            "    proc = subprocess.run(['nft', '-f', '-'], input=script, text=True, capture_output=True)\n"
            "    return proc.returncode, proc.stderr\n"
            "print(change_members(run, True, 'mesos_overlay', 200, [%r]))\n" % address)
    assert a1.run("env", "PYTHONPATH=" + CODE_DIR, sys.executable, "-c", code).stdout.strip() == "(0, '')"
    try:
        assert "%s : 0x000000c8" % address in a1.run("nft", "list", "map", "inet", "mesos_overlay", "marks4").stdout
        assert address in _elements(a1, "g200_4")
    finally:
        a1.run("nft", "delete element inet mesos_overlay marks4 { %s }; delete element inet mesos_overlay g200_4 { %s }"
               % (address, address))


def test_with_the_daemon_a_container_joins_and_leaves_its_group_without_an_nft_process(cluster):
    a1 = cluster.lab.hosts["a1"]
    records = os.path.join(cluster.workdir, "a1", "members")
    # Without the daemon, a plugin that cannot run nft cannot record a group: the container fails.
    proc = cluster.isolator("ADD", "a1", "nonft", {"groups": ["db"]}, check=False, prefix=WITHOUT_NFT)
    assert proc.returncode != 0 and "cannot add" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    with cluster.daemon("a1") as log:
        served = cluster.add("a1", "served", {"groups": ["db"]}, prefix=WITHOUT_NFT)
        assert served["ip4"] in _elements(a1, "g200_4") and served["ip6"] in _elements(a1, "g200_6")
        assert "cni-served-eth0.json" in os.listdir(records)
        # It reaches what group 200 may reach and nothing else: the group is the kernel's.
        assert cluster.reaches(cluster.web1, served) and not cluster.reaches(served, cluster.web2)
        cluster.isolator("DEL", "a1", "served", prefix=WITHOUT_NFT)
        assert served["ip4"] not in _elements(a1, "g200_4") and served["ip6"] not in _elements(a1, "g200_6")
        assert "cni-served-eth0.json" not in os.listdir(records)
        # A request that is not one is refused by name, and the daemon goes on.
        assert "group: 0 is not a number 1-65535" in a1.run(
            BOOT_PYTHON, "-c", "import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); "
            "s.sendall(b'{\"op\": \"join\", \"table\": \"mesos_overlay\", \"group\": 0, \"addresses\": [\"9.0.1.9\"]}\\n'); "
            "print(s.recv(4096).decode())", cluster.socket("a1")).stdout
        again = cluster.add("a1", "again", {"groups": ["web"]}, prefix=WITHOUT_NFT)
        assert again["ip4"] in _elements(a1, "g100_4")
    with open(log) as handle:
        said = handle.read()
    assert "group members: serving the CNI plugin on " + cluster.socket("a1") in said, said
    assert not os.path.exists(cluster.socket("a1")), "the daemon removes its socket when it stops"
    # The daemon gone, the plugin runs nft itself.
    cluster.isolator("DEL", "a1", "again")
    assert again["ip4"] not in _elements(a1, "g100_4")


def test_an_unknown_group_fails_the_container_before_it_is_attached(cluster):
    proc = cluster.isolator("ADD", "a1", "typo", {"groups": ["dbb"]}, check=False)
    assert proc.returncode != 0 and "dbb" in proc.stderr + proc.stdout and "db=200" in proc.stderr + proc.stdout
    assert "cni-typo-eth0.json" not in os.listdir(os.path.join(cluster.workdir, "a1", "members"))


def test_a_converged_host_changes_nothing(cluster):
    for host, output in cluster.apply(DEMO).items():
        assert "done: 0 change(s)" in output, (host, output)


def test_a_policy_change_applies_to_existing_flows_at_once(cluster):
    """An allowed flow passes unjudged after its first packets (the generation in its conntrack
    mark); a change that denies it stops it within a second of the change being applied."""
    c = cluster
    log = os.path.join(c.workdir, "ping.log")
    with open(log, "w") as handle:
        pinger = subprocess.Popen(["ip", "netns", "exec", c.web1["netns"], "ping", "-D", "-i", "0.1", "-c", "50",
                                   "-W", "1", c.db2["ip4"]], stdout=handle, stderr=subprocess.STDOUT)
        try:
            time.sleep(2)
            changed = c.apply(CLOSED)
            applied = time.time()
            pinger.wait(timeout=30)
        finally:
            if pinger.poll() is None:
                pinger.kill()
    assert all("0 change(s)" in changed[h] for h in ("m1",)) and "rules to_dcos" in changed["a2"], changed
    with open(log) as handle:
        replies = [(int(line.split("icmp_seq=")[1].split()[0]), float(line.split("]")[0].lstrip("[")))
                   for line in handle if "icmp_seq=" in line and "bytes from" in line]
    assert replies and replies[0][0] == 1 and len(replies) >= 15, replies
    late = [seq for seq, at in replies if at > applied + 1.0]
    assert not late, "the flow opened before the change kept going more than a second after it: %s" % late
    assert not c.reaches(c.web1, c.db2), "a new flow 100 -> 200 is denied now"
    assert c.reaches(c.web1, c.web2), "100 -> 100 is still allowed"
    c.apply(DEMO)
    assert c.reaches(c.web1, c.db2), "allowed again, without restarting a container or recreating a VTEP"
