# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The dataplane module's group_policy step on a recorded nftables table (record.sh: the demo
policy on agent a1, members 9.0.1.2, 9.0.1.3 and fd01:b::1:0:0:2 in group 100)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import options as step_options
from ansible_collections.mesos.overlay.plugins.module_utils._nftables import (
    GroupPolicy, parse_listing, policy_packets, read_members)
from ansible_collections.mesos.overlay.plugins.plugin_utils import _allocation, _policy, _render, _view

from .fakes import FakeModule, recorded

NETWORK = {"vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24, "subnet6": "fd01:b::/64", "prefix6": 80}]}
DEMO = {"groups": {"web": 100, "db": 200}, "overlays": {"dcos": {"default": "deny", "rules": [
    {"from": "web", "to": "web"}, {"from": "web", "to": "db"}]}}}
LIST = "/sbin/nft list table inet mesos_overlay"


def options(policy, members_dir, host="a1"):
    allocation = _allocation.allocate(NETWORK, [{"name": "m1", "ip": "198.19.10.10", "role": "master"},
                                                {"name": "a1", "ip": "198.19.10.21", "role": "agent"}])
    view = _view.host_view(allocation, host, peers=False)
    table = _render.dataplane(view, {"group_policy": _policy.group_policy(policy, NETWORK),
                                     "members_dir": str(members_dir)})["group_policy"]
    # With the plane's defaults, as the dataplane module runs the step.
    return step_options("group_policy", table)


def record(directory, name, group, addresses):
    directory.mkdir(exist_ok=True)
    (directory / (name + ".json")).write_text(json.dumps({"group": group, "addresses": addresses}))


@pytest.fixture(name="members")
def fixture_members(tmp_path):
    directory = tmp_path / "members"
    record(directory, "cni-c1-eth0", 100, ["9.0.1.2", "fd01:b::1:0:0:2"])
    record(directory, "docker-abc-dcos", 100, ["9.0.1.3"])
    return directory


def run(params, listing=None, check=False, missing_nft=False):
    answers = {LIST: (0, listing, "") if listing is not None else
               (1, "", "Error: No such file or directory\nlist table inet mesos_overlay\n")}
    module = FakeModule(params, check_mode=check, answers=answers, missing_bins=("nft",) if missing_nft else ())
    module.warnings = []
    module.warn = module.warnings.append
    return module, GroupPolicy(module.params, module).run()


def test_the_recorded_listing_reads_as_chains_and_sets():
    table = parse_listing(recorded("nft-demo.txt"))
    assert table["sets"]["g100_4"] == ["9.0.1.2", "9.0.1.3"] and table["sets"]["g200_4"] == []
    assert table["chains"]["forward"]["hook"] == "type filter hook forward priority filter - 1; policy accept;"
    assert "prerouting" not in table["chains"]
    assert table["chains"]["to_dcos"]["hook"] is None and table["chains"]["to_dcos"]["rules"][-1] == "counter drop"


def test_the_counters_are_read_apart_from_the_rules():
    """A rule compares equal whatever its counter holds; what the counters hold is summed by verdict."""
    counted = parse_listing(recorded("nft-demo-counted.txt"))["chains"]
    plain = parse_listing(recorded("nft-demo.txt"))["chains"]
    assert counted["to_dcos"]["rules"] == plain["to_dcos"]["rules"]
    assert counted["to_dcos"]["counted"] == {"allow": 8 * 7, "deny": 3}
    assert plain["to_dcos"]["counted"] == {"allow": 0, "deny": 0}


def test_policy_packets_reads_each_policed_overlay_s_verdicts(members):
    params = options(DEMO, members)
    module = FakeModule(params, answers={LIST: (0, recorded("nft-demo-counted.txt"), "")})
    assert policy_packets(module, params) == {"dcos": {"allow": 56, "deny": 3}}
    # No table (a host whose policy has just gone), no nft, no policy: nothing to count.
    module = FakeModule(params, answers={LIST: (1, "", "Error: No such file or directory")})
    assert policy_packets(module, params) == {}
    assert policy_packets(FakeModule(params, missing_bins=("nft",)), params) == {}
    assert policy_packets(module, dict(params, state="absent")) == {}


def test_a_converged_table_changes_nothing(members):
    """What the engine renders compares equal to what nft prints: a converged host runs no nft command."""
    module, result = run(options(DEMO, members), recorded("nft-demo.txt"))
    assert not result["changed"] and module.ran == []


def test_a_new_table_is_one_nft_transaction_with_the_members(members):
    module, result = run(options(DEMO, members))
    assert module.ran == ["/sbin/nft -f -"]
    script = module.stdin[0].splitlines()
    assert script[0] == "add table inet mesos_overlay"
    # Chains exist before any rule jumps to them.
    last_chain = max(i for i, line in enumerate(script) if line.startswith("add chain"))
    first_rule = min(i for i, line in enumerate(script) if line.startswith("add rule"))
    assert last_chain < first_rule
    assert "add element inet mesos_overlay g100_4 { 9.0.1.3 }" in script
    assert "add element inet mesos_overlay g100_6 { fd01:b::1:0:0:2 }" in script


def test_a_member_without_a_record_is_removed_and_a_new_one_added(tmp_path):
    directory = tmp_path / "members"
    record(directory, "cni-c1-eth0", 100, ["9.0.1.2", "fd01:b::1:0:0:2"])
    record(directory, "cni-c9-eth0", 200, ["9.0.1.9"])
    module, result = run(options(DEMO, directory), recorded("nft-demo.txt"))
    assert [(c["kind"], c["key"], c["action"]) for c in result["changes"]] == [
        ("member", "g100_4 9.0.1.3", "remove"), ("member", "g200_4 9.0.1.9", "add"),
        ("mark", "marks4 9.0.1.3", "remove"), ("mark", "marks4 9.0.1.9", "add")]
    assert module.stdin[0] == ("delete element inet mesos_overlay g100_4 { 9.0.1.3 }\n"
                               "add element inet mesos_overlay g200_4 { 9.0.1.9 }\n"
                               "delete element inet mesos_overlay marks4 { 9.0.1.3 }\n"
                               "add element inet mesos_overlay marks4 { 9.0.1.9 : 0x000000c8 }\n")


def test_an_address_that_changes_group_leaves_the_mark_map_before_it_joins_again(tmp_path):
    """The kernel refuses to add a key a map holds: the old mark goes first, in the same transaction."""
    directory = tmp_path / "members"
    record(directory, "cni-c1-eth0", 100, ["9.0.1.2", "fd01:b::1:0:0:2"])
    record(directory, "cni-c2-eth0", 200, ["9.0.1.3"])
    module, result = run(options(DEMO, directory), recorded("nft-demo.txt"))
    assert module.stdin[0] == ("delete element inet mesos_overlay g100_4 { 9.0.1.3 }\n"
                               "add element inet mesos_overlay g200_4 { 9.0.1.3 }\n"
                               "delete element inet mesos_overlay marks4 { 9.0.1.3 }\n"
                               "add element inet mesos_overlay marks4 { 9.0.1.3 : 0x000000c8 }\n")


def test_a_policy_change_rewrites_the_judging_chain_and_the_generation_in_one_transaction(members):
    closed = {"groups": DEMO["groups"], "overlays": {"dcos": {"default": "deny", "rules": [{"from": 100, "to": 100}]}}}
    module, result = run(options(closed, members), recorded("nft-demo.txt"))
    # The forward chain's shortcut (its rule after the two mark map lookups) carries the new
    # generation: every flow is judged again. Nothing else of the chain changes.
    assert [(c["kind"], c["key"]) for c in result["changes"]] == [("rules", "forward"), ("rules", "to_dcos")]
    forward = result["changes"][0]
    differ = [index for index, (before, after) in enumerate(zip(forward["before"], forward["after"])) if before != after]
    assert differ == [2] and forward["after"][2].startswith("ct mark 0x") and len(forward["before"]) == len(forward["after"])
    assert forward["before"] == parse_listing(recorded("nft-demo.txt"))["chains"]["forward"]["rules"]
    assert module.ran == ["/sbin/nft -f -"]
    script = module.stdin[0].splitlines()
    assert script[-1].endswith("to_dcos counter drop")
    assert not any("@g200" in line for line in script if " to_dcos " in line)


def test_check_mode_reports_and_runs_nothing(members):
    module, result = run(options(DEMO, members), check=True)
    assert result["changed"] and module.ran == []


def test_no_policy_removes_the_table_and_without_nft_there_is_nothing_to_remove(members):
    absent = options({}, members)
    assert absent["state"] == "absent"
    module, result = run(absent, recorded("nft-demo.txt"))
    assert module.stdin == ["delete table inet mesos_overlay\n"] and result["changed"]
    module, result = run(absent, missing_nft=True)
    assert not result["changed"] and module.ran == []


def test_a_policy_without_nft_is_a_clear_error(members):
    with pytest.raises(ParameterError, match=r"nft is not installed .*nftables package"):
        run(options(DEMO, members), missing_nft=True)


def test_a_master_has_no_table(members):
    assert options(DEMO, members, host="m1")["state"] == "absent"


def test_a_broken_record_is_skipped_with_a_warning(tmp_path):
    directory = tmp_path / "members"
    directory.mkdir()
    (directory / "bad.json").write_text("{")
    record(directory, "good", 200, ["fd01:b::1:0:0:9"])
    warnings = []
    assert read_members(str(directory), warn=warnings.append) == {
        "sets": {"g200_6": ["fd01:b::1:0:0:9"]}, "maps": {"marks6": ["fd01:b::1:0:0:9 : 0x000000c8"]}}
    assert "bad.json is not a member record" in warnings[0]


def test_an_address_recorded_in_two_groups_is_marked_with_the_first_records_and_said(tmp_path):
    directory = tmp_path / "members"
    record(directory, "cni-a-eth0", 200, ["9.0.1.7"])
    record(directory, "cni-b-eth0", 100, ["9.0.1.7"])
    warnings = []
    assert read_members(str(directory), warn=warnings.append) == {
        "sets": {"g100_4": ["9.0.1.7"], "g200_4": ["9.0.1.7"]}, "maps": {"marks4": ["9.0.1.7 : 0x000000c8"]}}
    assert len(warnings) == 1 and "cni-b-eth0.json records 9.0.1.7 in group 100" in warnings[0] \
        and "marked with group 200" in warnings[0]


def test_a_table_of_an_earlier_5_0_build_is_rewritten_in_one_transaction(members):
    """A host whose table an earlier 5.0 build wrote (marking by a chain of a rule per group, which
    a prerouting chain or the forward chain jumped to; no mark maps): the maps are made and
    filled, the forward chain rewritten, the old chains emptied and deleted after the rules that
    jumped to them, in one nft transaction; a second run changes nothing."""
    now = recorded("nft-demo.txt")
    maps = now[now.index("\tmap marks4 {"):now.index("\tchain forward {")]
    earlier = now.replace(maps, "").replace(
        "\t\tmeta mark set ip saddr map @marks4\n\t\tmeta mark set ip6 saddr map @marks6\n",
        "\t\tiifname != \"vtep1024\" ip saddr 9.0.0.0/8 jump marking\n"
        "\t\tiifname != \"vtep1024\" ip6 saddr fd01:b::/64 jump marking\n").replace(
        "\tchain forward {",
        "\tchain prerouting {\n\t\ttype filter hook prerouting priority mangle; policy accept;\n"
        "\t\tiifname \"vtep1024\" accept\n\t\tip saddr 9.0.0.0/8 jump marking\n\t}\n\n"
        "\tchain marking {\n\t\tip saddr @g100_4 meta mark set 0x00000064\n"
        "\t\tip6 saddr @g100_6 meta mark set 0x00000064\n\t}\n\n\tchain forward {", 1)
    listed = parse_listing(earlier)
    assert {"prerouting", "marking"} <= set(listed["chains"]) and listed["maps"] == {}
    module, result = run(options(DEMO, members), earlier)
    assert module.ran == ["/sbin/nft -f -"]
    script = module.stdin[0].splitlines()
    assert script[:2] == ["add map inet mesos_overlay marks4 { type ipv4_addr : mark; }",
                          "add map inet mesos_overlay marks6 { type ipv6_addr : mark; }"]
    assert script.index("flush chain inet mesos_overlay forward") < script.index("delete chain inet mesos_overlay marking")
    assert "delete chain inet mesos_overlay prerouting" in script
    assert script[-3:] == ["add element inet mesos_overlay marks4 { 9.0.1.2 : 0x00000064 }",
                           "add element inet mesos_overlay marks4 { 9.0.1.3 : 0x00000064 }",
                           "add element inet mesos_overlay marks6 { fd01:b::1:0:0:2 : 0x00000064 }"]
    # What it leaves is the table of today's build: nothing more to do.
    module, result = run(options(DEMO, members), now)
    assert not result["changed"] and module.ran == []
