# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""dataplane on recorded iproute2 and iptables answers: the whole plane in one call, the file
for the boot unit, the peers completed from the run's table, check mode."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import DataPlane, StepFailed, plane_text
from ansible_collections.mesos.overlay.plugins.module_utils import _files
from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._iproute import IPRoute

from .fakes import FakeModule, vtep_answers
from .test_firewall_chain import VXLAN, answers as firewall_answers
from .test_vxlan_link import PARAMS as LINK
from .test_vxlan_peers import AGENT3, MASTER

# This host as the recorded VTEP is (agent-1), with the recorded VXLAN chain's members.
ME = {"name": "agent-1", "vtep_ip": "44.128.0.2", "vtep_ip6": "fd01:a::2", "mac": "70:b3:d5:80:00:02",
      "underlay_ip": "198.19.10.21", "subnets": ["9.0.1.0/24"]}
TABLE = [ME, MASTER]
PARTIAL = {"host": "agent-1", "vxlan_link": dict(LINK),
           "vxlan_peers": {"device": "vtep1024", "purge": True, "peers": None},
           "firewall_chain": [dict(VXLAN, rules=None)]}


@pytest.fixture(autouse=True)
def root_is_the_test_user(monkeypatch):
    """The plane file is root's: here root's ids are the test user's, so that the atomic write's
    chown and the owner check run for real without root (tests run as any user)."""
    real = _files._id
    monkeypatch.setattr(_files, "_id", lambda kind, name, where: (
        (os.getuid() if kind == "owner" else os.getgid()) if name == "root" else real(kind, name, where)))


@pytest.fixture(autouse=True)
def ipv6_on(monkeypatch):
    """The recorded VTEP's host has IPv6 (disable_ipv6 reads 0)."""
    monkeypatch.setattr(IPRoute, "read_text", lambda self, path: "0\n")


def run(tmp_path, dataplane=None, peers="table", check=False, diff=False):
    peers = TABLE if peers == "table" else peers
    reads = vtep_answers()
    reads.update(firewall_answers())
    module = FakeModule({"dataplane": dataplane or PARTIAL, "peers": peers, "path": str(tmp_path / "etc" / "dp.json")},
                        check_mode=check, diff=diff, answers=reads)
    return module, DataPlane(module.params, module).run()


def test_a_converged_host_changes_only_the_missing_file_and_the_file_holds_the_completed_plane(tmp_path):
    module, result = run(tmp_path)
    assert module.applied == []
    assert result["changed"] and [c["kind"] for c in result["changes"]] == ["file"]
    assert not result["vtep"]["changed"] and not result["peers"]["changed"] and not result["firewall"]["changed"]
    written = json.loads((tmp_path / "etc" / "dp.json").read_text())
    # The peers are the table without this host; the chain accepts every member of the table.
    assert written["vxlan_peers"]["peers"] == [MASTER]
    assert written["firewall_chain"][0]["rules"] == VXLAN["rules"]
    module, again = run(tmp_path)
    assert not again["changed"] and again["changes"] == [] and module.applied == []


def test_a_new_member_in_the_table_is_programmed_and_written(tmp_path):
    run(tmp_path)
    module, result = run(tmp_path, peers=TABLE + [AGENT3], diff=True)
    assert [c["key"] for c in result["peers"]["changes"]] == ["70:b3:d5:80:00:04", "44.128.0.4", "fd01:a::4",
                                                              "9.0.3.0/24", "fd01:b:0:0:3::/80"]
    assert [r["item"]["name"] for r in result["firewall"]["results"]] == ["MESOS-OVERLAY-VXLAN"]
    assert result["firewall"]["changed"]
    assert len(module.ran) == 3  # one bridge batch, one ip batch, one iptables-restore
    assert "198.19.10.23" in (tmp_path / "etc" / "dp.json").read_text()
    assert any(d.get("before_header", "").endswith("dp.json") for d in result["diff"])


def test_check_mode_writes_nothing_and_runs_nothing(tmp_path):
    module, result = run(tmp_path, peers=TABLE + [AGENT3], check=True)
    assert result["changed"] and module.ran == []
    assert not (tmp_path / "etc" / "dp.json").exists()


def test_the_file_is_the_same_text_for_the_same_plane(tmp_path):
    run(tmp_path)
    text = (tmp_path / "etc" / "dp.json").read_text()
    assert text == plane_text(json.loads(text))


def test_error_a_partial_plane_without_the_table_touches_nothing(tmp_path):
    with pytest.raises(ParameterError, match="peer table"):
        run(tmp_path, peers=None)
    assert not (tmp_path / "etc").exists()


def test_error_a_step_that_fails_is_named(tmp_path):
    bad = dict(PARTIAL, vxlan_link=dict(LINK, vni=0))
    with pytest.raises(StepFailed, match="^vxlan_link vtep1024: "):
        run(tmp_path, dataplane=bad)


def test_an_agents_forwarding_sysctls_are_set_when_they_differ(tmp_path, monkeypatch):
    proc = {"/proc/sys/net/ipv4/ip_forward": "0\n", "/proc/sys/net/ipv6/conf/all/forwarding": "1\n"}
    written = {}
    monkeypatch.setattr(IPRoute, "read_text", staticmethod(lambda path: proc.get(path, "0\n")))
    monkeypatch.setattr(IPRoute, "write_text", staticmethod(lambda path, text: written.update({path: text})))
    plane = dict(PARTIAL, sysctl={"net.ipv4.ip_forward": "1", "net.ipv6.conf.all.forwarding": "1"})
    _module, result = run(tmp_path, dataplane=plane, check=True)
    assert [(c["key"], c["before"], c["after"]) for c in result["sysctl"]["changes"]] == [
        ("net.ipv4.ip_forward", "0", "1")]
    assert written == {}
    _module, result = run(tmp_path, dataplane=plane)
    assert written == {"/proc/sys/net/ipv4/ip_forward": "1\n"}
    assert result["changes"][1]["kind"] == "sysctl"  # after the file, before the VTEP


@pytest.mark.parametrize("name", ["net/ipv4/ip_forward", "../../etc/passwd", ""])
def test_error_a_sysctl_that_is_no_name(tmp_path, name):
    with pytest.raises(StepFailed, match="^sysctl: "):
        run(tmp_path, dataplane=dict(PARTIAL, sysctl={name: "1"}))
