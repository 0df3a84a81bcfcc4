# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The allocation rules and validations of the allocate filter, one test each."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import AllocationError, allocate

BASE = {
    "vtep_subnet": "44.128.0.0/20",
    "vtep_mac_oui": "70:B3:D5:00:00:00",
    "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}],
}
DUAL = {
    "vtep_subnet": "44.128.0.0/20",
    "vtep_subnet6": "fd01:a::/64",
    "vtep_mac_oui": "70:B3:D5:00:00:00",
    "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24, "subnet6": "fd01:b::/64", "prefix6": 80}],
}


def net(base=None, **changes):
    config = copy.deepcopy(base or BASE)
    config.update(changes)
    return config


def overlay(**changes):
    entry = {"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}
    entry.update(changes)
    return entry


def agent(name, index):
    return {"name": name, "ip": "192.0.2.%d" % index, "role": "agent"}


def master(name, index):
    return {"name": name, "ip": "192.0.2.%d" % index, "role": "master"}


def roundtrip(result):
    return json.loads(json.dumps(result))


def raises(match, config, members=None, **kwargs):
    with pytest.raises(AllocationError, match=match):
        allocate(config, [] if members is None else members, **kwargs)


# --- worked examples of the README ----------------------------------------------------------

def test_first_master_gets_first_vtep_address_and_first_slice():
    result = allocate(BASE, [master("m1", 1), agent("a1", 2)])
    m1 = result["members"]["m1"]
    assert m1["vtep"] == {"name": "vtep1024", "vni": 1024, "ip": "44.128.0.1/20", "ip6": None,
                          "mac": "70:b3:d5:80:00:01"}
    assert m1["overlays"]["dcos"]["subnet"] == "9.0.0.0/24"
    assert m1["overlays"]["dcos"]["mesos_bridge"] is None
    assert m1["overlays"]["dcos"]["docker_bridge"] is None


def test_agent_slice_splits_into_mesos_and_docker_halves():
    a1 = allocate(BASE, [master("m1", 1), agent("a1", 2)])["members"]["a1"]["overlays"]["dcos"]
    assert a1["subnet"] == "9.0.1.0/24"
    assert a1["mesos_bridge"] == {"name": "m-dcos", "ip": "9.0.1.0/25", "ip6": None}
    assert a1["docker_bridge"] == {"name": "d-dcos", "ip": "9.0.1.128/25", "ip6": None}


def test_ipv6_worked_example():
    result = allocate(DUAL, [master("m1", 1), agent("a1", 2)])
    a1 = result["members"]["a1"]
    assert a1["vtep"]["ip6"] == "fd01:a::2/64"
    assert result["members"]["m1"]["vtep"]["ip6"] == "fd01:a::1/64"
    slot = a1["overlays"]["dcos"]
    assert slot["subnet6"] == "fd01:b:0:0:1::/80"
    assert slot["mesos_bridge"]["ip6"] == "fd01:b:0:0:1::/81"
    assert slot["docker_bridge"]["ip6"] == "fd01:b::1:8000:0:0/81"
    assert result["members"]["m1"]["overlays"]["dcos"]["subnet6"] == "fd01:b::/80"


# --- rules -------------------------------------------------------------------------------

def test_mac_is_oui_then_low_three_bytes_of_vtep_lowercase():
    config = net(vtep_subnet="10.0.0.0/8", vtep_mac_oui="0A:BC:DE:00:00:00")
    members = [agent("a%03d" % i, i) for i in range(1, 200)] + [agent("b", 250)]
    result = allocate(config, members)
    # b is the 200th: 10.0.0.200 is its address, c8 its low byte
    assert result["members"]["b"]["vtep"]["ip"] == "10.0.0.200/8"
    assert result["members"]["b"]["vtep"]["mac"] == "0a:bc:de:00:00:c8"


def test_mac_carries_all_three_low_bytes():
    config = net(vtep_subnet="10.1.2.0/24")
    result = allocate(config, [agent("a", 2)])
    assert result["members"]["a"]["vtep"]["mac"] == "70:b3:d5:01:02:01"


def test_vtep_excludes_network_and_broadcast():
    config = net(vtep_subnet="44.128.0.0/30")
    result = allocate(config, [agent("a", 2), agent("b", 3)])
    assert [result["members"][n]["vtep"]["ip"] for n in ("a", "b")] == ["44.128.0.1/30", "44.128.0.2/30"]
    with pytest.raises(AllocationError, match=r"vtep_subnet 44.128.0.0/30 is full: its capacity is 2 and the demand is 3"):
        allocate(config, [agent("a", 2), agent("b", 3), agent("c", 4)])


def test_masters_first_then_agents_each_by_name():
    members = [agent("b-agent", 5), agent("a-agent", 4), master("z-master", 3), master("m-master", 2)]
    agents = allocate(BASE, members)["members"]
    order = sorted(agents, key=lambda name: agents[name]["vtep"]["ip"].split("/")[0].split(".")[-1].zfill(3))
    assert order == ["m-master", "z-master", "a-agent", "b-agent"]
    assert [agents[n]["overlays"]["dcos"]["subnet"] for n in order] == [
        "9.0.0.0/24", "9.0.1.0/24", "9.0.2.0/24", "9.0.3.0/24"]


def test_member_order_does_not_matter():
    members = [master("m1", 1), agent("a1", 2), agent("a2", 3), agent("a3", 4)]
    first = json.dumps(allocate(DUAL, members), sort_keys=False)
    second = json.dumps(allocate(DUAL, list(reversed(members))), sort_keys=False)
    assert first == second


def test_same_input_gives_byte_identical_output():
    members = [master("m1", 1), agent("a1", 2)]
    state = roundtrip(allocate(DUAL, members))
    outputs = {json.dumps(allocate(DUAL, members + [agent("a2", 3)], state=state)) for _run in range(3)}
    assert len(outputs) == 1


def test_existing_allocations_never_move_when_hosts_join():
    state = roundtrip(allocate(BASE, [agent("b", 2), agent("d", 4)]))
    # a and c sort before and between the existing ones: they must not push them.
    result = allocate(BASE, [agent("a", 1), agent("b", 2), agent("c", 3), agent("d", 4)], state=state)
    for name in ("b", "d"):
        assert result["members"][name] == state["members"][name]
    assert result["members"]["a"]["vtep"]["ip"] == "44.128.0.3/20"
    assert result["members"]["c"]["vtep"]["ip"] == "44.128.0.4/20"


def test_absent_member_keeps_its_entry_until_released():
    state = roundtrip(allocate(BASE, [agent("a", 1), agent("b", 2), agent("c", 3)]))
    without_b = allocate(BASE, [agent("a", 1), agent("c", 3)], state=state)
    assert without_b["members"]["b"] == state["members"]["b"]
    released = allocate(BASE, [agent("a", 1), agent("c", 3)], state=roundtrip(without_b), release=["b"])
    assert "b" not in released["members"]
    assert released["released"] == ["b"]


def test_released_slot_is_reused_lowest_first():
    state = roundtrip(allocate(BASE, [agent("a", 1), agent("b", 2), agent("c", 3)]))
    freed = roundtrip(allocate(BASE, [agent("a", 1), agent("c", 3)], state=state, release=["b"]))
    result = allocate(BASE, [agent("a", 1), agent("c", 3), agent("z", 9)], state=freed)
    assert result["members"]["z"]["vtep"]["ip"] == state["members"]["b"]["vtep"]["ip"]
    assert result["members"]["z"]["overlays"] == state["members"]["b"]["overlays"]


def test_release_of_unknown_name_is_ignored():
    state = roundtrip(allocate(BASE, [agent("a", 1)]))
    result = allocate(BASE, [agent("a", 1)], state=state, release=["ghost"])
    assert result["released"] == []
    assert result["members"] == state["members"]


def test_disabled_overlay_keeps_allocations_and_gets_no_new_ones():
    config = net(overlays=[overlay(), overlay(name="other", subnet="10.0.0.0/8")])
    state = roundtrip(allocate(config, [agent("a", 1)]))
    disabled = net(overlays=[overlay(), overlay(name="other", subnet="10.0.0.0/8", enabled=False)])
    result = roundtrip(allocate(disabled, [agent("a", 1), agent("b", 2)], state=state))
    assert result["members"]["a"]["overlays"]["other"]["subnet"] == "10.0.0.0/24"
    assert result["members"]["a"]["overlays"]["other"]["enabled"] is False
    assert "other" not in result["members"]["b"]["overlays"]
    enabled_again = allocate(config, [agent("a", 1), agent("b", 2)], state=result)
    assert enabled_again["members"]["a"]["overlays"]["other"] == state["members"]["a"]["overlays"]["other"]
    assert enabled_again["members"]["b"]["overlays"]["other"]["subnet"] == "10.0.1.0/24"


def test_overlay_added_later_gets_slices_for_present_members():
    state = roundtrip(allocate(BASE, [agent("a", 1), agent("b", 2)]))
    config = net(overlays=[overlay(), overlay(name="new", subnet="10.0.0.0/16", prefix=26)])
    result = allocate(config, [agent("a", 1), agent("b", 2)], state=state)
    assert result["members"]["a"]["overlays"]["new"]["subnet"] == "10.0.0.0/26"
    assert result["members"]["b"]["overlays"]["new"]["docker_bridge"]["ip"] == "10.0.0.96/27"
    assert result["members"]["a"]["overlays"]["dcos"] == state["members"]["a"]["overlays"]["dcos"]


def test_ipv6_added_later_keeps_ipv4():
    state = roundtrip(allocate(BASE, [master("m", 1), agent("a", 2)]))
    result = allocate(DUAL, [master("m", 1), agent("a", 2)], state=state)
    assert result["members"]["a"]["vtep"]["ip"] == state["members"]["a"]["vtep"]["ip"]
    assert result["members"]["a"]["vtep"]["ip6"] == "fd01:a::2/64"
    assert result["members"]["a"]["overlays"]["dcos"]["subnet"] == "9.0.1.0/24"
    assert result["members"]["a"]["overlays"]["dcos"]["subnet6"] == "fd01:b:0:0:1::/80"


def test_role_change_keeps_slot_and_drops_bridges():
    state = roundtrip(allocate(BASE, [agent("a", 1)]))
    result = allocate(BASE, [master("a", 1)], state=state)
    assert result["members"]["a"]["overlays"]["dcos"]["subnet"] == "9.0.0.0/24"
    assert result["members"]["a"]["overlays"]["dcos"]["mesos_bridge"] is None


def test_underlay_ip_follows_the_inventory():
    state = roundtrip(allocate(BASE, [agent("a", 1)]))
    result = allocate(BASE, [agent("a", 7)], state=state)
    assert result["members"]["a"]["ip"] == "192.0.2.7"
    assert result["members"]["a"]["vtep"] == state["members"]["a"]["vtep"]


def test_growing_vtep_subnet_keeps_addresses():
    state = roundtrip(allocate(BASE, [agent("a", 1)]))
    result = allocate(net(vtep_subnet="44.128.0.0/16"), [agent("a", 1)], state=state)
    assert result["members"]["a"]["vtep"]["ip"] == "44.128.0.1/16"


def test_normalised_network_has_every_key():
    result = allocate(net(vtep_mac_oui="70:b3:d5:00:00:00", overlays=[overlay(prefix="24")]), [])
    assert result["network"] == {
        "vtep_subnet": "44.128.0.0/20", "vtep_subnet6": None, "vtep_mac_oui": "70:B3:D5:00:00:00",
        "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24, "subnet6": None,
                      "prefix6": None, "enabled": True}],
    }


