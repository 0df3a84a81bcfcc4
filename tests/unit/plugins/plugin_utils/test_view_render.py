# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""host_view and the rendering of every file and chain, from the allocation or a saved state."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import AllocationError, allocate
from ansible_collections.mesos.overlay.plugins.plugin_utils._state import normalize_state
from ansible_collections.mesos.overlay.plugins.plugin_utils._render import (
    cni_files, dataplane, docker_networks, firewall_chains, mesos_files, module_network)
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import complete
from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view, peers_of, saved_allocation

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures")
DUAL = {
    "vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
    "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24, "subnet6": "fd01:b::/64", "prefix6": 80},
                 {"name": "old", "subnet": "10.0.0.0/8", "prefix": 24, "enabled": False}],
}
MEMBERS = [{"name": "m1", "ip": "192.0.2.1", "role": "master"},
           {"name": "a1", "ip": "192.0.2.2", "role": "agent"},
           {"name": "a2", "ip": "192.0.2.3", "role": "agent"}]
SETTINGS = {"config_dir": "/etc/mesos-overlay", "module_library": "/usr/lib/mesos/modules/libx.so",
            "dcos_modules": False, "master_flags_dir": "/etc/mesos-master", "agent_flags_dir": "/etc/mesos-slave",
            "replicated_log_dir": "/var/lib/mesos/log", "master_address": "192.0.2.1:5050",
            "cni_dir": "/var/lib/mesos/cni/config", "cni_plugins_dir": "/usr/lib/cni",
            "isolation": "cgroups/cpu,cgroups/mem,filesystem/linux\n", "isolators": ["network/cni"], "mtu": 1420,
            "docker_networks": True}


@pytest.fixture(name="allocation")
def fixture_allocation():
    return allocate(DUAL, MEMBERS)


