# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""vxlan_link on recorded iproute2 answers: every branch that decides a change."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._vxlan import VxlanLink

from .fakes import Failed, FakeModule, changed_link, vtep_answers

# What the recorded VTEP is.
PARAMS = {"name": "vtep1024", "vni": 1024, "port": 64000, "mac": "70:b3:d5:80:00:02", "mtu": 1450,
          "addresses": ["44.128.0.2/20", "fd01:a::2/64"], "local": "198.19.10.21", "dev": "u0",
          "learning": False, "state": "present"}


def run(params=None, check=False, diff=False, answers=None, disable_ipv6="0\n"):
    module = FakeModule(dict(PARAMS, **(params or {})), check_mode=check, diff=diff,
                        answers=answers if answers is not None else vtep_answers())
    link = VxlanLink(module.params, module)
    link.iproute.read_text = lambda path: disable_ipv6
    return module, link.run()


def kinds(result):
    return [(c["kind"], c["action"]) for c in result["changes"]]


def test_converged_device_changes_nothing():
    module, result = run()
    assert not result["changed"] and result["changes"] == [] and module.applied == []
    assert result["device"]["mac"] == "70:b3:d5:80:00:02"


def test_mtu_drift_is_changed_in_place():
    module, result = run(answers=vtep_answers(link=changed_link(mtu=1300)))
    assert kinds(result) == [("mtu", "change")]
    assert result["changes"][0]["before"] == 1300 and result["changes"][0]["after"] == 1450
    assert module.applied == ["/sbin/ip link set dev vtep1024 mtu 1450"]
    assert not result["recreated"]


def test_check_mode_plans_and_runs_nothing():
    module, result = run(check=True, answers=vtep_answers(link=changed_link(mtu=1300)))
    assert result["changed"] and module.applied == []
    assert result["commands"] == ["/sbin/ip link set dev vtep1024 mtu 1450"]


def test_missing_device_is_created_then_configured_in_order():
    answers = vtep_answers(missing=True)
    module = FakeModule(PARAMS, answers=answers)
    module.after_apply = vtep_answers()
    link = VxlanLink(module.params, module)
    link.iproute.read_text = lambda path: "1\n"  # the host starts new devices without IPv6
    written = []
    link.iproute.write_text = lambda path, text: written.append((path, text))
    result = link.run()
    assert written == [("/proc/sys/net/ipv6/conf/vtep1024/disable_ipv6", "0\n")]
    assert kinds(result) == [("device", "add"), ("mac", "add"), ("mtu", "add"), ("sysctl", "change"),
                             ("address", "add"), ("address", "add"), ("up", "change")]
    assert module.applied[0] == ("/sbin/ip link add vtep1024 type vxlan id 1024 dstport 64000 local 198.19.10.21 "
                                 "dev u0 nolearning")
    assert "/sbin/ip addr add fd01:a::2/64 dev vtep1024 nodad" in module.applied
    assert module.applied[-1] == "/sbin/ip link set dev vtep1024 up"
    assert result["device"]["ifindex"] == 3


def test_missing_device_in_check_mode_reads_the_default_ipv6_setting():
    paths = []
    module = FakeModule(PARAMS, check_mode=True, answers=vtep_answers(missing=True))
    link = VxlanLink(module.params, module)

    def read(path):
        paths.append(path)
        return "0\n"
    link.iproute.read_text = read
    result = link.run()
    assert paths == ["/proc/sys/net/ipv6/conf/default/disable_ipv6"]
    assert ("sysctl", "change") not in kinds(result)
    assert module.applied == []


def test_ipv6_wanted_on_a_host_without_ipv6_is_an_error():
    with pytest.raises(ParameterError, match=r"IPv6 addresses are asked for but IPv6 is not available"):
        run(disable_ipv6=None)


def test_vni_change_recreates_and_says_why():
    module, result = run(params={"vni": 1025})
    device = [c for c in result["changes"] if c["kind"] == "device"]
    assert device[0]["reason"] == "vni: 1024 -> 1025" and device[0]["action"] == "change"
    assert result["recreated"]
    assert module.applied[:2] == ["/sbin/ip link del vtep1024",
                                  "/sbin/ip link add vtep1024 type vxlan id 1025 dstport 64000 local 198.19.10.21 "
                                  "dev u0 nolearning"]
    # The new device gets everything again.
    assert ("address", "add") in kinds(result) and ("up", "change") in kinds(result)


