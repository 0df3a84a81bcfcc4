# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The CNI configs the collection writes, run by the real reference plugins the way Mesos'
CNI isolator runs them (tests/mesos/mesos_cni_isolator.py), and their results read as Mesos
reads them: an IPv4 address in the agent's Mesos half, and an IPv6 one in its IPv6 Mesos half,
for a dual-stack, an IPv4-only and an IPv6-only overlay, bare and wrapped in the port mapper
(a stand-in that delegates, since Mesos' own mesos-cni-port-mapper binary is not installed here).

The agent is a network namespace; each container another one.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import os
import shutil
import subprocess

import pytest

from netns import ROOT, sh

PLUGINS = "/usr/lib/cni"
AGENT_NS = "mo-it-cni-agent"
TOOL = os.path.join(ROOT, "tests", "mesos", "mesos_cni_isolator.py")
NETWORK = {
    "vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
    "overlays": [{"name": "dual", "subnet": "9.0.0.0/8", "prefix": 24, "subnet6": "fd01:b::/64", "prefix6": 80},
                 {"name": "dcos", "subnet": "10.0.0.0/8", "prefix": 24},
                 {"name": "dcos6", "subnet6": "fd01:c::/64", "prefix6": 80}],
}
MEMBERS = [{"name": "m1", "ip": "192.0.2.1", "role": "master"}, {"name": "a1", "ip": "192.0.2.2", "role": "agent"}]

pytestmark = pytest.mark.skipif(not os.access(os.path.join(PLUGINS, "bridge"), os.X_OK),
                                reason="needs the CNI reference plugins (containernetworking-plugins)")


def _cleanup():
    for line in sh("ip", "netns", "list").stdout.splitlines():
        name = line.split()[0] if line.strip() else ""
        if name.startswith("mo-it-cni-"):
            sh("ip", "netns", "del", name, check=False)


@pytest.fixture(name="agent")
def fixture_agent(tmp_path):
    from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate
    from ansible_collections.mesos.overlay.plugins.plugin_utils._render import cni_files
    from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view

    _cleanup()
    sh("ip", "netns", "add", AGENT_NS)
    sh("ip", "link", "set", "lo", "up", netns=AGENT_NS)
    # IPv6 on the bridges the plugin creates (the agent role sets the same sysctl).
    sh("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=0", netns=AGENT_NS)
    view = host_view(allocate(NETWORK, MEMBERS), "a1")
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    for name in ("bridge", "host-local"):
        os.symlink(os.path.join(PLUGINS, name), str(plugins / name))
    shutil.copy(os.path.join(ROOT, "tests", "mesos", "mesos-cni-port-mapper"), str(plugins))
    configs = {}
    for port_mapper in (False, True):
        directory = tmp_path / ("wrapped" if port_mapper else "bare")
        directory.mkdir()
        for path, text in cni_files(view, str(directory), port_mapper=port_mapper,
                                    ipam_dir=str(tmp_path / "ipam")).items():
            with open(path, "w") as handle:
                handle.write(text)
            configs[(os.path.basename(path)[:-5], port_mapper)] = path
    try:
        yield {"view": view, "configs": configs, "plugins": str(plugins)}
    finally:
        _cleanup()


def _isolator(agent, command, overlay, port_mapper, container):
    netns = "mo-it-cni-" + container
    if command == "ADD":
        sh("ip", "netns", "add", netns)
    proc = sh("python3", TOOL, command, "--config", agent["configs"][(overlay, port_mapper)],
              "--plugins-dir", agent["plugins"], "--netns", "/run/netns/" + netns, "--container-id", container,
              netns=AGENT_NS, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout), netns


def _inside(address, half):
    return address is not None and ipaddress.ip_address(address) in ipaddress.ip_network(half)


@pytest.mark.parametrize("port_mapper", [False, True], ids=["bridge", "port-mapper"])
@pytest.mark.parametrize("overlay", ["dual", "dcos", "dcos6"])
def test_mesos_reads_the_container_addresses_from_the_result(agent, overlay, port_mapper):
    bridge = agent["view"]["overlays"][overlay]["mesos_bridge"]
    with open(agent["configs"][(overlay, port_mapper)]) as handle:
        assert json.load(handle)["cniVersion"] == "0.2.0"
    seen, netns = _isolator(agent, "ADD", overlay, port_mapper, "c1")
    if bridge["ip"]:
        assert _inside(seen["ip4"], bridge["ip"]), seen
        assert seen["result"]["ip4"]["gateway"] == bridge["gateway"]
        sh("ping", "-c1", "-W2", bridge["gateway"], netns=netns)
    else:
        assert seen["ip4"] is None, seen
    if bridge["ip6"]:
        assert _inside(seen["ip6"], bridge["ip6"]), seen
        # The container's route out goes through the bridge (its IPv6 gateway).
        routes = sh("ip", "-6", "route", "show", "default", netns=netns).stdout
        assert bridge["gateway6"] in routes, routes
    else:
        assert seen["ip6"] is None, seen
    # A second container gets the next address; DEL gives the address back.
    second = _isolator(agent, "ADD", overlay, port_mapper, "c2")[0]
    assert (second["ip4"], second["ip6"]) != (seen["ip4"], seen["ip6"])
    _isolator(agent, "DEL", overlay, port_mapper, "c1")
    _isolator(agent, "DEL", overlay, port_mapper, "c2")
    veths = sh("ip", "-o", "link", "show", "master", bridge["name"], netns=AGENT_NS).stdout
    assert veths.strip() == "", veths


def test_a_result_without_ip4_or_ip6_is_what_mesos_cannot_read(agent, tmp_path):
    """The tool fails on a 0.3.1 result (ips[]), as Mesos would record no address: the check can fail."""
    with open(agent["configs"][("dcos", False)]) as handle:
        config = json.load(handle)
    config["cniVersion"] = "0.3.1"
    path = tmp_path / "old.conf"
    path.write_text(json.dumps(config))
    sh("ip", "netns", "add", "mo-it-cni-old")
    proc = sh("python3", TOOL, "ADD", "--config", str(path), "--plugins-dir", agent["plugins"],
              "--netns", "/run/netns/mo-it-cni-old", "--container-id", "old", netns=AGENT_NS, check=False)
    assert proc.returncode == 3 and "Mesos records no IP" in proc.stderr, (proc.stdout, proc.stderr)
    subprocess.run(["ip", "netns", "exec", AGENT_NS, "python3", TOOL, "DEL", "--config", str(path), "--plugins-dir",
                    agent["plugins"], "--netns", "/run/netns/mo-it-cni-old", "--container-id", "old"], check=False)
