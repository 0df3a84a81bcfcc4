# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""merge_states, peers_of and cni_config: what the roles build on the allocation."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import json

import pytest

from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import AllocationError, allocate
from ansible_collections.mesos.overlay.plugins.plugin_utils._state import merge_states
from ansible_collections.mesos.overlay.plugins.plugin_utils._render import cni_config as _cni_config
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view, peers_of


def cni_config(allocation, name, overlay, **kwargs):
    return _cni_config(host_view(allocation, name), overlay, **kwargs)


DUAL = {
    "vtep_subnet": "44.128.0.0/20",
    "vtep_subnet6": "fd01:a::/64",
    "vtep_mac_oui": "70:B3:D5:00:00:00",
    "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24, "subnet6": "fd01:b::/64", "prefix6": 80},
                 {"name": "old", "subnet": "10.0.0.0/8", "prefix": 24, "enabled": False}],
}
MEMBERS = [{"name": "m1", "ip": "192.0.2.1", "role": "master"},
           {"name": "a1", "ip": "192.0.2.2", "role": "agent"},
           {"name": "a2", "ip": "192.0.2.3", "role": "agent"}]


def state_text(members=None):
    """The state file as the state role writes it."""
    return json.dumps(allocate(DUAL, MEMBERS if members is None else members)["state"])


# --- merge_states ------------------------------------------------------------------------

def test_merge_of_identical_copies_is_that_copy():
    text = state_text()
    merged = merge_states([{"host": "m1", "path": "/s", "content": text}, {"host": "m2", "path": "/s", "content": text}])
    assert merged == json.loads(text)


def test_merge_skips_a_master_without_a_file():
    text = state_text()
    assert merge_states([{"host": "m1", "path": "/s", "content": text},
                         {"host": "m2", "path": "/s", "content": None}]) == json.loads(text)


@pytest.mark.parametrize("saved, field", [
    # The results of slurp are not the shape: the state role turns them into copies once.
    ([{"item": "m1", "source": "/s", "encoding": "base64", "content": "e30="}], "saved[0]"),
    ([{"host": "m1", "path": "/s", "content": {"members": {}}}], "saved[0]"),
    ({"host": "m1", "path": "/s", "content": None}, "saved"),
])
def test_error_merge_refuses_another_shape(saved, field):
    with pytest.raises(AllocationError, match=r"^%s: .* is not " % re.escape(field)):
        merge_states(saved)


def test_merge_of_nothing_is_empty():
    assert merge_states([{"host": "m1", "path": "/s", "content": None}]) == {}


def test_merge_unions_a_copy_that_missed_a_run():
    older = state_text(MEMBERS[:2])
    newer = state_text()
    merged = merge_states([{"host": "m1", "path": "/s", "content": older}, {"host": "m2", "path": "/s", "content": newer}])
    assert sorted(merged["members"]) == ["a1", "a2", "m1"]
    # The merged state is one allocate accepts, and nothing moves.
    again = allocate(DUAL, MEMBERS, state=merged)
    assert again["state"] == json.loads(newer)


def test_error_merge_corrupt_json_names_host_and_file():
    with pytest.raises(AllocationError, match=r"the state file /var/lib/s.json on m2 is corrupt \(not JSON"):
        merge_states([{"host": "m1", "path": "/var/lib/s.json", "content": state_text()},
                      {"host": "m2", "path": "/var/lib/s.json", "content": "{\"agents\": {"}])


def test_error_merge_not_a_state():
    with pytest.raises(AllocationError, match=r"on m1 is corrupt \(no 'members' dictionary\)"):
        merge_states([{"host": "m1", "path": "/s", "content": "[1, 2]"}])


def test_error_merge_masters_disagree():
    text = json.loads(state_text())
    other = json.loads(state_text())
    other["members"]["a1"]["vtep_ip"] = "44.128.0.9/20"
    with pytest.raises(AllocationError, match=r"the masters disagree about a1: m1 says vtep_ip is 44.128.0.2/20, "
                                              r"m2 says 44.128.0.9/20"):
        merge_states([{"host": "m1", "path": "/s", "content": json.dumps(text)},
                      {"host": "m2", "path": "/s", "content": json.dumps(other)}])


def test_two_masters_giving_one_slot_to_two_members_is_refused_by_allocate():
    one = json.loads(state_text(MEMBERS[:2]))
    two = json.loads(state_text([MEMBERS[0], dict(MEMBERS[2], name="a9")]))
    merged = merge_states([{"host": "m1", "path": "/s", "content": json.dumps(one)},
                           {"host": "m2", "path": "/s", "content": json.dumps(two)}])
    with pytest.raises(AllocationError, match=r"is also held by a1: the state is corrupt"):
        allocate(DUAL, MEMBERS[:2], state=merged)


# --- peers_of ----------------------------------------------------------------------------

def test_peers_are_every_other_member_with_enabled_slices():
    allocation = allocate(DUAL, MEMBERS)
    peers = peers_of(allocation, "a1")
    assert [p["name"] for p in peers] == ["a2", "m1"]
    a2 = peers[0]
    assert a2 == {"name": "a2", "vtep_ip": "44.128.0.3", "vtep_ip6": "fd01:a::3", "mac": "70:b3:d5:80:00:03",
                  "underlay_ip": "192.0.2.3", "subnets": ["9.0.2.0/24", "fd01:b:0:0:2::/80"]}


def test_peers_exclude():
    assert [p["name"] for p in peers_of(allocate(DUAL, MEMBERS), "a1", exclude=["m1"])] == ["a2"]


def test_error_peers_of_unknown_host():
    with pytest.raises(AllocationError, match=r"name: 'zz' has no entry in the allocation"):
        peers_of(allocate(DUAL, MEMBERS), "zz")


# --- cni_config --------------------------------------------------------------------------

def test_cni_config_dual_stack():
    config = cni_config(allocate(DUAL, MEMBERS), "a1", "dcos", mtu=1420)
    assert config == {
        "cniVersion": "0.2.0", "name": "dcos", "type": "bridge", "bridge": "m-dcos", "isGateway": True,
        "ipMasq": False, "hairpinMode": True, "mtu": 1420,
        "ipam": {"type": "host-local", "ranges": [[{"subnet": "9.0.1.0/25"}], [{"subnet": "fd01:b:0:0:1::/81"}]],
                 "routes": [{"dst": "0.0.0.0/0"}, {"dst": "::/0"}]},
    }


def test_cni_config_port_mapper_wraps_the_bridge():
    config = cni_config(allocate(DUAL, MEMBERS), "a1", "dcos", port_mapper=True)
    assert config["type"] == "mesos-cni-port-mapper"
    assert config["excludeDevices"] == ["m-dcos"]
    assert config["delegate"]["type"] == "bridge"
    assert config["delegate"]["ipam"]["ranges"][0] == [{"subnet": "9.0.1.0/25"}]


def test_error_cni_config_on_a_master():
    with pytest.raises(AllocationError, match=r"overlay: 'dcos' has no Mesos bridge on m1"):
        cni_config(allocate(DUAL, MEMBERS), "m1", "dcos")