# --- validation: configuration -----------------------------------------------------------

def test_error_config_not_a_dict():
    raises(r"mesos_overlay_network: \[\] is not a dictionary", [])


def test_error_vtep_subnet_missing():
    config = net()
    del config["vtep_subnet"]
    raises(r"vtep_subnet: None is not a CIDR string", config)


def test_error_vtep_subnet_malformed():
    raises(r"vtep_subnet: '44.128.0.0/33' is not a valid network", net(vtep_subnet="44.128.0.0/33"))


def test_error_vtep_subnet_host_bits_set():
    raises(r"vtep_subnet: '44.128.0.1/20' is not a valid network \(.*has host bits set", net(vtep_subnet="44.128.0.1/20"))


def test_error_vtep_subnet_not_ipv4():
    raises(r"vtep_subnet: 'fd01::/64' is not an IPv4 network", net(vtep_subnet="fd01::/64"))


def test_error_vtep_subnet_prefix_below_8():
    raises(r"vtep_subnet: '44.0.0.0/7' is too large: its prefix length must be 8 or more", net(vtep_subnet="44.0.0.0/7"))


def test_error_vtep_subnet_without_host_room():
    raises(r"vtep_subnet: '44.128.0.0/31' has no room for host addresses", net(vtep_subnet="44.128.0.0/31"))


