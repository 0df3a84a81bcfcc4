# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mesos.overlay.docker_network against the machine's real Docker engine."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys

import pytest

from netns import ROOT, ansible_env

NAME = "mo-it-net"
IMAGE = "mo-it-busybox:local"


def docker(*argv, check=True):
    proc = subprocess.run(["docker"] + list(argv), capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise RuntimeError("docker %s: %s" % (" ".join(argv), proc.stderr))
    return proc


pytestmark = pytest.mark.skipif(shutil.which("docker") is None or docker("info", check=False).returncode != 0,
                                reason="needs a running Docker engine (make docker-engine)")


def run_module(args, check=False, diff=False, interpreter=None, env=None):
    binary = os.path.join(os.path.dirname(sys.executable), "ansible")
    argv = [binary, "localhost", "-i", "localhost,", "-c", "local", "-m", "mesos.overlay.docker_network",
            "-a", json.dumps(args), "-e", "ansible_python_interpreter=" + (interpreter or sys.executable)]
    if check:
        argv.append("--check")
    if diff:
        argv.append("--diff")
    proc = subprocess.run(argv, capture_output=True, text=True, env=dict(ansible_env(), **(env or {})), cwd=ROOT,
                          check=False, timeout=300)
    return json.loads(proc.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]


def inspect():
    proc = docker("network", "inspect", NAME, check=False)
    return json.loads(proc.stdout)[0] if proc.returncode == 0 else None


@pytest.fixture
def clean():
    def wipe():
        docker("rm", "-f", "mo-it-attached", check=False)
        docker("network", "rm", NAME, check=False)
    wipe()
    yield
    wipe()


@pytest.fixture(scope="module")
def busybox_image(tmp_path_factory):
    """A one-binary image from Debian's busybox-static: no registry is reachable."""
    if docker("image", "inspect", IMAGE, check=False).returncode != 0:
        root = tmp_path_factory.mktemp("busybox")
        (root / "bin").mkdir()
        shutil.copy("/bin/busybox", str(root / "bin" / "busybox"))
        os.symlink("busybox", str(root / "bin" / "sleep"))
        tar = subprocess.run(["tar", "-C", str(root), "-c", "."], capture_output=True, check=True).stdout
        subprocess.run(["docker", "import", "-", IMAGE], input=tar, capture_output=True, check=True)
    return IMAGE


WANT = {"name": NAME, "subnet": "9.200.1.128/25", "subnet6": "fd01:b::1:8000:0:0/81", "mtu": 1420}


def test_creates_exactly_what_was_asked_then_changes_nothing(clean):
    result = run_module(WANT)
    assert result["changed"], result
    net = inspect()
    assert net["Driver"] == "bridge"
    assert net["EnableIPv6"] is True
    assert sorted(c["Subnet"] for c in net["IPAM"]["Config"]) == ["9.200.1.128/25", "fd01:b::1:8000:0:0/81"]
    assert net["Options"]["com.docker.network.bridge.name"] == "d-mo-it-net"
    assert net["Options"]["com.docker.network.driver.mtu"] == "1420"
    assert net["Options"]["com.docker.network.bridge.enable_ip_masquerade"] == "false"
    assert not run_module(WANT)["changed"]
    assert not run_module(WANT, check=True, diff=True)["changed"]


def test_an_ipv6_only_network_is_created_once(clean):
    want = {"name": NAME, "subnet6": "fd01:b::1:8000:0:0/81", "mtu": 1420}
    assert run_module(want)["changed"]
    net = inspect()
    assert net["EnableIPv6"] is True
    assert "fd01:b::1:8000:0:0/81" in [c["Subnet"] for c in net["IPAM"]["Config"]]
    # Docker may add an IPv4 subnet of its own: not a difference on the next run.
    second = run_module(want)
    assert not second["changed"], second


def test_check_mode_creates_nothing(clean):
    result = run_module(WANT, check=True, diff=True)
    assert result["changed"]
    assert result["diff"]["after"]["subnets"] == ["9.200.1.128/25", "fd01:b::1:8000:0:0/81"]
    assert inspect() is None


def test_existing_network_that_differs_fails_listing_each_difference(clean):
    run_module(WANT)
    before = inspect()
    result = run_module(dict(WANT, subnet="9.200.2.128/25", mtu=1400))
    assert result["failed"]
    assert "differs" in result["msg"]
    assert "mtu: 1420 (wanted 1400)" in result["msg"]
    assert "subnets: 9.200.1.128/25, fd01:b::1:8000:0:0/81 (wanted 9.200.2.128/25, fd01:b::1:8000:0:0/81)" in result["msg"]
    assert inspect()["Id"] == before["Id"]


def test_force_recreates_but_not_while_containers_are_attached(clean, busybox_image):
    run_module(WANT)
    docker("run", "-d", "--name", "mo-it-attached", "--network", NAME, busybox_image, "sleep", "600")
    result = run_module(dict(WANT, subnet="9.200.2.128/25", force=True))
    assert result["failed"]
    assert "refusing to recreate Docker network %s: containers are attached (mo-it-attached)" % NAME in result["msg"]
    docker("rm", "-f", "mo-it-attached")
    result = run_module(dict(WANT, subnet="9.200.2.128/25", force=True))
    assert result["changed"] and result["recreated"]
    assert sorted(c["Subnet"] for c in inspect()["IPAM"]["Config"])[0] == "9.200.2.128/25"


def test_absent_removes(clean):
    run_module(WANT)
    assert run_module({"name": NAME, "state": "absent"})["changed"]
    assert inspect() is None
    assert not run_module({"name": NAME, "state": "absent"})["changed"]


def test_docker_not_running_is_said_clearly(clean):
    result = run_module(WANT, env={"DOCKER_HOST": "unix:///run/mo-it-no-docker.sock"})
    assert result["failed"]
    assert "Docker is installed but not running or not reachable at unix:///run/mo-it-no-docker.sock" in result["msg"]


@pytest.mark.skipif(not os.path.exists("/usr/bin/python3") or subprocess.run(
    ["/usr/bin/python3", "-c", "import docker"], capture_output=True, check=False).returncode == 0,
    reason="needs a Python without the Docker SDK")
def test_missing_sdk_is_said_clearly(clean):
    result = run_module(WANT, interpreter="/usr/bin/python3")
    assert result["failed"]
    assert "the Docker SDK for Python is not installed for /usr/bin/python3" in result["msg"]
