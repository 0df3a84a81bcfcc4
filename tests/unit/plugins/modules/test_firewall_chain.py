# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""firewall_chain on recorded iptables-save output: the chain owned whole, the jump kept first."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._iptables import FirewallChainModule

from .fakes import FakeModule, recorded

VXLAN = {"name": "MESOS-OVERLAY-VXLAN", "table": "filter",
         "rules": ["-s 198.19.10.10/32 -j ACCEPT", "-s 198.19.10.21/32 -j ACCEPT", "-j DROP"], "rules6": None,
         "jumps": [{"chain": "INPUT", "match": "-p udp -m udp --dport 64000"}], "purge_comment": None,
         "state": "present"}
EMPTY6 = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"


def answers(filter4=None, filter6=EMPTY6, nat4=None):
    return {
        "/sbin/iptables-save -t filter": (0, filter4 if filter4 is not None else recorded("iptables-filter.txt"), ""),
        "/sbin/ip6tables-save -t filter": (0, filter6, ""),
        "/sbin/iptables-save -t nat": (0, nat4 if nat4 is not None else recorded("iptables-nat.txt"), ""),
        "/sbin/ip6tables-save -t nat": (0, EMPTY6.replace("filter", "nat"), ""),
    }


def run(params, check=False, diff=False, reads=None, missing_bins=()):
    module = FakeModule(dict(VXLAN, **params), check_mode=check, diff=diff,
                        answers=reads if reads is not None else answers(), missing_bins=missing_bins)
    return module, FirewallChainModule(module.params, module).run()


def test_converged_chain_changes_nothing():
    module, result = run({})
    assert not result["changed"] and module.ran == []


def test_a_new_member_refills_the_chain_in_one_transaction():
    rules = VXLAN["rules"][:2] + ["-s 198.19.10.23/32 -j ACCEPT", "-j DROP"]
    module, result = run({"rules": rules})
    assert [(c["kind"], c["action"]) for c in result["changes"]] == [("chain", "change")]
    assert module.ran == ["/sbin/iptables-restore -w --noflush"]
    assert module.stdin == ["*filter\n:MESOS-OVERLAY-VXLAN - [0:0]\n"
                            "-A MESOS-OVERLAY-VXLAN -s 198.19.10.10/32 -j ACCEPT\n"
                            "-A MESOS-OVERLAY-VXLAN -s 198.19.10.21/32 -j ACCEPT\n"
                            "-A MESOS-OVERLAY-VXLAN -s 198.19.10.23/32 -j ACCEPT\n"
                            "-A MESOS-OVERLAY-VXLAN -j DROP\nCOMMIT\n"]


def test_check_mode_applies_nothing_and_shows_the_script():
    module, result = run({"rules": ["-j DROP"]}, check=True, diff=True)
    assert result["changed"] and module.ran == []
    assert result["scripts"]["ipv4"].startswith("*filter\n:MESOS-OVERLAY-VXLAN - [0:0]\n")
    assert "chain ipv4 filter MESOS-OVERLAY-VXLAN: -j DROP" in result["diff"]["after"]


def test_a_jump_pushed_down_is_put_back_first():
    saved = recorded("iptables-filter.txt").replace(
        "-A INPUT -p udp", "-A INPUT -j DOCKER-ISH\n-A INPUT -p udp").replace(":OUTPUT", ":DOCKER-ISH - [0:0]\n:OUTPUT")
    module, result = run({}, reads=answers(filter4=saved))
    assert [(c["kind"], c["key"]) for c in result["changes"]] == [("jump", "ipv4 filter INPUT")]
    assert module.stdin == ["*filter\n-D INPUT -p udp -m udp --dport 64000 -j MESOS-OVERLAY-VXLAN\n"
                            "-I INPUT 1 -p udp -m udp --dport 64000 -j MESOS-OVERLAY-VXLAN\nCOMMIT\n"]


def test_a_missing_chain_is_created_with_its_jump_and_rules_of_an_earlier_version_go():
    module, result = run({"name": "MESOS-OVERLAY-FORWARD", "rules": ["-s 9.0.0.0/8 -j ACCEPT"],
                          "rules6": ["-s fd01:b::/64 -j ACCEPT"], "jumps": [{"chain": "FORWARD", "match": ""}],
                          "purge_comment": "mesos-overlay"})
    assert [(c["kind"], c["key"], c["action"]) for c in result["changes"]] == [
        ("chain", "ipv4 filter MESOS-OVERLAY-FORWARD", "add"), ("jump", "ipv4 filter FORWARD", "add"),
        ("rule", "ipv4 filter FORWARD", "remove"),
        ("chain", "ipv6 filter MESOS-OVERLAY-FORWARD", "add"), ("jump", "ipv6 filter FORWARD", "add")]
    assert module.stdin[0] == ('*filter\n:MESOS-OVERLAY-FORWARD - [0:0]\n-A MESOS-OVERLAY-FORWARD -s 9.0.0.0/8 -j ACCEPT\n'
                               '-I FORWARD 1 -j MESOS-OVERLAY-FORWARD\n'
                               '-D FORWARD -s 9.0.0.0/8 -m comment --comment "mesos-overlay dcos" -j ACCEPT\nCOMMIT\n')
    assert module.ran == ["/sbin/iptables-restore -w --noflush", "/sbin/ip6tables-restore -w --noflush"]


