# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The group policy as data: validation, verdicts, the matrix, the host's table, the CNI wrapping."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import options as step_options
from ansible_collections.mesos.overlay.plugins.module_utils._nftables import policy_chains, policy_generation
from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import AllocationError, allocate
from ansible_collections.mesos.overlay.plugins.plugin_utils._policy import group_policy, group_table, verdict
from ansible_collections.mesos.overlay.plugins.plugin_utils._render import cni_config, cni_files, dataplane
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view

NETWORK = {"vtep_subnet": "44.128.0.0/20", "vtep_subnet6": "fd01:a::/64", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24, "subnet6": "fd01:b::/64", "prefix6": 80},
                        {"name": "vxlan-2", "subnet": "192.168.128.0/17", "prefix": 24}]}
DEMO = {"groups": {"web": 100, "dns": 100, "db": 200},
        "overlays": {"dcos": {"default": "deny", "rules": [{"from": "web", "to": "web"}, {"from": "dns", "to": "db"}]}}}


def view(name="a1"):
    allocation = allocate(NETWORK, [{"name": "m1", "ip": "10.0.0.1", "role": "master"},
                                    {"name": "a1", "ip": "10.0.0.2", "role": "agent"}])
    return host_view(allocation, name, peers=False)


def test_the_demo_normalised_names_to_numbers_in_one_place():
    policy = group_policy(DEMO, NETWORK)
    assert policy["groups"] == {"db": 200, "dns": 100, "web": 100}
    assert policy["overlays"]["dcos"] == {"default": "deny", "rules": [
        {"from": 100, "to": 100, "action": "allow"}, {"from": 100, "to": 200, "action": "allow"}]}
    assert policy["numbers"] == [100, 200] and policy["gbp"] is True


def test_no_policy_is_off():
    assert group_policy({}, NETWORK) == {"groups": {}, "overlays": {}, "numbers": [], "gbp": False}
    assert group_policy(None, NETWORK)["gbp"] is False


@pytest.mark.parametrize("policy, message", [
    ({"overlays": {"dcos": {"default": "deny", "rules": [
        {"from": "web", "to": "db"}, {"from": 100, "to": "db", "action": "deny"}]}},
      "groups": {"web": 100, "db": 200}},
     r"overlays.dcos.rules\[1\]: .* denies 100 -> 200, which rules\[0\] allows"),
    ({"overlays": {"dcos6": {}}}, r"overlays: 'dcos6' is not an overlay of mesos_overlay_network \(dcos, vxlan-2\)"),
    ({"groups": {"web": 100}, "overlays": {"dcos": {"rules": [{"from": "wbe", "to": 100}]}}},
     r"rules\[0\].from: 'wbe' is not a group number 1-65535 nor a name of mesos_overlay_group_policy.groups \(web=100\)"),
    ({"overlays": {"dcos": {"rules": [{"from": 0, "to": 100}]}}}, r"rules\[0\].from: 0 is out of range 1-65535"),
    ({"overlays": {"dcos": {"rules": [{"from": 70000, "to": 100}]}}}, r"70000 is out of range"),
    ({"overlays": {"dcos": {"default": "block"}}}, r"overlays.dcos.default: 'block' must be allow or deny"),
    ({"overlays": {"dcos": {"rules": [{"from": 1, "to": 2, "verdict": "deny"}]}}},
     r"rules\[0\]: \['verdict'\] are not keys of a rule \(from, to, action\)"),
    ({"overlays": {"dcos": {"rules": [{"from": 1}]}}}, r"rules\[0\].to: None is required"),
    ({"groups": {"web": "x"}}, r"groups.web: 'x' is not a group number"),
    ({"groups": {"1web": 1}}, r"groups: '1web' is not a group name"),
    ({"policy": {}}, r"mesos_overlay_group_policy: \['policy'\] are not keys of the group policy"),
])
def test_bad_policies_name_the_field_and_the_value(policy, message):
    with pytest.raises(AllocationError, match=message):
        group_policy(policy, NETWORK)


def test_a_repeated_rule_with_the_same_action_is_kept_once():
    policy = group_policy({"overlays": {"dcos": {"rules": [{"from": 1, "to": 2}, {"from": "1", "to": 2}]}}}, NETWORK)
    assert policy["overlays"]["dcos"]["rules"] == [{"from": 1, "to": 2, "action": "allow"}]