def test_error_vtep_subnet6_not_ipv6():
    raises(r"vtep_subnet6: '44.0.0.0/8' is not an IPv6 network", net(vtep_subnet6="44.0.0.0/8"))


def test_error_oui_malformed():
    raises(r"vtep_mac_oui: '70:B3:D5:00:00' is not a MAC address", net(vtep_mac_oui="70:B3:D5:00:00"))


def test_error_oui_low_bytes_not_zero():
    raises(r"vtep_mac_oui: '70:B3:D5:00:00:01' must end in three zero bytes", net(vtep_mac_oui="70:B3:D5:00:00:01"))


def test_error_oui_multicast():
    raises(r"vtep_mac_oui: '71:B3:D5:00:00:00' is a multicast address", net(vtep_mac_oui="71:B3:D5:00:00:00"))


def test_error_overlays_empty():
    raises(r"overlays: \[\] must be a non-empty list", net(overlays=[]))


def test_error_overlay_not_a_dict():
    raises(r"overlays\[0\]: 'dcos' is not a dictionary", net(overlays=["dcos"]))


def test_error_overlay_name_missing():
    raises(r"overlays\[0\].name: None must be a non-empty string", net(overlays=[{"subnet": "9.0.0.0/8", "prefix": 24}]))


def test_error_overlay_name_too_long():
    raises(r"overlays\[0\].name: 'abcdefghijklmn' is longer than 13 characters", net(overlays=[overlay(name="abcdefghijklmn")]))