DOCKER_FORWARD = recorded("iptables-filter.txt").replace(
    ":OUTPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n:MESOS-OVERLAY-FORWARD - [0:0]").replace(
    "-A FORWARD -s 9.0.0.0/8", "-A FORWARD -j DOCKER-USER\n-A FORWARD -j MESOS-OVERLAY-FORWARD\n-A FORWARD -s 9.0.0.0/8")
FORWARD = {"name": "MESOS-OVERLAY-FORWARD", "rules": [], "rules6": None,
           "jumps": [{"chain": "DOCKER-USER", "match": "", "create": True},
                     {"chain": "FORWARD", "match": "", "first": False}]}


def test_docker_user_gets_the_jump_and_the_forward_jump_may_sit_below_dockers():
    module, result = run(FORWARD, reads=answers(filter4=DOCKER_FORWARD))
    assert [(c["kind"], c["key"], c["action"]) for c in result["changes"]] == [
        ("jump", "ipv4 filter DOCKER-USER", "add")]
    assert module.stdin == ["*filter\n-I DOCKER-USER 1 -j MESOS-OVERLAY-FORWARD\nCOMMIT\n"]


def test_converged_whatever_docker_put_first_in_forward():
    saved = DOCKER_FORWARD.replace("COMMIT", "-A DOCKER-USER -j MESOS-OVERLAY-FORWARD\n-A DOCKER-USER -j RETURN\nCOMMIT")
    module, result = run(FORWARD, reads=answers(filter4=saved))
    assert not result["changed"]


def test_a_missing_docker_user_is_created_before_docker_starts():
    saved = recorded("iptables-filter.txt").replace(":OUTPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]\n:MESOS-OVERLAY-FORWARD - [0:0]")
    module, result = run(FORWARD, reads=answers(filter4=saved))
    assert module.stdin == ["*filter\n:DOCKER-USER - [0:0]\n-I DOCKER-USER 1 -j MESOS-OVERLAY-FORWARD\n"
                            "-I FORWARD 1 -j MESOS-OVERLAY-FORWARD\nCOMMIT\n"]


def test_a_jump_from_a_chain_not_listed_is_removed():
    saved = DOCKER_FORWARD.replace("COMMIT", "-A DOCKER-USER -j MESOS-OVERLAY-FORWARD\nCOMMIT")
    module, result = run(dict(FORWARD, jumps=[{"chain": "DOCKER-USER", "match": ""}]), reads=answers(filter4=saved))
    assert [(c["kind"], c["key"], c["action"]) for c in result["changes"]] == [("jump", "ipv4 filter FORWARD", "remove")]
    assert module.stdin == ["*filter\n-D FORWARD -j MESOS-OVERLAY-FORWARD\nCOMMIT\n"]


def test_absent_removes_jumps_and_chain():
    module, result = run({"state": "absent"})
    assert module.stdin == ["*filter\n-D INPUT -p udp -m udp --dport 64000 -j MESOS-OVERLAY-VXLAN\n"
                            "-F MESOS-OVERLAY-VXLAN\n-X MESOS-OVERLAY-VXLAN\nCOMMIT\n"]


def test_rules6_null_removes_the_ipv6_chain():
    saved6 = EMPTY6.replace(":OUTPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]\n:MESOS-OVERLAY-VXLAN - [0:0]")
    module, result = run({}, reads=answers(filter6=saved6))
    assert [(c["kind"], c["key"], c["action"]) for c in result["changes"]] == [
        ("chain", "ipv6 filter MESOS-OVERLAY-VXLAN", "remove")]


def test_nat_chain_converged():
    module, result = run({"name": "MESOS-OVERLAY-NAT", "table": "nat",
                          "rules": ["-s 9.0.0.0/8 -d 44.128.0.0/20 -j RETURN", "-s 9.0.0.0/8 -j MASQUERADE"],
                          "jumps": [{"chain": "POSTROUTING", "match": ""}]})
    assert not result["changed"]


def test_a_host_without_ip6tables_works_when_no_ipv6_rules_are_wanted():
    module, result = run({}, missing_bins=("ip6tables-save",))
    assert not result["changed"]


def test_ipv6_rules_on_a_host_without_ip6tables_are_an_error():
    with pytest.raises(ParameterError, match=r"rules6: IPv6 rules are given but ip6tables-save -t filter does not work"):
        run({"rules6": []}, missing_bins=("ip6tables-save",))


@pytest.mark.parametrize("params, message", [
    ({"name": "A" * 29}, r"name: 'A{29}' is not a chain name"),
    ({"table": "nope"}, r"table: 'nope' is not one of"),
    ({"jumps": [{"chain": "INPUT", "match": "-j ACCEPT"}]}, r"jumps\[0\].match: '-j ACCEPT' must only match"),
    ({"jumps": [{"chain": "NOSUCH", "match": ""}]}, r"jumps: the chain NOSUCH does not exist in the filter table"),
    ({"rules": ['-m comment --comment "open']}, r"rules: .* is not a rule"),
])
def test_bad_options_are_named(params, message):
    with pytest.raises(ParameterError, match=message):
        run(params)


def test_a_refused_transaction_fails_naming_the_chain_and_nothing_half_applied():
    from .fakes import Failed
    module = FakeModule(dict(VXLAN, rules=["-j DROP"]), answers=answers())
    module.run = lambda argv, **kw: (
        FakeModule.run(module, argv) if argv[0].endswith("-save") else (1, "", "iptables-restore: line 2 failed"))
    with pytest.raises(Failed, match=r"iptables-restore refused the change of MESOS-OVERLAY-VXLAN: .*line 2 failed"):
        FirewallChainModule(module.params, module).run()