def test_verdicts_no_group_and_unnamed_groups_follow_the_default():
    policy = group_policy(DEMO, NETWORK)
    assert verdict(policy, "dcos", 100, 200) == "allow"
    assert verdict(policy, "dcos", 200, 100) == "deny"
    assert verdict(policy, "dcos", 0, 100) == "deny" and verdict(policy, "dcos", 0, 0) == "deny"
    assert verdict(policy, "dcos", 300, 300) == "deny"
    assert verdict(policy, "vxlan-2", 200, 100) is None
    open_policy = group_policy({"overlays": {"dcos": {"default": "allow", "rules": [
        {"from": 200, "to": 100, "action": "deny"}]}}}, NETWORK)
    assert verdict(open_policy, "dcos", 100, 200) == "allow" and verdict(open_policy, "dcos", 200, 100) == "deny"
    assert verdict(open_policy, "dcos", 0, 100) == "allow"


def test_the_agent_table_judges_by_direction_and_ends_with_the_default():
    table = group_table(group_policy(DEMO, NETWORK), view())
    # The controller decides as data; the host writes it as nft rules.
    chains = {chain["name"]: chain for chain in policy_chains(step_options("group_policy", table))}
    assert table["state"] == "present" and table["groups"] == [100, 200]
    assert chains["to_dcos"]["rules"][-1] == "counter drop"
    # Every forwarded packet's sender is looked up once per family in the mark map (local members
    # only: a decapsulated packet carries its group), first, whatever the number of groups; the
    # host's own traffic and the VXLAN packets are not forwarded. There is no other hook.
    marking = ["meta mark set ip saddr map @marks4", "meta mark set ip6 saddr map @marks6"]
    assert chains["forward"]["rules"][:2] == marking
    assert [chain["name"] for chain in chains.values() if chain["hook"]] == ["forward"]
    assert set(chains) == {"forward", "to_dcos"}
    # An allowed flow is marked with the policy's generation; its later packets pass at the
    # rule after marking, unjudged (every packet is still marked with its group).
    generation = policy_generation(step_options("group_policy", table)) << 16
    allow = "counter ct mark set ct mark & 0x%08x | 0x%08x accept" % (generation | 0xFFFF, generation)
    assert ("ct direction reply meta mark & 0x0000ffff == 0x000000c8 ip daddr @g100_4 " + allow
            in chains["to_dcos"]["rules"])
    assert chains["forward"]["rules"][2] == "ct mark 0x%08x/16 accept" % generation
    # Only the policed overlay is judged, and only where the receiver is (not on the way out).
    assert all(rule.startswith('oifname != "vtep1024" ') and "jump to_dcos" in rule
               for rule in chains["forward"]["rules"][3:])
    assert not any("192.168.128.0/17 ip saddr" in rule and "daddr 192.168.128.0/17" in rule
                   for rule in chains["forward"]["rules"])
    # Hosts are judged when they open a flow; their replies to a container's flow pass.
    assert ('oifname != "vtep1024" ip daddr 9.0.0.0/8 ip saddr 44.128.0.0/20 ct direction original jump to_dcos'
            in chains["forward"]["rules"])


def test_rules_equal_to_the_default_add_nothing():
    policy = group_policy({"overlays": {"dcos": {"default": "allow", "rules": [{"from": 1, "to": 2}]}}}, NETWORK)
    chains = {chain["name"]: chain for chain in policy_chains(step_options("group_policy", group_table(policy, view())))}
    generation = policy_generation(step_options("group_policy", group_table(policy, view()))) << 16
    assert chains["to_dcos"]["rules"] == ["counter ct mark set ct mark & 0x%08x | 0x%08x accept"
                                          % (generation | 0xFFFF, generation)]


def test_a_policy_change_changes_the_generation_and_the_members_do_not():
    """A new generation makes every existing flow be judged again: what a change denies stops."""
    demo = step_options("group_policy", group_table(group_policy(DEMO, NETWORK), view()))
    closed = dict(demo, overlays=[dict(demo["overlays"][0], rules=demo["overlays"][0]["rules"][:1])])
    assert policy_generation(demo) != policy_generation(closed)
    assert policy_generation(demo) == policy_generation(dict(demo, members_dir="/elsewhere"))
    assert 1 <= policy_generation(demo) <= 0xFFFF


def test_masters_and_unpoliced_agents_have_no_table_but_every_vtep_carries_groups():
    policy = group_policy(DEMO, NETWORK)
    assert group_table(policy, view("m1"))["state"] == "absent"
    plane = dataplane(view("m1"), {"group_policy": policy})
    assert plane["vxlan_link"]["gbp"] is True and plane["group_policy"]["state"] == "absent"
    unpoliced = group_policy({"overlays": {"vxlan-2": {"default": "deny"}}}, NETWORK)
    assert group_table(unpoliced, dict(view(), enabled=["dcos"]))["state"] == "absent"
    # Without the setting (callers from before group policy) neither is managed.
    plane = dataplane(view(), {})
    assert plane["vxlan_link"]["gbp"] is False and "group_policy" not in plane


