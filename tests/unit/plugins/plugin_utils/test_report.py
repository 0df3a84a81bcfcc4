# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The verify playbook's tables and the likely causes it names."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate
from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import AllocationError
from ansible_collections.mesos.overlay.plugins.plugin_utils._report import (
    allocation_table, changes_of, connectivity_report, probe_plan)

NETWORK = {"vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}]}
ALLOCATION = allocate(NETWORK, [{"name": "m1", "ip": "192.0.2.1", "role": "master"},
                                {"name": "a1", "ip": "192.0.2.2", "role": "agent"},
                                {"name": "a2", "ip": "192.0.2.3", "role": "agent"}])


def test_allocation_table_lists_every_host_masters_first():
    members, overlays = allocation_table(ALLOCATION).split("\n\n")
    lines = members.splitlines()
    assert lines[0].split() == ["host", "role", "underlay", "vtep", "vtep6", "mac"]
    assert [line.split()[0] for line in lines[2:]] == ["m1", "a1", "a2"]
    assert "70:b3:d5:80:00:02" in lines[3]
    rows = [line.split() for line in overlays.splitlines()[2:]]
    assert rows == [["m1", "dcos", "9.0.0.0/24", "-", "-"], ["a1", "dcos", "9.0.1.0/24", "9.0.1.0/25", "9.0.1.128/25"],
                    ["a2", "dcos", "9.0.2.0/24", "9.0.2.0/25", "9.0.2.128/25"]]


def test_allocation_table_of_a_dual_stack_lab_fits_120_columns():
    network = {"vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
               "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24, "subnet6": "fd01:b::/64",
                             "prefix6": 80},
                            {"name": "policed", "subnet": "10.10.0.0/16", "prefix": 24, "subnet6": "fd01:c::/64",
                             "prefix6": 80}]}
    members = ([{"name": "master-1", "ip": "198.19.50.10", "role": "master"}]
               + [{"name": "agent-%d" % i, "ip": "198.19.50.2%d" % i, "role": "agent"} for i in (1, 2, 3)])
    first = allocate(network, members)
    # The second overlay switched off after the allocation: its slices stay, marked off.
    network["overlays"][1]["enabled"] = False
    table = allocation_table(allocate(network, members, state=first["state"]))
    assert max(len(line) for line in table.splitlines()) <= 120, table
    overlays = table.split("\n\n")[1].splitlines()
    # One row per host, overlay and family: the IPv6 row has no host or overlay of its own.
    assert len(overlays) == 2 + 4 * 2 * 2
    assert overlays[2].split()[:2] == ["master-1", "dcos"] and overlays[3].split()[0].startswith("fd01:b:")
    assert any(line.split()[1:3] == ["policed", "(off)"] for line in overlays[2:] if line.startswith("agent-1"))


def test_probe_plan_covers_vtep_mtu_and_docker_bridges():
    plan = probe_plan(ALLOCATION, "a1", vtep_mtu=1450)
    kinds = sorted((p["to"], p["kind"]) for p in plan)
    assert kinds == [("a2", "docker dcos"), ("a2", "mtu"), ("a2", "mtu+1"), ("a2", "vtep"), ("a2", "vtep6"),
                     ("m1", "mtu"), ("m1", "mtu+1"), ("m1", "vtep"), ("m1", "vtep6")]
    mtu = [p for p in plan if p["to"] == "a2" and p["kind"] == "mtu"][0]
    assert mtu["argv"] == ["ping", "-c", "1", "-W", "2", "-M", "do", "-s", "1422", "44.128.0.3"]
    assert [p for p in plan if p["kind"] == "mtu+1"][0]["expect_ok"] is False
    assert [p for p in plan if p["kind"] == "docker dcos"][0]["target"] == "9.0.2.129"


def results(host, plan, failing=(), source="probe"):
    """What the probes module returns for ``plan`` on ``host``, the probes of ``failing`` failed."""
    return {host: [dict(probe, ok=(probe["to"], probe["kind"]) not in failing, source=source) for probe in plan]}


