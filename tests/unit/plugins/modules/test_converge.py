# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""converge on recorded answers: a host's whole part in one call - files by area, the daemon
(systemd) started or restarted as its files say, the plane, Docker networks; everything checked
before the first change; the store's credentials never in a diff."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._converge import Converge

from .fakes import FakeModule, vtep_answers
from .test_dataplane import PARTIAL, TABLE, ipv6_on, root_is_the_test_user  # noqa: F401 pylint: disable=unused-import
from .test_docker_network import Client
from .test_firewall_chain import answers as firewall_answers

RUNNING = "UnitFileState=enabled\nActiveState=active\n"


class Host(FakeModule):
    """The recorded host, with systemd answering `systemctl show` as ``unit_state``."""

    def __init__(self, params, unit_state=RUNNING, **kwargs):
        reads = vtep_answers()
        reads.update(firewall_answers())
        FakeModule.__init__(self, params, answers=reads, **kwargs)
        self.unit_state = unit_state

    def run(self, argv, data=None, env=None):
        if argv[:2] == ["systemctl", "show"]:
            return 0, self.unit_state, ""
        return FakeModule.run(self, argv, data=data, env=env)

    @property
    def systemctl(self):
        return [command for command in self.ran if command.startswith("systemctl ")]


def params(tmp_path, **overrides):
    unit = str(tmp_path / "systemd" / "mesos-overlay.service")
    base = {"dataplane": PARTIAL, "peers": TABLE, "path": str(tmp_path / "etc" / "dataplane.json"),
            "boot_files": [{"path": str(tmp_path / "sbin" / "mesos-overlay"), "content": "#!/bin/sh\n", "mode": "0755"},
                           {"path": unit, "content": "[Service]\n"}],
            "store": {"path": str(tmp_path / "etc" / "store.json"), "content": '{"zookeeper": "zk://r:s3cret@zk/x"}',
                      "state": "present"},
            "daemon": {"unit": unit, "retired": [str(tmp_path / "systemd" / "old.service")]},
            "files": [{"path": str(tmp_path / "cni" / "dcos.conf"), "content": "{}\n", "area": "cni"},
                      {"path": str(tmp_path / "mesos" / "isolation"), "content": "network/cni\n", "area": "mesos"}],
            "docker_networks": [], "disabled_overlays": [], "directory_mode": "0755"}
    base.update(overrides)
    return base


def converge(tmp_path, check=False, diff=False, client=None, unit_state=RUNNING, **overrides):
    host = Host(params(tmp_path, **overrides), unit_state=unit_state, check_mode=check, diff=diff)
    return host, Converge(host.params, host, docker_client=client).run()


def test_a_new_host_gets_every_file_by_area_and_the_daemon_restarted_then_a_rerun_changes_nothing(tmp_path):
    host, result = converge(tmp_path)
    areas = result["areas"]
    assert areas["boot files"]["changed"] and len(areas["boot files"]["changes"]) == 2
    assert areas["store"]["changed"] and areas["cni"]["changed"] and areas["mesos"]["changed"]
    assert areas["boot data plane"]["changed"] and not areas["vtep"]["changed"] and not areas["peers"]["changed"]
    # The unit's file changed: systemd reloads, then the daemon restarts with its new code.
    assert host.systemctl == ["systemctl daemon-reload", "systemctl restart mesos-overlay.service"]
    assert (tmp_path / "etc" / "store.json").stat().st_mode & 0o777 == 0o600
    host, again = converge(tmp_path)
    assert not again["changed"] and again["changes"] == [] and host.systemctl == []
    assert not any(area["changed"] for area in again["areas"].values())


def test_a_stopped_daemon_is_started_and_enabled(tmp_path):
    converge(tmp_path)
    host, result = converge(tmp_path, unit_state="UnitFileState=disabled\nActiveState=inactive\n")
    assert host.systemctl == ["systemctl enable mesos-overlay.service", "systemctl start mesos-overlay.service"]
    assert result["areas"]["daemon"]["changed"] and not result["areas"]["boot files"]["changed"]