@pytest.mark.parametrize("name", ["host", "bridge", "default", "none", "Host"])
def test_error_overlay_name_reserved(name):
    raises(r"overlays\[0\].name: '%s' is reserved" % name, net(overlays=[overlay(name=name)]))


@pytest.mark.parametrize("name", ["bad name", "a/b", "-lead", "x:y", "ünï"])
def test_error_overlay_name_unsafe_for_interfaces(name):
    raises(r"overlays\[0\].name: '%s' must start with a letter or digit" % name, net(overlays=[overlay(name=name)]))


def test_error_overlay_name_duplicate():
    raises(r"overlays\[1\].name: 'dcos' is used twice \(also overlays\[0\]\)",
           net(overlays=[overlay(), overlay(subnet="10.0.0.0/8")]))


def test_error_overlay_subnet_malformed():
    raises(r"overlays\[0\].subnet: '9.0.0/8' is not a valid network", net(overlays=[overlay(subnet="9.0.0/8")]))


def test_error_overlay_prefix_not_integer():
    raises(r"overlays\[0\].prefix: True is not an integer", net(overlays=[overlay(prefix=True)]))


def test_error_overlay_prefix_shorter_than_subnet():
    raises(r"overlays\[0\].prefix: 7 must lie between the subnet's own prefix length 8 and 29",
           net(overlays=[overlay(prefix=7)]))


def test_error_overlay_prefix_leaves_no_usable_halves():
    raises(r"overlays\[0\].prefix: 30 must lie between", net(overlays=[overlay(prefix=30)]))