def test_all_good_gives_an_all_ok_matrix():
    probes = {}
    for host in ("m1", "a1", "a2"):
        probes.update(results(host, probe_plan(ALLOCATION, host)))
    report = connectivity_report(probes, ALLOCATION)
    assert report["broken"] == []
    assert "FAIL" not in report["matrix"]
    assert report["summary"].splitlines()[0] == ("3 hosts, 28 probes (0 answered by the host daemons' peer health): "
                                                 "every pair connected, every host as allocated")


def test_the_summary_puts_the_failures_before_the_matrix_and_counts_the_daemons_answers():
    probes = results("a1", probe_plan(ALLOCATION, "a1"), failing={("a2", "mtu")}, source="daemon")
    probes.update(results("a2", probe_plan(ALLOCATION, "a2")))
    report = connectivity_report(probes, ALLOCATION, mtu=1450, expected=["m1", "a1", "a2"])
    lines = report["summary"].splitlines()
    assert lines[0] == "3 hosts, 18 probes (9 answered by the host daemons' peer health): 3 broken"
    assert lines[1].startswith("  a1 -> a2: mtu 44.128.0.3 failed") and lines[2].startswith("  m1 -> a1: no probe ran")
    assert report["summary"].endswith(report["matrix"])


def test_a_result_that_is_not_the_probes_module_s_is_refused_naming_it():
    with pytest.raises(AllocationError, match=r"probes\[a1\]\[0\]: .* is not a result of the probes module"):
        connectivity_report({"a1": [{"item": {}, "rc": 0}]}, ALLOCATION)


def test_missing_peer_entry_is_named_as_the_cause():
    probes = results("a1", probe_plan(ALLOCATION, "a1"), failing={("a2", "vtep"), ("a2", "vtep6"), ("a2", "mtu")})
    drift = {"a1": {"peers": [{"kind": "neighbour", "key": "44.128.0.3", "action": "add", "before": None,
                               "after": "70:b3:d5:80:00:03"}], "vtep": [], "agent": []}}
    report = connectivity_report(probes, ALLOCATION, drift=drift)
    assert len(report["broken"]) == 2
    assert report["broken"][1] == "a1 differs from the allocation: peers neighbour 44.128.0.3: None -> 70:b3:d5:80:00:03"
    assert report["broken"][0].startswith("a1 -> a2: vtep 44.128.0.3")
    assert "likely cause: missing or wrong peer entry for a2 on a1" in report["broken"][0]


def test_mtu_only_failure_is_named_mtu():
    probes = results("a1", probe_plan(ALLOCATION, "a1"), failing={("a2", "mtu")})
    report = connectivity_report(probes, ALLOCATION, mtu=1450)
    assert "likely cause: MTU: a packet of the full VTEP MTU (1450)" in report["broken"][0]


def test_bridges_unreachable_but_vtep_fine_is_named_firewall():
    probes = results("a1", probe_plan(ALLOCATION, "a1"), failing={("a2", "docker dcos")})
    report = connectivity_report(probes, ALLOCATION)
    assert "likely cause: firewall or forwarding on a2" in report["broken"][0]


def test_nothing_answers_is_named_underlay():
    failing = {("a2", k) for k in ("vtep", "vtep6", "mtu", "docker dcos")}
    report = connectivity_report(results("a1", probe_plan(ALLOCATION, "a1"), failing=failing), ALLOCATION)
    assert "likely cause: underlay or firewall: VXLAN packets between a1 and a2 do not arrive" in report["broken"][0]
    # a2's row and column: a1 -> a2 failed 4 of its 5 probes; the cell says so and no more.
    assert report["matrix"].splitlines()[2].split() == ["a1", ".", "FAIL", "4/5", "ok"]


def test_removals_alone_are_not_a_missing_peer_entry():
    probes = results("a1", probe_plan(ALLOCATION, "a1"), failing={("a2", "vtep"), ("a2", "vtep6"), ("a2", "mtu")})
    drift = {"a1": {"peers": [{"kind": "neighbour", "key": "44.128.0.3", "action": "remove",
                               "before": "70:b3:d5:80:00:03", "after": None}], "vtep": [], "agent": []}}
    report = connectivity_report(probes, ALLOCATION, drift=drift)
    assert "missing or wrong peer entry" not in report["broken"][0]