def test_a_retired_unit_is_stopped_and_removed_with_its_link(tmp_path):
    converge(tmp_path)
    old = tmp_path / "systemd" / "old.service"
    link = tmp_path / "systemd" / "multi-user.target.wants" / "old.service"
    link.parent.mkdir()
    old.write_text("[Service]\n")
    link.symlink_to(old)
    host, result = converge(tmp_path)
    assert host.systemctl == ["systemctl stop old.service", "systemctl daemon-reload"]
    assert not old.exists() and not link.is_symlink()
    assert [c["key"] for c in result["areas"]["daemon"]["changes"]] == ["old.service", "daemon-reload"]


def test_without_systemd_no_service_is_touched(tmp_path):
    unit = str(tmp_path / "systemd" / "mesos-overlay.service")
    boot = [{"path": unit, "content": "[Service]\n", "only_if_exists": str(tmp_path / "no-systemd")}]
    host, result = converge(tmp_path, boot_files=boot, daemon={"unit": unit, "command": "/usr/sbin/mo run",
                                                               "retired": []})
    assert not result["supervised"] and host.systemctl == [] and result["skipped_paths"] == [unit]
    # Said once, naming what the host's init must run instead.
    assert len(host.warnings) == 1 and "does not run systemd" in host.warnings[0] and "/usr/sbin/mo run" in host.warnings[0]


def test_with_systemd_or_without_a_daemon_nothing_is_said(tmp_path):
    host, result = converge(tmp_path)
    assert result["supervised"] and host.warnings == []
    host, result = converge(tmp_path, daemon=None)
    assert not result["supervised"] and host.warnings == [] and host.systemctl == []


def test_check_mode_writes_nothing_and_touches_no_service(tmp_path):
    host, result = converge(tmp_path, check=True)
    assert result["changed"] and result["check_mode"] and host.systemctl == [] and host.ran == []
    assert not (tmp_path / "cni").exists() and not (tmp_path / "etc").exists()


def test_a_bad_entry_fails_before_any_file_is_written(tmp_path):
    files = [{"path": str(tmp_path / "cni" / "dcos.conf"), "content": "{}\n", "area": "cni"}, {"path": "relative"}]
    with pytest.raises(ParameterError, match=r"files\[1\]\.path: 'relative' is not an absolute path"):
        converge(tmp_path, files=files)
    with pytest.raises(ParameterError, match=r"files\[0\]: unknown option colour \(known: "):
        converge(tmp_path, files=[{"path": str(tmp_path / "x"), "content": "", "colour": "red"}])
    assert not (tmp_path / "sbin").exists() and not (tmp_path / "etc").exists()


def test_the_store_is_never_in_a_diff(tmp_path):
    _host, result = converge(tmp_path, diff=True)
    headers = [d.get("before_header") for d in result["diff"]]
    assert str(tmp_path / "cni" / "dcos.conf") in headers and str(tmp_path / "etc" / "store.json") not in headers
    assert "s3cret" not in repr(result)


def test_docker_networks_are_made_under_their_area_and_a_disabled_one_goes(tmp_path):
    client = Client(None)
    networks = [{"name": "dcos", "subnet": "9.0.1.128/25", "subnet6": "fd01:b::1:8000:0:0/81", "mtu": "1420"}]
    _host, result = converge(tmp_path, client=client, docker_networks=networks)
    assert client.networks.log == [("create", "dcos", "1420")]
    assert result["areas"]["docker"]["changed"] and result["areas"]["docker"]["results"][0]["item"] == "dcos"
    _host, result = converge(tmp_path, client=client, docker_networks=[{"name": "dcos", "state": "absent"}])
    assert client.networks.log[-1] == ("remove", "dcos") and result["areas"]["teardown docker"]["changed"]


def test_a_bad_network_fails_before_any_file_is_written(tmp_path):
    with pytest.raises(ParameterError, match=r"subnet: 'nine' is not a network in CIDR form"):
        converge(tmp_path, client=Client(None), docker_networks=[{"name": "dcos", "subnet": "nine"}])
    assert not (tmp_path / "sbin").exists()