def test_address_drift_removes_the_stranger_and_adds_the_missing():
    module, result = run(params={"addresses": ["44.128.0.9/20", "fd01:a::2/64"]})
    assert [(c["kind"], c["key"], c["action"]) for c in result["changes"]] == [
        ("address", "44.128.0.2/20", "remove"), ("address", "44.128.0.9/20", "add")]


def test_learning_is_switched_in_place():
    module, result = run(params={"learning": True})
    assert kinds(result) == [("learning", "change")]
    assert module.applied == ["/sbin/ip link set vtep1024 type vxlan learning"]


def test_absent_removes_the_device():
    module, result = run(params={"state": "absent"})
    assert kinds(result) == [("device", "remove")] and module.applied == ["/sbin/ip link del vtep1024"]
    assert result["device"] == {}


def test_absent_and_missing_is_no_change():
    module, result = run(params={"state": "absent"}, answers=vtep_answers(missing=True))
    assert not result["changed"] and module.applied == []


def test_diff_shows_the_device_before_and_after():
    module, result = run(diff=True, check=True, answers=vtep_answers(link=changed_link(mtu=1300)))
    assert result["diff"]["before"]["mtu"] == 1300 and result["diff"]["after"]["mtu"] == 1450


def test_a_device_of_another_kind_is_refused():
    link = changed_link()
    link[0]["linkinfo"] = {"info_kind": "bridge"}
    with pytest.raises(ParameterError, match=r"vtep1024 exists but is a bridge device, not vxlan"):
        run(answers=vtep_answers(link=link))


@pytest.mark.parametrize("params, message", [
    ({"vni": 0}, r"vni: 0 is out of range 1-16777215"),
    ({"port": 70000}, r"port: 70000 is out of range"),
    ({"mtu": 10}, r"mtu: 10 is out of range 68-65535"),
    ({"name": "a-name-longer-than-15"}, r"name: 'a-name-longer-than-15' is not a valid interface name"),
    ({"mac": "01:00:5e:00:00:01"}, r"mac: '01:00:5e:00:00:01' is a multicast MAC address"),
    ({"addresses": ["44.128.0.2"]}, r"addresses: '44.128.0.2' is not an address with a prefix length"),
    ({"local": "fd00::1"}, r"local: 'fd00::1' is not an IPv4 address"),
])
def test_bad_options_fail_before_anything_is_read(params, message):
    module = FakeModule(dict(PARAMS, **params), answers={})
    with pytest.raises(ParameterError, match=message):
        VxlanLink(module.params, module).run()
    assert module.applied == []


def test_missing_underlay_device_is_named():
    answers = vtep_answers()
    answers["/sbin/ip -j -d link show dev eth9"] = (1, "", 'Device "eth9" does not exist.')
    with pytest.raises(ParameterError, match=r"dev: 'eth9': there is no such device"):
        run(params={"dev": "eth9"}, answers=answers)


def test_a_failing_command_fails_the_module_naming_it():
    module = FakeModule(dict(PARAMS, mtu=1300), answers=vtep_answers())

    def refuse(argv, data=None, env=None):
        if "-j" in argv:
            return FakeModule.run(module, argv)
        return 2, "", "RTNETLINK answers: Invalid argument"
    module.run = refuse
    link = VxlanLink(module.params, module)
    link.iproute.read_text = lambda path: "0\n"
    with pytest.raises(Failed, match=r"/sbin/ip link set dev vtep1024 mtu 1300 failed: RTNETLINK answers"):
        link.run()


def test_turning_group_policy_on_recreates_once_and_says_why():
    module, result = run(params={"gbp": True})
    device = [c for c in result["changes"] if c["kind"] == "device"]
    assert device[0]["reason"].startswith("group policy (gbp): off -> on (the kernel cannot change it on a device")
    assert result["recreated"]
    assert module.applied[:2] == ["/sbin/ip link del vtep1024",
                                  "/sbin/ip link add vtep1024 type vxlan id 1024 dstport 64000 local 198.19.10.21 "
                                  "dev u0 nolearning gbp"]


def test_a_device_with_group_policy_wanted_changes_nothing():
    module, result = run(params={"gbp": True}, answers=vtep_answers(changed_link(gbp=True)))
    assert not result["changed"] and module.applied == []
