# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""import_dcos on states shaped like DC/OS's GET /overlay-master/state (overlay.proto, message State).

DC/OS allocated in registration order, so the states below give agents addresses in an order
unrelated to their names, with gaps left by agents that were deleted; the import must keep every
value and ``allocate`` must accept the result and give new members the lowest free slots.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import ipaddress
import json

import pytest

from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import AllocationError, allocate
from ansible_collections.mesos.overlay.plugins.plugin_utils._dcos import import_dcos
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view

# What DC/OS shipped: dcos (IPv4) and dcos6 (IPv6 only).
NETWORK = {
    "vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
    "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24},
                 {"name": "dcos6", "subnet6": "fd01:b::/64", "prefix6": 80}],
}


def _dcos_overlay(name, vtep, subnet=None, subnet6=None, bridges=True):
    """One AgentOverlayInfo as DC/OS serves it (bridges are the slice's two halves)."""
    info = {"name": name, "enabled": True}
    info.update({"subnet": "9.0.0.0/8", "prefix": 24} if name == "dcos" else {"subnet6": "fd01:b::/64", "prefix6": 80})
    entry = {"info": info, "backend": {"vxlan": dict(vtep, vni=1024, vtep_name="vtep1024")},
             "state": {"status": "STATUS_OK"}}
    if subnet:
        entry["subnet"] = subnet
    if subnet6:
        entry["subnet6"] = subnet6
    if bridges:
        halves = list(ipaddress.ip_network(subnet or subnet6).subnets(1))
        family = "ip" if subnet else "ip6"
        entry["mesos_bridge"] = {"name": "m-" + name, family: str(halves[0])}
        entry["docker_bridge"] = {"name": "d-" + name, family: str(halves[1])}
    return entry


def _dcos_agent(ip, number, third, bridges=True):
    """An agent that DC/OS gave VTEP number ``number`` and the ``third``-th slice of each overlay."""
    vtep = {"vtep_ip": "44.128.0.%d/20" % number, "vtep_ip6": "fd01:a::%x/64" % number,
            "vtep_mac": "70:b3:d5:80:00:%02x" % number}
    return {"ip": ip, "overlays": [
        _dcos_overlay("dcos", vtep, subnet="9.0.%d.0/24" % third, bridges=bridges),
        _dcos_overlay("dcos6", vtep, subnet6="fd01:b:0:0:%x::/80" % third, bridges=bridges)]}


def _dcos_state():
    # Registration order: agent-3 came first, then the master, then agent-1; the agent that held
    # number 2 / slice 1 was deleted (a gap).
    return {"network": dict(NETWORK, overlays=[dict(o, enabled=True) for o in NETWORK["overlays"]]),
            "agents": [_dcos_agent("10.0.0.23", 1, 0), _dcos_agent("10.0.0.10", 3, 2, bridges=False),
                       _dcos_agent("10.0.0.21", 4, 3)]}


MEMBERS = [{"name": "master-1", "ip": "10.0.0.10", "role": "master"},
           {"name": "agent-1", "ip": "10.0.0.21", "role": "agent"},
           {"name": "agent-3", "ip": "10.0.0.23", "role": "agent"}]


def test_every_address_stays_where_dcos_put_it():
    state = import_dcos(_dcos_state(), MEMBERS)
    result = allocate(NETWORK, MEMBERS, state=state)
    agents = result["members"]
    assert agents["agent-3"]["vtep"] == {"name": "vtep1024", "vni": 1024, "ip": "44.128.0.1/20",
                                         "ip6": "fd01:a::1/64", "mac": "70:b3:d5:80:00:01"}
    assert agents["master-1"]["vtep"]["ip"] == "44.128.0.3/20"
    assert agents["agent-1"]["vtep"]["mac"] == "70:b3:d5:80:00:04"
    assert agents["agent-3"]["overlays"]["dcos"]["subnet"] == "9.0.0.0/24"
    assert agents["master-1"]["overlays"]["dcos"]["subnet"] == "9.0.2.0/24"
    assert agents["agent-1"]["overlays"]["dcos6"]["subnet6"] == "fd01:b:0:0:3::/80"
    assert agents["agent-1"]["overlays"]["dcos"]["mesos_bridge"]["ip"] == "9.0.3.0/25"
    assert agents["agent-1"]["overlays"]["dcos6"]["docker_bridge"]["ip6"] == "fd01:b::3:8000:0:0/81"
    # Masters hold slices but no bridges, as in DC/OS.
    assert agents["master-1"]["overlays"]["dcos"]["mesos_bridge"] is None
    # Allocating again with the same members changes nothing that was imported.
    assert result["state"]["members"] == state["members"]


