# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docker_network on recorded Docker API answers (the attrs of `docker network inspect`)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._docker import NotFound
from ansible_collections.mesos.overlay.plugins.module_utils._docker import DockerNetwork

from .fakes import Failed, FakeModule

# What Docker 20.10 answers for the network the module creates (docker network inspect).
ATTRS = {
    "Name": "dcos", "Driver": "bridge", "EnableIPv6": True,
    "IPAM": {"Driver": "default", "Options": None,
             "Config": [{"Subnet": "9.0.1.128/25"}, {"Subnet": "fd01:b::1:8000:0:0/81"}]},
    "Options": {"com.docker.network.bridge.enable_ip_masquerade": "false",
                "com.docker.network.bridge.name": "d-dcos", "com.docker.network.driver.mtu": "1420"},
    "Containers": {},
}
PARAMS = {"name": "dcos", "bridge": None, "subnet": "9.0.1.128/25", "subnet6": "fd01:b::1:8000:0:0/81", "mtu": 1420,
          "masquerade": False, "force": False, "state": "present"}


class Network:
    def __init__(self, attrs, log):
        self.attrs = attrs
        self.log = log

    def remove(self):
        self.log.append(("remove", self.attrs["Name"]))


class Networks:
    def __init__(self, attrs):
        self.attrs = attrs
        self.log = []

    def get(self, name):
        if self.attrs is None:
            raise NotFound("network %s not found" % name)
        return Network(self.attrs, self.log)

    def create(self, name, **kwargs):
        self.log.append(("create", name, kwargs["options"]["com.docker.network.driver.mtu"]))
        self.attrs = copy.deepcopy(ATTRS)


class Client:
    def __init__(self, attrs):
        self.networks = Networks(attrs)


def run(params=None, attrs=None, check=False, diff=False):
    client = Client(attrs)
    module = FakeModule(dict(PARAMS, **(params or {})), check_mode=check, diff=diff)
    return client.networks.log, DockerNetwork(module.params, module, client=client).run()


def test_missing_network_is_created():
    log, result = run()
    assert log == [("create", "dcos", "1420")]
    assert [(c["kind"], c["action"]) for c in result["changes"]] == [("network", "add")]
    assert result["network"]["subnets"] == ["9.0.1.128/25", "fd01:b::1:8000:0:0/81"]


def test_check_mode_creates_nothing():
    log, result = run(check=True)
    assert result["changed"] and log == []


def test_identical_network_changes_nothing():
    log, result = run(attrs=copy.deepcopy(ATTRS))
    assert not result["changed"] and log == []


def test_a_network_that_differs_fails_naming_each_difference():
    attrs = copy.deepcopy(ATTRS)
    attrs["Options"]["com.docker.network.driver.mtu"] = "1500"
    with pytest.raises(Failed, match=r"Docker network dcos exists but differs: mtu: 1500 \(wanted 1420\)"):
        run(attrs=attrs)


def test_force_recreates_a_network_that_differs():
    attrs = copy.deepcopy(ATTRS)
    attrs["IPAM"]["Config"][0]["Subnet"] = "9.0.2.128/25"
    log, result = run(params={"force": True}, attrs=attrs, diff=True)
    assert log == [("remove", "dcos"), ("create", "dcos", "1420")]
    assert result["recreated"]
    assert [(c["kind"], c["key"]) for c in result["changes"]] == [("option", "subnets")]
    assert result["diff"]["before"]["subnets"][0] == "9.0.2.128/25"


def test_force_refuses_while_containers_are_attached():
    attrs = copy.deepcopy(ATTRS)
    attrs["EnableIPv6"] = False
    attrs["Containers"] = {"abc": {"Name": "web"}}
    with pytest.raises(Failed, match=r"refusing to recreate Docker network dcos: containers are attached \(web\)"):
        run(params={"force": True}, attrs=attrs)


def test_absent_removes_it():
    log, result = run(params={"state": "absent"}, attrs=copy.deepcopy(ATTRS))
    assert log == [("remove", "dcos")] and result["network"] == {}


def test_absent_and_missing_is_no_change():
    log, result = run(params={"state": "absent"})
    assert not result["changed"] and log == []


@pytest.mark.parametrize("params, message", [
    ({"subnet": None, "subnet6": None}, r"subnet: required with state=present"),
    ({"subnet": "9.0.1.129/25"}, r"subnet: '9.0.1.129/25' is not a network in CIDR form"),
    ({"subnet6": "9.0.1.0/25"}, r"subnet6: '9.0.1.0/25' is not an IPv6 network"),
    ({"mtu": 1}, r"mtu: 1 is out of range"),
    ({"bridge": "a-very-long-bridge-name"}, r"bridge: 'a-very-long-bridge-name' is longer than 15 characters"),
])
def test_bad_options_fail_before_docker_is_asked(params, message):
    with pytest.raises(ParameterError, match=message):
        run(params=params)
