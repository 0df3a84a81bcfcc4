# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay's modules: a Docker client that says clearly what is missing, and the
overlay's Docker network as a step (the docker_network module, and the converge module's networks)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os
import shutil
import sys
import traceback

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import docker_bridge
from ansible_collections.mesos.overlay.plugins.module_utils._host import HostError

try:
    import docker
    from docker.errors import DockerException, NotFound
    HAS_DOCKER_SDK = True
    DOCKER_SDK_ERROR = None
except ImportError:  # pragma: no cover - depends on the host
    HAS_DOCKER_SDK = False
    DOCKER_SDK_ERROR = traceback.format_exc()

    class DockerException(Exception):
        pass

    class NotFound(DockerException):
        pass


__all__ = ("DockerException", "DockerNetwork", "DockerProblem", "NotFound", "connect", "ipam_config")


class DockerProblem(Exception):
    """Docker cannot be used; the message says why and what to do."""


def connect(timeout=30):
    """A connected docker.DockerClient, or DockerProblem naming which of SDK, engine, daemon is missing."""
    if not HAS_DOCKER_SDK:
        raise DockerProblem("the Docker SDK for Python is not installed for %s: install python3-docker "
                            "(Debian/Ubuntu) or 'pip install docker'" % sys.executable)
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
        return client
    except DockerException as exc:
        socket_path = "/var/run/docker.sock"
        host = os.environ.get("DOCKER_HOST")
        if not host and not shutil.which("dockerd") and not shutil.which("docker") and not os.path.exists(socket_path):
            raise DockerProblem("Docker is not installed on this host (no dockerd, no docker, no %s)" % socket_path)
        raise DockerProblem("Docker is installed but not running or not reachable at %s: %s"
                            % (host or "unix://" + socket_path, exc))


def ipam_config(subnets):
    """The IPAM config of a network holding these subnets (Docker picks the first host as gateway)."""
    return docker.types.IPAMConfig(driver="default",
                                   pool_configs=[docker.types.IPAMPool(subnet=subnet) for subnet in subnets])


BRIDGE_NAME = "com.docker.network.bridge.name"
MTU = "com.docker.network.driver.mtu"
MASQUERADE = "com.docker.network.bridge.enable_ip_masquerade"
OPTIONS = ("driver", "bridge", "subnets", "ipv6", "mtu", "masquerade")


def _network(option, value, version):
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ParameterError("%s: %r is not a network in CIDR form (%s)" % (option, value, exc))
    if network.version != version:
        raise ParameterError("%s: %r is not an IPv%d network" % (option, value, version))
    return str(network)


def _text(value):
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return value


class DockerNetwork:
    """The docker_network module: reads the named network, plans what differs from the options,
    then applies the plan (``client``: a docker.DockerClient already connected, else one is made)."""

    # The docker_network module's options.
    ARGUMENT_SPEC = dict(
        name=dict(type="str", required=True),
        bridge=dict(type="str"),
        subnet=dict(type="str"),
        subnet6=dict(type="str"),
        mtu=dict(type="int", default=1420),
        masquerade=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )

    def __init__(self, params, host, client=None):
        self.host = host
        self.params = params
        self.name = self.params["name"]
        self.client = client

    def wanted(self):
        params = self.params
        if params["state"] == "present" and not (params["subnet"] or params["subnet6"]):
            raise ParameterError("subnet: required with state=present (or subnet6 for an IPv6-only network)")
        if params["mtu"] is not None and not 68 <= params["mtu"] <= 65535:
            raise ParameterError("mtu: %r is out of range 68-65535" % params["mtu"])
        subnets = []
        if params["subnet"]:
            subnets.append(_network("subnet", params["subnet"], 4))
        if params["subnet6"]:
            subnets.append(_network("subnet6", params["subnet6"], 6))
        bridge = params["bridge"] or docker_bridge(self.name)
        if len(bridge) > 15:
            raise ParameterError("bridge: %r is longer than 15 characters" % bridge)
        return {"name": self.name, "driver": "bridge", "bridge": bridge, "subnets": sorted(subnets),
                "ipv6": bool(params["subnet6"]), "mtu": params["mtu"], "masquerade": params["masquerade"]}

    @staticmethod
    def describe(attrs):
        options = attrs.get("Options") or {}
        configs = (attrs.get("IPAM") or {}).get("Config") or []
        mtu = options.get(MTU)
        return {
            "name": attrs.get("Name"),
            "driver": attrs.get("Driver"),
            "bridge": options.get(BRIDGE_NAME),
            "subnets": sorted(str(ipaddress.ip_network(c["Subnet"], strict=False)) for c in configs if c.get("Subnet")),
            "ipv6": bool(attrs.get("EnableIPv6")),
            "mtu": int(mtu) if mtu else 1500,
            "masquerade": options.get(MASQUERADE, "true").lower() == "true",
        }

    def plan(self, before, want):
        plan = Plan()
        if self.params["state"] == "absent":
            if before:
                plan.add("network", self.name, before, None)
            return plan
        if not before:
            plan.add("network", self.name, None, want)
            return plan
        if not any(":" not in subnet for subnet in want["subnets"]):
            # An IPv6-only network: Docker before 27 always gives a bridge network an IPv4 subnet
            # of its own (from its default address pools); that one is Docker's, not a difference.
            before = dict(before, subnets=[subnet for subnet in before["subnets"] if ":" in subnet])
        for key in OPTIONS:
            if before[key] != want[key]:
                plan.add("option", key, before[key], want[key])
        return plan

    def _create(self, want):
        self.client.networks.create(
            self.name, driver="bridge", enable_ipv6=want["ipv6"], check_duplicate=True,
            ipam=ipam_config(want["subnets"]),
            options={BRIDGE_NAME: want["bridge"], MTU: str(want["mtu"]),
                     MASQUERADE: "true" if want["masquerade"] else "false"})

    def run(self):
        want = self.wanted()
        if self.client is None:
            try:
                self.client = connect()
            except DockerProblem as exc:
                raise HostError(str(exc))
        try:
            existing = self.client.networks.get(self.name)
        except NotFound:
            existing = None
        before = self.describe(existing.attrs) if existing is not None else {}
        plan = self.plan(before, want)
        options = plan.of_kind("option")
        if options and not self.params["force"]:
            lines = ["%s: %s (wanted %s)" % (c.key, _text(c.before), _text(c.after)) for c in options]
            raise HostError("Docker network %s exists but differs: %s. Remove it, or set force=true to recreate it"
                            % (self.name, "; ".join(lines)), changes=plan.as_result())
        if plan and existing is not None:
            self._refuse_if_attached(existing, "recreate" if options else "remove")
        check = self.host.check_mode
        if plan and not check:
            if existing is not None:
                existing.remove()
            if self.params["state"] == "present":
                self._create(want)
        after = {}
        if self.params["state"] == "present":
            after = want if (check or not plan) else self.describe(self.client.networks.get(self.name).attrs)
            if not plan:
                after = before
        result = {"changed": bool(plan), "recreated": bool(options), "changes": plan.as_result(), "network": after}
        if self.host.diff:
            result["diff"] = plan.diff(self.name, before, after)
        return result

    def _refuse_if_attached(self, network, what):
        containers = network.attrs.get("Containers") or {}
        if containers:
            names = sorted(c.get("Name", cid[:12]) for cid, c in containers.items())
            raise HostError("refusing to %s Docker network %s: containers are attached (%s)"
                            % (what, self.name, ", ".join(names)))