def test_a_new_member_gets_the_gap_a_deleted_agent_left():
    members = MEMBERS + [{"name": "agent-2", "ip": "10.0.0.22", "role": "agent"},
                         {"name": "agent-4", "ip": "10.0.0.24", "role": "agent"}]
    result = allocate(NETWORK, members, state=import_dcos(_dcos_state(), members))
    assert result["members"]["agent-2"]["vtep"]["ip"] == "44.128.0.2/20"
    assert result["members"]["agent-2"]["overlays"]["dcos"]["subnet"] == "9.0.1.0/24"
    assert result["members"]["agent-2"]["overlays"]["dcos6"]["subnet6"] == "fd01:b:0:0:1::/80"
    assert result["members"]["agent-4"]["vtep"]["ip"] == "44.128.0.5/20"
    assert result["members"]["agent-4"]["overlays"]["dcos"]["subnet"] == "9.0.4.0/24"


def test_the_json_text_of_the_endpoint_is_accepted():
    assert import_dcos(json.dumps(_dcos_state()), MEMBERS) == import_dcos(_dcos_state(), MEMBERS)


def test_an_ipv6_only_overlay_gives_ipv6_only_halves_and_views():
    view = host_view(allocate(NETWORK, MEMBERS, state=import_dcos(_dcos_state(), MEMBERS)), "agent-1")
    bridge = view["overlays"]["dcos6"]["mesos_bridge"]
    assert bridge["ip"] is None and bridge["gateway"] is None
    assert bridge["gateway6"] == "fd01:b::3:0:0:1"
    peer = [p for p in view["peers"] if p["name"] == "agent-3"][0]
    assert peer["subnets"] == ["9.0.0.0/24", "fd01:b::/80"]


def test_a_disabled_overlay_keeps_its_slices():
    dcos = _dcos_state()
    dcos["network"]["overlays"][1]["enabled"] = False
    network = dict(NETWORK, overlays=[NETWORK["overlays"][0], dict(NETWORK["overlays"][1], enabled=False)])
    state = import_dcos(dcos, MEMBERS, network=network)
    assert state["members"]["agent-1"]["overlays"]["dcos6"]["subnet6"] == "fd01:b:0:0:3::/80"
    view = host_view(allocate(network, MEMBERS, state=state), "agent-1")
    assert view["enabled"] == ["dcos"] and view["disabled"] == ["dcos6"]


def test_an_agent_without_overlays_is_allocated_as_new():
    dcos = _dcos_state()
    dcos["agents"][2]["overlays"] = []
    state = import_dcos(dcos, MEMBERS)
    assert "agent-1" not in state["members"]
    assert allocate(NETWORK, MEMBERS, state=state)["members"]["agent-1"]["vtep"]["ip"] == "44.128.0.2/20"


def test_an_unknown_agent_is_refused_naming_it_unless_left_out():
    dcos = _dcos_state()
    dcos["agents"].append(_dcos_agent("10.0.0.99", 7, 7))
    with pytest.raises(AllocationError, match=r"dcos_state.agents\[3\].ip: '10.0.0.99' matches no member"):
        import_dcos(dcos, MEMBERS)
    state = import_dcos(dcos, MEMBERS, leave_out=["10.0.0.99"])
    assert sorted(state["members"]) == ["agent-1", "agent-3", "master-1"]