def load(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


# --- a state file of 1.0.0 ------------------------------------------------------------------

def test_a_state_file_of_1_0_0_loads_unchanged():
    """tests/unit/fixtures/state-1.0.0.json was written by mesos.overlay 1.0.0's state role."""
    old = load("state-1.0.0.json")
    assert "format" not in old
    assert saved_allocation(old)["members"] == load("agents-1.0.0.json")
    members = [{"name": n, "ip": e["ip"], "role": e["role"]} for n, e in old["agents"].items()]
    again = allocate(old["network"], members, state=old)
    assert again["members"] == load("agents-1.0.0.json")
    # The next write is format 2, and it reads back the same.
    assert again["state"]["format"] == 2
    assert saved_allocation(json.loads(json.dumps(again["state"])))["members"] == again["members"]


def test_normalize_state_of_a_result_is_its_state(allocation):
    assert normalize_state(allocation) == allocation["state"]


# --- host_view --------------------------------------------------------------------------------

def test_view_of_an_agent(allocation):
    view = host_view(allocation, "a1")
    assert view["vtep"] == {"name": "vtep1024", "vni": 1024, "ip": "44.128.0.2/20", "ip6": "fd01:a::2/64",
                            "mac": "70:b3:d5:80:00:02"}
    assert view["overlays"]["dcos"]["mesos_bridge"] == {"name": "m-dcos", "ip": "9.0.1.0/25", "ip6": "fd01:b:0:0:1::/81",
                                                        "gateway": "9.0.1.1", "gateway6": "fd01:b::1:0:0:1"}
    assert view["overlays"]["dcos"]["docker_bridge"]["gateway"] == "9.0.1.129"
    assert view["enabled"] == ["dcos"] and view["disabled"] == ["old"]
    assert [p["name"] for p in view["peers"]] == ["a2", "m1"]
    assert view["members"] == ["192.0.2.1", "192.0.2.2", "192.0.2.3"]
    assert view["masters"] == ["192.0.2.1"]
    assert view["internal4"] == ["44.128.0.0/20", "9.0.0.0/8", "10.0.0.0/8"]
    assert view["internal6"] == ["fd01:a::/64", "fd01:b::/64"]
    assert view["ipv6"] is True


def test_view_from_the_saved_state_equals_the_view_from_the_allocation(allocation):
    saved = saved_allocation(json.loads(json.dumps(allocation["state"])))
    for name in ("m1", "a1", "a2"):
        assert host_view(saved, name) == host_view(allocation, name)


def test_error_a_saved_state_is_turned_into_an_allocation_once_not_by_every_filter(allocation):
    with pytest.raises(AllocationError, match=r"is a saved state, not an allocation: .* saved_allocation filter"):
        host_view(allocation["state"], "a1")


def test_view_of_a_master_has_no_bridges(allocation):
    view = host_view(allocation, "m1")
    assert view["overlays"]["dcos"]["mesos_bridge"] is None
    assert view["overlays"]["dcos"]["subnet"] == "9.0.0.0/24"


def test_error_view_of_a_stranger(allocation):
    with pytest.raises(AllocationError, match=r"name: 'zz' has no entry in the allocation"):
        host_view(allocation, "zz")


def test_error_view_of_nothing():
    with pytest.raises(AllocationError, match=r"allocation: \{\} is not an allocation"):
        host_view({}, "a1")
    with pytest.raises(AllocationError, match=r"allocation: \{\} is empty"):
        saved_allocation({})


# --- rendering --------------------------------------------------------------------------------

def test_cni_files_of_an_agent_and_of_a_master(allocation):
    files = cni_files(host_view(allocation, "a1"), "/cni", mtu=1400)
    assert list(files) == ["/cni/dcos.conf"]
    config = json.loads(files["/cni/dcos.conf"])
    assert config["mtu"] == 1400 and config["ipam"]["ranges"][0] == [{"subnet": "9.0.1.0/25"}]
    assert files["/cni/dcos.conf"].endswith("}\n")
    assert cni_files(host_view(allocation, "m1"), "/cni") == {}


def test_cni_files_with_the_disabled_overlays_name_their_configs_as_absent(allocation):
    files = cni_files(host_view(allocation, "a1"), "/cni", disabled=True)
    assert files["/cni/old.conf"] is None and files["/cni/dcos.conf"].endswith("}\n")


def test_docker_networks_of_an_agent_and_of_a_master(allocation):
    view = host_view(allocation, "a1")
    bridge = view["overlays"]["dcos"]["docker_bridge"]
    assert docker_networks(view, mtu="1400") == [
        {"name": "dcos", "bridge": "d-dcos", "subnet": bridge["ip"], "subnet6": bridge["ip6"], "mtu": 1400,
         "masquerade": False, "state": "present"},
        {"name": "old", "state": "absent"}]
    assert bridge["ip6"] and docker_networks(host_view(allocation, "m1")) == []


def test_error_cni_mtu(allocation):
    with pytest.raises(AllocationError, match=r"mtu: 'big' is not an integer"):
        cni_files(host_view(allocation, "a1"), "/cni", mtu="big")


def test_module_network_has_enabled_overlays_and_no_nulls(allocation):
    assert module_network(host_view(allocation, "m1")) == {
        "vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
        "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24, "subnet6": "fd01:b::/64", "prefix6": 80}]}


def test_a_stock_mesos_master_gets_no_module_flag_and_loses_the_2016_helper_configs(allocation):
    files = mesos_files(host_view(allocation, "m1"), dict(SETTINGS, modules_flag="file:///etc/mesos-overlay/master_modules.json\n"))
    assert files == {"/etc/mesos-overlay/master_modules.json": None, "/etc/mesos-overlay/master-config.json": None,
                     "/etc/mesos-overlay/overlay-config.json": None, "/etc/mesos-master/modules": None}


def test_a_modules_flag_the_operator_wrote_is_kept(allocation):
    files = mesos_files(host_view(allocation, "a1"), dict(SETTINGS, modules_flag="file:///etc/mesos/my_modules.json\n"))
    assert "/etc/mesos-slave/modules" not in files


def test_the_dcos_modules_are_the_managers_of_current_dcos_mesos_modules(allocation):
    master = mesos_files(host_view(allocation, "m1"), dict(SETTINGS, dcos_modules=True))
    modules = json.loads(master["/etc/mesos-overlay/master_modules.json"])
    assert modules == {"libraries": [{"file": "/usr/lib/mesos/modules/libx.so", "modules": [
        {"name": "com_mesosphere_mesos_OverlayMasterManager",
         "parameters": [{"key": "master_config", "value": "/etc/mesos-overlay/master-config.json"}]}]}]}
    config = json.loads(master["/etc/mesos-overlay/master-config.json"])
    assert config["replicated_log_dir"] == "/var/lib/mesos/log" and config["network"]["vtep_subnet"] == "44.128.0.0/20"
    assert master["/etc/mesos-master/modules"] == "file:///etc/mesos-overlay/master_modules.json\n"
    agent = mesos_files(host_view(allocation, "a1"), dict(SETTINGS, dcos_modules=True))
    modules = json.loads(agent["/etc/mesos-overlay/agent_modules.json"])
    assert modules["libraries"][0]["modules"][0] == {
        "name": "com_mesosphere_mesos_OverlayAgentManager",
        "parameters": [{"key": "agent_config", "value": "/etc/mesos-overlay/agent-config.json"}]}
    agent_config = json.loads(agent["/etc/mesos-overlay/agent-config.json"])
    assert agent_config["master"] == "192.0.2.1:5050"
    assert agent_config["network_config"] == {"allocate_subnet": True, "mesos_bridge": True, "docker_bridge": True,
                                              "overlay_mtu": 1420, "enable_ipv6": True}
    assert "MasterOverlayHelper" not in json.dumps([master, agent]) and "AgentOverlayHelper" not in json.dumps(agent)


def test_an_agent_keeps_the_operators_isolators_and_adds_network_cni(allocation):
    files = mesos_files(host_view(allocation, "a1"), SETTINGS)
    assert files["/etc/mesos-slave/isolation"] == "cgroups/cpu,cgroups/mem,filesystem/linux,network/cni\n"
    assert files["/etc/mesos-slave/network_cni_config_dir"] == "/var/lib/mesos/cni/config\n"
    assert files["/etc/mesos-slave/network_cni_plugins_dir"] == "/usr/lib/cni\n"
    assert files["/etc/mesos-overlay/agent_modules.json"] is None
    # Written once, the flag reads back the same: a second run changes nothing.
    again = mesos_files(host_view(allocation, "a1"), dict(SETTINGS, isolation=files["/etc/mesos-slave/isolation"]))
    assert again == files


def test_an_agent_without_an_isolation_flag_gets_mesos_default_plus_network_cni(allocation):
    for current in (None, "", "\n"):
        files = mesos_files(host_view(allocation, "a1"), dict(SETTINGS, isolation=current))
        assert files["/etc/mesos-slave/isolation"] == "posix/cpu,posix/mem,network/cni\n"


@pytest.mark.parametrize("settings, message", [
    (dict(SETTINGS, cni_dir=""), r"settings.cni_dir: '' is required for a agent"),
    (dict(SETTINGS, isolators=["ok", 3]), r"mesos_overlay_agent_isolation: \['ok', 3\] must be a list"),
    (dict(SETTINGS, isolators=["a,b"]), r"mesos_overlay_agent_isolation: \['a,b'\] must be a list"),
    (dict(SETTINGS, dcos_modules="maybe"), r"mesos_overlay_dcos_modules: 'maybe' is not a boolean"),
])
def test_error_mesos_settings(allocation, settings, message):
    with pytest.raises(AllocationError, match=message):
        mesos_files(host_view(allocation, "a1"), settings)


def test_firewall_chains_of_an_agent(allocation):
    chains = {c["name"]: c for c in firewall_chains(host_view(allocation, "a1"), vxlan_port=64000)}
    assert chains["MESOS-OVERLAY-VXLAN"]["rules"] == ["-s 192.0.2.1/32 -j ACCEPT", "-s 192.0.2.2/32 -j ACCEPT",
                                                      "-s 192.0.2.3/32 -j ACCEPT", "-j DROP"]
    assert chains["MESOS-OVERLAY-VXLAN"]["jumps"] == [{"chain": "INPUT", "match": "-p udp -m udp --dport 64000",
                                                       "first": True, "create": False}]
    assert chains["MESOS-OVERLAY-FORWARD"]["jumps"] == [{"chain": "FORWARD", "match": "", "first": False, "create": False}]
    with_docker = {c["name"]: c for c in firewall_chains(host_view(allocation, "a1"), docker=True)}
    assert [j["chain"] for j in with_docker["MESOS-OVERLAY-FORWARD"]["jumps"]] == ["DOCKER-USER", "FORWARD"]
    # Disabled overlays have no rules; the whole enabled overlay is forwarded, not only this slice.
    assert chains["MESOS-OVERLAY-FORWARD"]["rules"] == ["-s 9.0.0.0/8 -j ACCEPT", "-d 9.0.0.0/8 -j ACCEPT"]
    assert chains["MESOS-OVERLAY-FORWARD"]["rules6"] == ["-s fd01:b::/64 -j ACCEPT", "-d fd01:b::/64 -j ACCEPT"]
    assert chains["MESOS-OVERLAY-NAT"]["rules"] == [
        "-s 9.0.0.0/8 -d 44.128.0.0/20 -j RETURN", "-s 9.0.0.0/8 -d 9.0.0.0/8 -j RETURN",
        "-s 9.0.0.0/8 -d 10.0.0.0/8 -j RETURN", "-s 9.0.0.0/8 -j MASQUERADE"]
    assert chains["MESOS-OVERLAY-NAT"]["rules6"] == [
        "-s fd01:b::/64 -d fd01:a::/64 -j RETURN", "-s fd01:b::/64 -d fd01:b::/64 -j RETURN",
        "-s fd01:b::/64 -j MASQUERADE"]
    assert all(c["state"] == "present" for c in chains.values())


def test_firewall_chains_of_a_master_and_with_the_vxlan_firewall_off(allocation):
    chains = {c["name"]: c["state"] for c in firewall_chains(host_view(allocation, "m1"), vxlan_firewall=False)}
    assert chains == {"MESOS-OVERLAY-VXLAN": "absent", "MESOS-OVERLAY-FORWARD": "absent", "MESOS-OVERLAY-NAT": "absent"}


def test_error_firewall_port(allocation):
    with pytest.raises(AllocationError, match=r"vxlan_port: 0 is out of range 1-65535"):
        firewall_chains(host_view(allocation, "a1"), vxlan_port=0)


def test_error_not_a_view(allocation):
    with pytest.raises(AllocationError, match=r"view: 'dict' is not a host view"):
        cni_files(allocation, "/cni")


def test_dataplane_is_what_the_modules_take(allocation):
    plane = dataplane(host_view(allocation, "a1"), {"vxlan_port": 64000, "vtep_mtu": 1450, "underlay_dev": "",
                                                    "vxlan_firewall": True, "docker": True})
    assert plane["vxlan_link"] == {"name": "vtep1024", "vni": 1024, "port": 64000, "mac": "70:b3:d5:80:00:02",
                                   "mtu": 1450, "addresses": ["44.128.0.2/20", "fd01:a::2/64"], "local": "192.0.2.2",
                                   "dev": None, "learning": False, "gbp": False, "state": "present"}
    assert [p["name"] for p in plane["vxlan_peers"]["peers"]] == ["a2", "m1"]
    assert [c["name"] for c in plane["firewall_chain"]] == ["MESOS-OVERLAY-VXLAN", "MESOS-OVERLAY-FORWARD",
                                                            "MESOS-OVERLAY-NAT"]
    # A master has no Docker networks whatever the setting says.
    master = dataplane(host_view(allocation, "m1"), {"docker": True})
    assert all(c["state"] == "absent" for c in master["firewall_chain"][1:])


# --- views without peers, completed from the run's peer table on the host ------------------------

@pytest.mark.parametrize("name", ["m1", "a1", "a2"])
def test_a_view_without_peers_completed_from_the_table_is_the_whole_data_plane(allocation, name):
    settings = {"vxlan_port": 64000, "vtep_mtu": 1450, "docker": True}
    small = host_view(allocation, name, peers=False)
    assert "peers" not in small and "members" not in small
    assert small == {k: v for k, v in host_view(allocation, name).items() if k not in ("peers", "members")}
    partial = dataplane(small, settings)
    assert partial["vxlan_peers"]["peers"] is None and partial["firewall_chain"][0]["rules"] is None
    table = peers_of(allocation)
    assert [entry["name"] for entry in table] == ["a1", "a2", "m1"]
    assert complete(partial, table) == dataplane(host_view(allocation, name), settings)


def test_the_view_without_peers_stays_the_same_size_whatever_the_member_count():
    sizes = []
    for count in (10, 200):
        members = [{"name": "m1", "ip": "192.168.0.1", "role": "master"}] + [
            {"name": "a%03d" % i, "ip": "192.168.%d.%d" % (i // 200 + 1, i % 200 + 2), "role": "agent"}
            for i in range(count)]
        sizes.append(len(json.dumps(host_view(allocate(DUAL, members), "a000", peers=False), sort_keys=True)))
    assert sizes[0] == sizes[1]


def test_a_complete_plane_is_left_as_it_is(allocation):
    plane = dataplane(host_view(allocation, "a1"))
    assert complete(plane, None) is plane


@pytest.mark.parametrize("table, message", [
    (None, "peers: required: the data plane of a1 leaves its peers"),
    ([], "peers: required: the data plane of a1 leaves its peers"),
    ([{"vtep_ip": "44.128.0.1"}], "is not the run's peer table"),
    ("a1", "is not the run's peer table"),
])
def test_error_a_partial_plane_without_a_table(allocation, table, message):
    with pytest.raises(ParameterError, match=message):
        complete(dataplane(host_view(allocation, "a1", peers=False)), table)


def test_error_a_table_without_this_host(allocation):
    table = [entry for entry in peers_of(allocation) if entry["name"] != "a1"]
    with pytest.raises(ParameterError, match="a1 has no entry in the peer table"):
        complete(dataplane(host_view(allocation, "a1", peers=False)), table)


def test_only_agents_get_forwarding_sysctls_and_ipv6_ones_with_an_ipv6_overlay(allocation):
    assert dataplane(host_view(allocation, "m1"))["sysctl"] == {}
    assert dataplane(host_view(allocation, "a1"))["sysctl"] == {
        "net.ipv4.ip_forward": "1", "net.ipv6.conf.all.forwarding": "1", "net.ipv6.conf.default.disable_ipv6": "0"}
    ipv4_only = allocate({"vtep_subnet": "44.128.0.0/20", "vtep_mac_oui": "70:B3:D5:00:00:00",
                          "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}]}, MEMBERS)
    assert dataplane(host_view(ipv4_only, "a1"))["sysctl"] == {"net.ipv4.ip_forward": "1"}