def test_error_overlay_prefix_out_of_range():
    raises(r"overlays\[0\].prefix: 33 is out of range 0-32", net(overlays=[overlay(prefix=33)]))


def test_error_overlay_prefix6_without_subnet6():
    raises(r"overlays\[0\].prefix6: 80 is set but subnet6 is not", net(DUAL, overlays=[overlay(prefix6=80)]))


def test_error_overlay_subnet6_without_prefix6():
    raises(r"overlays\[0\].prefix6: None is required with subnet6", net(DUAL, overlays=[overlay(subnet6="fd01:b::/64")]))


def test_error_overlay_prefix6_leaves_no_usable_halves():
    raises(r"overlays\[0\].prefix6: 126 must lie between the subnet's own prefix length 64 and 125",
           net(DUAL, overlays=[overlay(subnet6="fd01:b::/64", prefix6=126)]))


def test_error_overlay_subnet6_needs_vtep_subnet6():
    raises(r"overlays\[0\].subnet6: 'fd01:b::/64' needs vtep_subnet6 to be set",
           net(overlays=[overlay(subnet6="fd01:b::/64", prefix6=80)]))


def test_error_overlay_enabled_not_boolean():
    raises(r"overlays\[0\].enabled: 'maybe' is not a boolean", net(overlays=[overlay(enabled="maybe")]))


def test_error_overlays_overlap_each_other():
    raises(r"overlay 'dcos' subnet 9.0.0.0/8 overlaps overlay 'two' subnet 9.1.0.0/16",
           net(overlays=[overlay(), overlay(name="two", subnet="9.1.0.0/16")]))


def test_error_overlay_overlaps_vtep_subnet():
    raises(r"vtep_subnet 44.128.0.0/20 overlaps overlay 'dcos' subnet 44.0.0.0/8",
           net(overlays=[overlay(subnet="44.0.0.0/8")]))


def test_error_overlay6_overlaps_vtep_subnet6():
    raises(r"vtep_subnet6 fd01:a::/64 overlaps overlay 'dcos' subnet6 fd01::/16",
           net(DUAL, overlays=[overlay(subnet6="fd01::/16", prefix6=80)]))


# --- validation: members, release, capacity ----------------------------------------------

def test_error_members_not_a_list():
    raises(r"members: 'a' is not a list", BASE, members="a")


def test_error_member_not_a_dict():
    raises(r"members\[0\]: 'a' is not a dictionary", BASE, ["a"])


def test_error_member_name_missing():
    raises(r"members\[0\].name: '' must be a non-empty string", BASE, [{"name": "", "ip": "192.0.2.1", "role": "agent"}])


def test_error_member_listed_twice():
    raises(r"members\[1\].name: 'a' is listed twice", BASE, [agent("a", 1), agent("a", 2)])


def test_error_member_ip_malformed():
    raises(r"members\[0\].ip: '192.0.2' is not an IPv4 address \(member a\)", BASE,
           [{"name": "a", "ip": "192.0.2", "role": "agent"}])


def test_error_member_ip_inside_overlay():
    raises(r"members\[0\].ip: '9.1.2.3' lies inside the overlay 'dcos' subnet 9.0.0.0/8", BASE,
           [{"name": "a", "ip": "9.1.2.3", "role": "agent"}])


def test_error_member_ip_shared():
    raises(r"members\[1\].ip: '192.0.2.1' is also the address of member a", BASE, [agent("a", 1), agent("b", 1)])


def test_error_member_role_unknown():
    raises(r"members\[0\].role: 'slave' must be one of master, agent \(member a\)", BASE,
           [{"name": "a", "ip": "192.0.2.1", "role": "slave"}])


def test_error_release_of_present_member():
    raises(r"release: 'a' is still a member", BASE, [agent("a", 1)], release=["a"])


def test_error_release_not_a_list():
    raises(r"release: 5 is not a list of names", BASE, [agent("a", 1)], release=5)


def test_error_overlay_capacity():
    config = net(overlays=[overlay(subnet="9.0.0.0/22")])
    raises(r"overlay 'dcos' subnet 9.0.0.0/22 is full: its capacity is 4 and the demand is 5",
           config, [agent("a%d" % i, i) for i in range(1, 6)])