def test_a_policed_overlay_wraps_its_cni_config_and_keeps_the_real_plugin_whole():
    policy = group_policy(DEMO, NETWORK)
    bare = cni_config(view(), "dcos")
    wrapped = cni_config(view(), "dcos", group_policy=policy)
    assert wrapped["type"] == "mesos-overlay-groups" and wrapped["cniVersion"] == "0.2.0"
    assert wrapped["groups"] == {"db": 200, "dns": 100, "web": 100} and wrapped["label"] == "mesos.overlay.group"
    assert dict(wrapped["delegate"], name="dcos", cniVersion="0.2.0") == bare
    mapped = cni_config(view(), "dcos", port_mapper=True, group_policy=policy)
    assert mapped["delegate"]["type"] == "mesos-cni-port-mapper" and mapped["delegate"]["delegate"]["type"] == "bridge"
    assert cni_config(view(), "vxlan-2", group_policy=policy)["type"] == "bridge"
    files = cni_files(view(), "/cni", group_policy=policy)
    assert json.loads(files["/cni/dcos.conf"])["type"] == "mesos-overlay-groups"


def _probe(source_group, target_group, reached, family="ip4"):
    return {"overlay": "dcos", "from": source_group, "to": target_group, "family": family, "source": "agent-1",
            "target": "agent-2", "reached": reached}


def test_the_group_matrix_shows_expected_against_observed_and_names_what_differs():
    from ansible_collections.mesos.overlay.plugins.plugin_utils._report import group_report
    policy = group_policy(DEMO, NETWORK)
    probes = [_probe(100, 100, True), _probe(100, 200, True), _probe(200, 100, False), _probe(0, 100, False)]
    report = group_report(probes, policy)
    assert report["broken"] == []
    lines = report["matrix"].splitlines()
    assert lines[0] == "dcos (rows: from, columns: to)"
    assert lines[1].split() == ["from", "\\", "to", "100", "200", "none"]
    assert lines[3].split() == ["100", "allow", "allow", "-"]
    # A policy that denies what a rule allows, seen on the wire, is an error naming the probe.
    report = group_report(probes + [_probe(100, 200, False, family="ip6"), _probe(200, 100, True, family="ip6")], policy)
    assert report["broken"] == [
        "dcos: group 100 -> 200: the policy allows it, but it was blocked: ip6 agent-1 -> agent-2",
        "dcos: group 200 -> 100: the policy denies it, but it was reached: ip6 agent-1 -> agent-2"]
    assert "mixed (expected allow)" in report["matrix"]


def test_the_probe_plan_and_its_loop_results_make_the_matrix():
    from ansible_collections.mesos.overlay.plugins.plugin_utils._policy import group_probe_plan
    from ansible_collections.mesos.overlay.plugins.plugin_utils._report import group_report
    endpoints = [{"host": host, "overlay": "dcos", "group": group, "netns": "mo-probe-dcos-%d" % group,
                  "ip4": "9.0.%d.%d" % (index, group % 250), "ip6": None}
                 for index, host in enumerate(["agent-1", "agent-2"], 1) for group in (100, 200, 0)]
    plan = group_probe_plan(endpoints, "agent-1")
    assert len(plan) == 9 and all(entry["target"] == "agent-2" and entry["family"] == "ip4" for entry in plan)
    assert plan[0]["argv"] == ["ip", "netns", "exec", "mo-probe-dcos-100", "ping", "-4", "-c", "1", "-W", "1",
                               "9.0.2.100"]
    policy = group_policy(DEMO, NETWORK)
    results = [{"item": entry, "rc": 0 if verdict(policy, "dcos", entry["from"], entry["to"]) == "allow" else 1}
               for entry in plan] + [{"item": {}, "skipped": True}]
    assert group_report(results, policy)["broken"] == []


def test_two_overlays_whose_chains_would_share_a_name_are_refused():
    network = dict(NETWORK, overlays=[{"name": "a-b", "subnet": "10.0.0.0/16", "prefix": 24},
                                      {"name": "a.b", "subnet": "10.1.0.0/16", "prefix": 24}])
    with pytest.raises(AllocationError, match=r"overlays: 'a.b' and 'a-b' name the same nftables chain to_a_b"):
        group_policy({"overlays": {"a-b": {}, "a.b": {}}}, network)
