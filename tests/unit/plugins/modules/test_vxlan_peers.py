# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""vxlan_peers on recorded iproute2 answers: adds, changes, purges, order, check mode, errors."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._vxlan import VxlanPeers

from .fakes import Failed, FakeModule, recorded_json, vtep_answers

# The one peer the recorded VTEP knows.
MASTER = {"name": "master-1", "vtep_ip": "44.128.0.1", "vtep_ip6": "fd01:a::1", "mac": "70:b3:d5:80:00:01",
          "underlay_ip": "198.19.10.10", "subnets": ["9.0.0.0/24", "fd01:b::/80"]}
AGENT3 = {"name": "agent-3", "vtep_ip": "44.128.0.4/20", "vtep_ip6": "fd01:a::4/64", "mac": "70:b3:d5:80:00:04",
          "underlay_ip": "198.19.10.23", "subnets": ["9.0.3.0/24", "fd01:b:0:0:3::/80"]}


def run(peers, check=False, diff=False, answers=None, purge=True):
    module = FakeModule({"device": "vtep1024", "peers": peers, "purge": purge}, check_mode=check, diff=diff,
                        answers=answers if answers is not None else vtep_answers())
    return module, VxlanPeers(module.params, module).run()


def entries(result, action=None):
    return [(c["kind"], c["key"]) for c in result["changes"] if action is None or c["action"] == action]


def test_converged_peers_change_nothing():
    module, result = run([MASTER])
    assert not result["changed"] and module.applied == []


def test_new_peer_is_added_fdb_then_neighbours_then_routes():
    module, result = run([MASTER, AGENT3])
    assert entries(result, "add") == [("fdb", "70:b3:d5:80:00:04"), ("neighbour", "44.128.0.4"),
                                      ("neighbour", "fd01:a::4"), ("route4", "9.0.3.0/24"),
                                      ("route6", "fd01:b:0:0:3::/80")]
    assert module.applied == [
        "/sbin/bridge fdb replace 70:b3:d5:80:00:04 dev vtep1024 dst 198.19.10.23 self permanent",
        "/sbin/ip neigh replace 44.128.0.4 lladdr 70:b3:d5:80:00:04 dev vtep1024 nud permanent",
        "/sbin/ip neigh replace fd01:a::4 lladdr 70:b3:d5:80:00:04 dev vtep1024 nud permanent",
        "/sbin/ip route replace 9.0.3.0/24 via 44.128.0.4 dev vtep1024 proto 121",
        "/sbin/ip route replace fd01:b:0:0:3::/80 via fd01:a::4 dev vtep1024 proto 121",
    ]


def test_the_plan_is_applied_in_one_process_per_binary():
    module, _result = run([MASTER, AGENT3])
    # The forwarding entry, then the neighbours and the routes: one bridge, one ip process.
    assert module.ran == ["/sbin/bridge fdb replace 70:b3:d5:80:00:04 dev vtep1024 dst 198.19.10.23 self permanent",
                          "/sbin/ip -batch -"]
    assert len(module.stdin[1].splitlines()) == 4


def test_a_batch_line_that_fails_is_named():
    module = FakeModule({"device": "vtep1024", "peers": [MASTER, AGENT3], "purge": True}, answers=vtep_answers())
    module.fail_with = ("/sbin/ip -batch -", 2, "RTNETLINK answers: Invalid argument\nCommand failed -:3\n")
    with pytest.raises(Failed) as failed:
        VxlanPeers(module.params, module).run()
    assert str(failed.value).startswith(
        "/sbin/ip route replace 9.0.3.0/24 via 44.128.0.4 dev vtep1024 proto 121 failed: RTNETLINK answers")


def test_a_peer_that_left_is_purged_routes_first():
    module, result = run([])
    assert entries(result, "remove") == [("route4", "9.0.0.0/24"), ("route6", "fd01:b::/80"),
                                         ("neighbour", "44.128.0.1"), ("neighbour", "fd01:a::1"),
                                         ("fdb", "70:b3:d5:80:00:01")]
    assert module.applied[-1] == "/sbin/bridge fdb del 70:b3:d5:80:00:01 dev vtep1024 dst 198.19.10.10 self"


def test_without_purge_nothing_is_removed():
    module, result = run([], purge=False)
    assert not result["changed"]


def test_a_neighbour_changed_by_hand_is_replaced():
    answers = vtep_answers()
    neigh = recorded_json("neigh.json")
    neigh[0]["lladdr"] = "70:b3:d5:80:0f:0f"
    answers["/sbin/ip -j neigh show dev vtep1024 nud permanent"] = (0, json.dumps(neigh), "")
    module, result = run([MASTER], answers=answers)
    assert [(c["kind"], c["action"], c["before"], c["after"]) for c in result["changes"]] == [
        ("neighbour", "change", "70:b3:d5:80:0f:0f", "70:b3:d5:80:00:01")]


def test_a_second_fdb_destination_is_removed():
    answers = vtep_answers()
    fdb = recorded_json("fdb.json") + [{"mac": "70:b3:d5:80:00:01", "dst": "198.18.0.200", "flags": ["self"],
                                        "state": "permanent"}]
    answers["/sbin/bridge -j fdb show dev vtep1024"] = (0, json.dumps(fdb), "")
    module, result = run([MASTER], answers=answers)
    assert module.applied == ["/sbin/bridge fdb del 70:b3:d5:80:00:01 dev vtep1024 dst 198.18.0.200 self"]


def test_check_mode_on_a_device_that_does_not_exist_yet_plans_every_entry():
    module, result = run([MASTER], check=True, answers=vtep_answers(missing=True))
    assert len(result["changes"]) == 5 and all(c["action"] == "add" for c in result["changes"])
    assert module.applied == []


def test_a_device_that_does_not_exist_is_an_error_outside_check_mode():
    with pytest.raises(ParameterError, match=r"device: 'vtep1024': there is no such device"):
        run([MASTER], answers=vtep_answers(missing=True))


def test_diff_lists_entries_before_and_after():
    module, result = run([MASTER, AGENT3], check=True, diff=True)
    assert "route4 9.0.3.0/24: 44.128.0.4" in result["diff"]["after"]
    assert result["diff"]["before"] == ""


@pytest.mark.parametrize("peers, message", [
    ([dict(MASTER, vtep_ip="44.128.0.2")], r"peers\[0\] \(master-1\).vtep_ip: '44.128.0.2' is an address of vtep1024"),
    ([MASTER, dict(AGENT3, vtep_ip="44.128.0.1")], r"peers\[1\] \(agent-3\).vtep_ip: '44.128.0.1' is listed for two"),
    ([MASTER, dict(AGENT3, subnets=["9.0.0.0/24"])], r"peers\[1\] \(agent-3\).subnets: '9.0.0.0/24' is routed to two"),
    ([dict(MASTER, vtep_ip6=None)], r"'fd01:b::/80' is IPv6 but the peer has no vtep_ip6"),
    ([dict(MASTER, mac="zz")], r"peers\[0\] \(master-1\).mac: 'zz' is not a MAC address"),
    ([dict(MASTER, subnets=["9.0.0.1/24"])], r"subnets: '9.0.0.1/24' is not a network in CIDR form"),
])
def test_bad_peers_fail_before_any_change(peers, message):
    module = FakeModule({"device": "vtep1024", "peers": peers, "purge": True}, answers=vtep_answers())
    with pytest.raises(ParameterError, match=message):
        VxlanPeers(module.params, module).run()
    assert module.applied == []