def test_error_overlay6_capacity():
    config = net(DUAL, overlays=[overlay(subnet6="fd01:b::/79", prefix6=80)])
    raises(r"overlay 'dcos' subnet6 fd01:b::/79 is full: its capacity is 2 and the demand is 3",
           config, [agent("a%d" % i, i) for i in range(1, 4)])


def test_capacity_error_counts_existing_allocations():
    config = net(overlays=[overlay(subnet="9.0.0.0/22")])
    state = roundtrip(allocate(config, [agent("a%d" % i, i) for i in range(1, 4)]))
    raises(r"is full: its capacity is 4 and the demand is 5 \(3 already allocated, 2 members need one more\)",
           config, [agent("a%d" % i, i) for i in range(1, 6)], state=state)


# --- validation: state -------------------------------------------------------------------

def good_state():
    """A state file as mesos.overlay 1.0.0 wrote it: the network and every member's whole entry."""
    result = roundtrip(allocate(BASE, [agent("a", 1), agent("b", 2)]))
    return {"network": result["network"], "agents": result["members"]}


def good_state2():
    """A state file as this version writes it (format 2): only what was allocated."""
    return roundtrip(allocate(BASE, [agent("a", 1), agent("b", 2)]))["state"]


def test_state_format2_holds_only_what_was_allocated():
    state = good_state2()
    assert state["format"] == 2
    assert state["members"]["a"] == {"ip": "192.0.2.1", "role": "agent", "vtep_ip": "44.128.0.1/20",
                                     "vtep_ip6": None, "overlays": {"dcos": {"subnet": "9.0.0.0/24", "subnet6": None}}}


def test_state_formats_1_and_2_give_the_same_allocation():
    members = [agent("a", 1), agent("b", 2), agent("c", 3)]
    from_v1 = allocate(BASE, members, state=good_state())
    from_v2 = allocate(BASE, members, state=good_state2())
    assert from_v1 == from_v2
    assert from_v1["members"]["c"]["vtep"]["ip"] == "44.128.0.3/20"


def test_error_state2_duplicate_vtep():
    state = good_state2()
    state["members"]["b"]["vtep_ip"] = state["members"]["a"]["vtep_ip"]
    raises(r"state.members.b.vtep_ip: '44.128.0.1/20' in the state is also held by a: the state is corrupt",
           BASE, state=state)


def test_error_state2_slice_outside_subnet():
    state = good_state2()
    state["members"]["a"]["overlays"]["dcos"]["subnet"] = "8.0.0.0/24"
    raises(r"state.members.a.overlays.dcos.subnet: '8.0.0.0/24' in the state lies outside", BASE, state=state)


def test_error_state_format_from_the_future():
    state = good_state2()
    state["format"] = 3
    raises(r"state.format: 3 is not a state format this version reads", BASE, state=state)


def test_error_state_not_a_dict():
    raises(r"state: 'list' is not a state this collection wrote", BASE, state=[1])


def test_error_state_vtep_missing():
    state = good_state()
    del state["agents"]["a"]["vtep"]["ip"]
    raises(r"state.agents.a.vtep.ip: None is missing", BASE, state=state)


def test_error_state_vtep_outside_subnet():
    state = good_state()
    state["agents"]["a"]["vtep"]["ip"] = "44.129.0.1/20"
    raises(r"state.agents.a.vtep.ip: '44.129.0.1/20' in the state is not a host address of the current "
           r"vtep_subnet 44.128.0.0/20", BASE, state=state)


def test_error_state_duplicate_vtep():
    state = good_state()
    state["agents"]["b"]["vtep"]["ip"] = state["agents"]["a"]["vtep"]["ip"]
    raises(r"state.agents.b.vtep.ip: '44.128.0.1/20' in the state is also held by a: the state is corrupt",
           BASE, state=state)


