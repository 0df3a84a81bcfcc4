# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The mesos-overlay-groups plugin's decisions (the namespace test and Molecule run it for real):
which group a container belongs to, and which addresses a CNI result gives it."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils import _groups as plugin

NAMES = {"web": 100, "dns": 100, "db": 200}


def config(network_info):
    return {"groups": NAMES, "label": "mesos.overlay.group", "args": {"org.apache.mesos": {"network_info": network_info}}}


@pytest.mark.parametrize("network_info, group", [
    ({}, 0),
    ({"groups": ["web"]}, 100),
    ({"groups": ["200"]}, 200),
    ({"groups": ["web", "dns"]}, 100),
    ({"labels": {"labels": [{"key": "mesos.overlay.group", "value": "db"}, {"key": "tier", "value": "x"}]}}, 200),
    ({"groups": ["db"], "labels": {"labels": [{"key": "mesos.overlay.group", "value": "200"}]}}, 200),
])
def test_the_group_of_a_mesos_task(network_info, group):
    assert plugin.container_group(config(network_info)) == group


@pytest.mark.parametrize("network_info, message", [
    ({"groups": ["dbb"]}, r"group 'dbb' is neither a number 1-65535 nor a group name of this overlay \(db=200, "
                          r"dns=100, web=100\)"),
    ({"groups": ["web", "db"]}, r"a container belongs to one group, not db, web"),
    ({"groups": ["70000"]}, r"group 70000 is out of range 1-65535"),
])
def test_a_group_that_cannot_be_decided_is_an_error(network_info, message):
    with pytest.raises(plugin.GroupError, match=message):
        plugin.container_group(config(network_info))


def test_addresses_of_a_cni_result_any_version():
    assert plugin.result_addresses({"ip4": {"ip": "9.0.1.2/25"}, "ip6": {"ip": "fd01:b::1:0:0:2/81"}}) == [
        "9.0.1.2", "fd01:b::1:0:0:2"]
    assert plugin.result_addresses({"ips": [{"address": "fd01:b::1:0:0:3/81"}, {"address": "9.0.1.3/25"}]}) == [
        "9.0.1.3", "fd01:b::1:0:0:3"]
    assert plugin.result_addresses({}) == []


def test_addresses_are_canonical_and_a_bad_one_is_refused():
    # The sets hold canonical texts: the dataplane module compares them with the records' ones.
    assert plugin.result_addresses({"ips": [{"address": "FD01:B:0::0:2/81"}, {"address": "9.0.1.3/25"},
                                            {"address": "9.0.1.10/25"}, {"address": "9.0.1.3/25"}]}) == [
        "9.0.1.3", "9.0.1.10", "fd01:b::2"]
    with pytest.raises(ValueError, match="'9.0.1.300/25' is not an IP address"):
        plugin.result_addresses({"ip4": {"ip": "9.0.1.300/25"}})


def run_plugin(interpreter, tmp_path, command, config_text, delegate=None):
    """The plugin's process as a CNI runtime starts it (its module's main), with ``delegate``
    (shell text) as the delegate plugin in CNI_PATH."""
    if delegate is not None:
        (tmp_path / "stand-in").write_text("#!/bin/sh\n" + delegate)
        (tmp_path / "stand-in").chmod(0o755)
    env = dict(interpreter.env, CNI_COMMAND=command, CNI_CONTAINERID="c1", CNI_IFNAME="eth0", CNI_PATH=str(tmp_path),
               PYTHONPATH=os.pathsep.join(entry for entry in sys.path if entry))
    return subprocess.run([interpreter.executable, "-c", "from ansible_collections.mesos.overlay.plugins.module_utils."
                           "_groups import main; main(); raise SystemExit('main returned')"],
                          input=config_text.encode(), capture_output=True, env=env, check=False)


def test_the_process_ends_with_the_delegates_status_and_its_whole_result(interpreter, tmp_path):
    # A container without a group is only delegated: Mesos reads the delegate's output and status,
    # to the last byte however long (the plugin leaves without Python's finalization).
    config_text = json.dumps({"cniVersion": "0.2.0", "name": "dcos", "delegate": {"type": "stand-in"},
                              "label": "mesos.overlay.group", "membersDir": str(tmp_path / "members"), "table": "t"})
    proc = run_plugin(interpreter, tmp_path, "ADD", config_text,
                      "cat >/dev/null\nhead -c 300000 /dev/zero | tr '\\0' x\necho end\nexit 3\n")
    assert proc.returncode == 3
    assert proc.stdout == b"x" * 300000 + b"end\n"


def test_the_process_answers_version_and_refuses_a_config_that_is_not_json(interpreter, tmp_path):
    proc = run_plugin(interpreter, tmp_path, "VERSION", "")
    assert proc.returncode == 0 and json.loads(proc.stdout)["supportedVersions"][-1] == "1.0.0"
    proc = run_plugin(interpreter, tmp_path, "ADD", "{not json")
    answer = json.loads(proc.stdout)
    assert proc.returncode == 1 and answer["code"] == 6 and answer["msg"].startswith("the network config is not JSON")


def test_a_config_without_the_names_the_role_writes_is_refused_naming_them(interpreter, tmp_path):
    config_text = json.dumps({"cniVersion": "0.4.0", "name": "dcos", "delegate": {"type": "bridge"}, "label": "x"})
    proc = run_plugin(interpreter, tmp_path, "ADD", config_text)
    answer = json.loads(proc.stdout)
    assert proc.returncode == 1 and answer["code"] == 7 and answer["cniVersion"] == "0.4.0"
    assert answer["msg"].startswith("the network config needs membersDir, table: ")