def test_vtep_drift_is_named_with_its_reason():
    probes = results("a1", probe_plan(ALLOCATION, "a1"), failing={("a2", "vtep")})
    drift = {"a2": {"vtep": [{"kind": "device", "key": "vtep1024", "action": "change", "before": {"vni": 1025},
                              "after": {"vni": 1024}, "reason": "vni: 1025 -> 1024"}], "peers": [], "agent": []}}
    report = connectivity_report(probes, ALLOCATION, drift=drift)
    assert "the VTEP of a2 differs from the allocation (vni: 1025 -> 1024)" in report["broken"][0]


def all_probes():
    probes = {}
    for host in ("m1", "a1", "a2"):
        probes.update(results(host, probe_plan(ALLOCATION, host)))
    return probes


def test_drift_breaks_verify_even_when_every_ping_passes():
    drift = {"a2": changes_of({"cni": {"changed": True, "results": [
        {"changed": True, "item": {"key": "/var/lib/mesos/cni/config/dcos.conf"}, "dest": "/var/lib/mesos/cni/config/dcos.conf"}]},
        "vtep": {"changed": False}, "peers": {"skipped": True}})}
    report = connectivity_report(all_probes(), ALLOCATION, drift=drift, expected=["m1", "a1", "a2"])
    assert report["broken"] == ["a2 differs from the allocation: cni /var/lib/mesos/cni/config/dcos.conf"]


def test_a_missing_pair_is_broken():
    probes = {host: value for host, value in all_probes().items() if host != "a2"}
    report = connectivity_report(probes, ALLOCATION, expected=["m1", "a1", "a2"])
    assert "a2 -> a1: no probe ran (is a2 down, or without an allocation?)" in report["broken"]
    assert "a2 -> m1: no probe ran (is a2 down, or without an allocation?)" in report["broken"]


def test_an_empty_matrix_is_broken():
    assert connectivity_report({}, ALLOCATION)["broken"] == ["no pair of hosts was probed: an empty matrix proves nothing"]


def test_changes_of_summarises_each_area():
    summary = changes_of({
        "vtep": {"changed": True, "changes": [{"kind": "mtu", "key": "vtep1024", "action": "change"}]},
        "firewall": {"changed": True, "results": [
            {"changed": False, "item": {"name": "MESOS-OVERLAY-VXLAN"}},
            {"changed": True, "item": {"name": "MESOS-OVERLAY-NAT"},
             "changes": [{"kind": "chain", "key": "ipv4 nat MESOS-OVERLAY-NAT", "action": "change"}]}]},
        "docker": {"changed": False},
    })
    assert summary == {"docker": [], "firewall": ["MESOS-OVERLAY-NAT: change chain ipv4 nat MESOS-OVERLAY-NAT"],
                       "vtep": [{"kind": "mtu", "key": "vtep1024", "action": "change"}]}


def test_an_ipv6_only_overlay_is_probed_on_its_ipv6_docker_gateway():
    config = {"vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
              "overlays": [{"name": "dcos6", "subnet6": "fd01:b::/64", "prefix6": 80}]}
    members = [{"name": "a1", "ip": "192.0.2.2", "role": "agent"}, {"name": "a2", "ip": "192.0.2.3", "role": "agent"}]
    plan = probe_plan(allocate(config, members), "a1")
    assert [p["target"] for p in plan if p["kind"] == "docker dcos6"] == ["fd01:b::1:8000:0:1"]


def test_the_table_shows_an_ipv6_only_overlay():
    config = {"vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
              "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24},
                           {"name": "dcos6", "subnet6": "fd01:b::/64", "prefix6": 80}]}
    table = allocation_table(allocate(config, [{"name": "a1", "ip": "192.0.2.2", "role": "agent"}]))
    rows = [row.split() for row in table.split("\n\n")[1].splitlines()[2:]]
    assert rows == [["a1", "dcos", "9.0.0.0/24", "9.0.0.0/25", "9.0.0.128/25"],
                    ["a1", "dcos6", "fd01:b::/80", "fd01:b::/81", "fd01:b::8000:0:0/81"]]