def test_error_state_duplicate_slice():
    state = good_state()
    state["agents"]["b"]["overlays"]["dcos"]["subnet"] = "9.0.0.0/24"
    raises(r"state.agents.b.overlays.dcos.subnet: '9.0.0.0/24' in the state is also held by a", BASE, state=state)


def test_error_state_slice_outside_subnet():
    state = good_state()
    config = net(overlays=[overlay(subnet="10.0.0.0/8")])
    state["network"] = config  # same prefix, other subnet: every slice lies outside
    raises(r"state.agents.a.overlays.dcos.subnet: '9.0.0.0/24' in the state lies outside the current "
           r"overlay 'dcos' subnet 10.0.0.0/8", config, state=state)


def test_error_state_slice_malformed():
    state = good_state()
    state["agents"]["a"]["overlays"]["dcos"]["subnet"] = "nine"
    raises(r"state.agents.a.overlays.dcos.subnet: 'nine' in the state is not a network", BASE, state=state)


def test_error_state_prefix_changed():
    state = good_state()
    raises(r"overlays 'dcos' prefix: changed from 24 to 26, which would move every allocated slice",
           net(overlays=[overlay(prefix=26)]), state=state)


def test_error_state_overlay_deleted_from_config():
    state = good_state()
    raises(r"state.agents.a.overlays: 'dcos' holds allocations in the state but is not in the configuration",
           net(overlays=[overlay(name="other", subnet="10.0.0.0/8")]), state=state)


def test_error_state_entry_without_role():
    state = good_state()
    state["agents"]["a"]["role"] = "boss"
    raises(r"state.agents.a: .* needs an 'ip' string and a 'role' of master, agent", BASE, state=state)


# --- IPv6-only overlays (DC/OS's dcos6) ------------------------------------------------------

V6ONLY = {"vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
          "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24},
                       {"name": "dcos6", "subnet6": "fd01:b::/64", "prefix6": 80}]}


def test_an_ipv6_only_overlay_gets_ipv6_slices_and_halves_only():
    members = [{"name": "m1", "ip": "192.0.2.1", "role": "master"}, {"name": "a1", "ip": "192.0.2.2", "role": "agent"}]
    result = allocate(V6ONLY, members)
    assert result["network"]["overlays"][1] == {"name": "dcos6", "subnet": None, "prefix": None,
                                                "subnet6": "fd01:b::/64", "prefix6": 80, "enabled": True}
    a1 = result["members"]["a1"]["overlays"]["dcos6"]
    assert a1["subnet"] is None and a1["subnet6"] == "fd01:b:0:0:1::/80"
    assert a1["mesos_bridge"] == {"name": "m-dcos6", "ip": None, "ip6": "fd01:b:0:0:1::/81"}
    assert a1["docker_bridge"] == {"name": "d-dcos6", "ip": None, "ip6": "fd01:b::1:8000:0:0/81"}
    m1 = result["members"]["m1"]["overlays"]["dcos6"]
    assert m1["subnet6"] == "fd01:b::/80" and m1["mesos_bridge"] is None
    # The saved state reads back to the same allocation.
    assert allocate(V6ONLY, members, state=result["state"])["state"] == result["state"]


@pytest.mark.parametrize("overlay, message", [
    ({"name": "x"}, r"overlays\[1\].subnet: None is required \(or subnet6 for an IPv6-only overlay\)"),
    ({"name": "x", "prefix": 24, "subnet6": "fd01:c::/64", "prefix6": 80}, r"overlays\[1\].prefix: 24 is set but subnet is not"),
    ({"name": "x", "subnet6": "fd01:c::/64"}, r"overlays\[1\].prefix6: None is required with subnet6"),
    ({"name": "x", "subnet6": "fd01:a:0:0:1::/80", "prefix6": 96}, r"vtep_subnet6 fd01:a::/64 overlaps overlay .x. subnet6"),
])
def test_an_ipv6_only_overlay_is_validated(overlay, message):
    config = dict(V6ONLY, overlays=[V6ONLY["overlays"][0], overlay])
    with pytest.raises(AllocationError, match=message):
        allocate(config, [{"name": "a1", "ip": "192.0.2.2", "role": "agent"}])