def test_the_configured_network_must_be_the_one_dcos_used():
    with pytest.raises(AllocationError, match=r"network.vtep_mac_oui: '72:B3:D5:00:00:00' differs from what DC/OS"):
        import_dcos(_dcos_state(), MEMBERS, network=dict(NETWORK, vtep_mac_oui="72:B3:D5:00:00:00"))


def test_an_overlay_may_be_added_but_not_changed():
    added = dict(NETWORK, overlays=NETWORK["overlays"] + [{"name": "apps", "subnet": "11.0.0.0/8", "prefix": 24}])
    assert import_dcos(_dcos_state(), MEMBERS, network=added)["network"]["overlays"][2]["name"] == "apps"
    changed = dict(NETWORK, overlays=[dict(NETWORK["overlays"][0], prefix=25), NETWORK["overlays"][1]])
    with pytest.raises(AllocationError, match=r"network.overlays\[dcos\].prefix: 25 differs from what DC/OS used \(24\)"):
        import_dcos(_dcos_state(), MEMBERS, network=changed)


@pytest.mark.parametrize("corrupt, message", [
    (lambda s: s["agents"].append(copy.deepcopy(s["agents"][0])), r"agents\[3\].ip: '10.0.0.23' is listed twice"),
    (lambda s: s["agents"][2]["overlays"][0]["backend"]["vxlan"].update(vtep_ip="44.128.0.1/20", vtep_mac="70:b3:d5:80:00:01"),
     r"differs from the VTEP of"),
    (lambda s: [o["backend"]["vxlan"].update(vtep_ip="44.128.0.1/20", vtep_mac="70:b3:d5:80:00:01")
                for o in s["agents"][2]["overlays"]], r"agent-3.vtep_ip: '44.128.0.1/20' in the state is also held by agent-1"),
    (lambda s: [o["backend"]["vxlan"].update(vtep_mac="70:b3:d5:80:00:99") for o in s["agents"][0]["overlays"]],
     r"agents\[0\].overlays\[0\].backend.vxlan.vtep_mac: '70:b3:d5:80:00:99' is not the MAC derived"),
    (lambda s: s["agents"][0]["overlays"][0].update(subnet="10.1.0.0/24"), r"lies outside the current overlay 'dcos'"),
    (lambda s: s["agents"][0]["overlays"][0].update(subnet="9.0.0.5/24"), r"9.0.0.5/24"),
    (lambda s: s["agents"][1]["overlays"][0].update(subnet="9.0.0.0/24"), r"is also held by"),
    (lambda s: s["agents"][0]["overlays"][0]["mesos_bridge"].update(ip="9.0.0.128/25"),
     r"mesos_bridge.ip: '9.0.0.128/25' is not the first half of the agent's slice \(9.0.0.0/25\)"),
    (lambda s: s["agents"][0]["overlays"][0]["info"].update(name="other"), r"'other' is not an overlay of the DC/OS"),
    (lambda s: [o["backend"]["vxlan"].update(vni=4096) for o in s["agents"][0]["overlays"]], r"is not the VTEP this"),
    (lambda s: s["agents"][0].update(ip="10.0.0"), r"agents\[0\].ip: '10.0.0' is not an IPv4 address"),
    (lambda s: s["network"].update(vtep_subnet="44.128.0.0/33"), r"dcos_state.network.vtep_subnet"),
    (lambda s: s.update(network=None), r"dcos_state.network: None is not a dictionary"),
    (lambda s: s["agents"][0]["overlays"][0].pop("backend"), r"backend.vxlan: None is missing"),
])
def test_a_corrupt_dcos_state_is_refused_naming_the_entry(corrupt, message):
    dcos = _dcos_state()
    corrupt(dcos)
    with pytest.raises(AllocationError, match=message):
        import_dcos(dcos, MEMBERS)
