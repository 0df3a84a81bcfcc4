#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: docker_network
short_description: The Docker network of an overlay on a Mesos agent
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Makes the overlay's Docker network exist exactly as allocated, as the DC/OS agent overlay module did
    for the Docker containerizer, a bridge network on the bridge device C(d-<overlay>) holding the agent's
    Docker half of the overlay slice (and the IPv6 half), with the overlay MTU and without Docker's IP masquerade
    (the agent role's firewall rules masquerade traffic that leaves the overlay).
  - A network of that name that differs (driver, bridge, subnets, MTU, masquerade) is an error that lists each
    difference, unless O(force=true), which recreates it, and still refuses while containers are attached.
  - Uses the Docker SDK for Python on the host, and says which is missing when the SDK, the engine or the running
    daemon is not there.
options:
  name:
    description: Name of the Docker network, the overlay's name.
    type: str
    required: true
  bridge:
    description: Bridge device of the network. Defaults to C(d-<name>).
    type: str
  subnet:
    description: IPv4 subnet of the network, the agent's Docker half. With O(state=present), this or O(subnet6) is required.
    type: str
  subnet6:
    description:
      - IPv6 subnet of the network, the agent's IPv6 Docker half. Turns IPv6 on for the network.
      - Without O(subnet), an IPv6-only overlay. Docker before version 27 still gives every bridge network an IPv4 subnet
        from its default address pools; that subnet is Docker's own, carries no overlay traffic, and is not reported as a
        difference.
    type: str
  mtu:
    description: MTU of the bridge and the containers' interfaces.
    type: int
    default: 1420
  masquerade:
    description: Docker's own IP masquerade for the network. Off for the overlay.
    type: bool
    default: false
  force:
    description: Recreate a network that differs, if no container is attached to it.
    type: bool
    default: false
  state:
    description: Whether the network should exist.
    type: str
    choices: [present, absent]
    default: present
requirements:
  - Docker SDK for Python (C(python3-docker) on Debian)
  - A running Docker engine
attributes:
  check_mode:
    support: full
    description: Reports what would change without touching Docker.
  diff_mode:
    support: full
    description: Shows the network before and after.
"""

EXAMPLES = r"""
- name: The Docker network of overlay dcos on this agent
  mesos.overlay.docker_network:
    name: dcos
    subnet: 9.0.1.128/25
    subnet6: "fd01:b::1:8000:0:0/81"
    mtu: 1420

- name: Remove it
  mesos.overlay.docker_network:
    name: dcos
    state: absent
"""

RETURN = r"""
network:
  description: The network after the run, as this module compares it (in check mode, as it would be). Empty when absent.
  returned: always
  type: dict
  sample:
    name: dcos
    driver: bridge
    bridge: d-dcos
    subnets: [9.0.1.128/25]
    ipv6: false
    mtu: 1420
    masquerade: false
recreated:
  description: Whether the network was (or would be) removed and created again (only with O(force)).
  returned: always
  type: bool
changes:
  description:
    - What differed and was (in check mode, would be) changed. Each C({kind, key, action, before, after}) with
      C(kind) C(network) (the whole network created or removed, C(key) its name) or C(option) (C(key) one of
      C(driver), C(bridge), C(subnets), C(ipv6), C(mtu), C(masquerade)).
  returned: always
  type: list
  elements: dict
  sample: [{kind: option, key: mtu, action: change, before: 1500, after: 1420}]
"""

import ipaddress

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan
from ansible_collections.mesos.overlay.plugins.module_utils._docker import (
    DockerProblem, NotFound, connect, ipam_config)

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
    """Reads the named network, plans what differs from the options, then applies the plan."""

    def __init__(self, module, client=None):
        self.module = module
        self.params = module.params
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
        bridge = params["bridge"] or "d-" + self.name
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
            self.client = connect()
        try:
            existing = self.client.networks.get(self.name)
        except NotFound:
            existing = None
        before = self.describe(existing.attrs) if existing is not None else {}
        plan = self.plan(before, want)
        options = plan.of_kind("option")
        if options and not self.params["force"]:
            lines = ["%s: %s (wanted %s)" % (c.key, _text(c.before), _text(c.after)) for c in options]
            self.module.fail_json(msg="Docker network %s exists but differs: %s. Remove it, or set force=true to "
                                      "recreate it" % (self.name, "; ".join(lines)), changes=plan.as_result())
        if plan and existing is not None:
            self._refuse_if_attached(existing, "recreate" if options else "remove")
        check = self.module.check_mode
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
        if self.module._diff:
            result["diff"] = plan.diff(self.name, before, after)
        return result

    def _refuse_if_attached(self, network, what):
        containers = network.attrs.get("Containers") or {}
        if containers:
            names = sorted(c.get("Name", cid[:12]) for cid, c in containers.items())
            self.module.fail_json(msg="refusing to %s Docker network %s: containers are attached (%s)"
                                  % (what, self.name, ", ".join(names)))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            bridge=dict(type="str"),
            subnet=dict(type="str"),
            subnet6=dict(type="str"),
            mtu=dict(type="int", default=1420),
            masquerade=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    try:
        result = DockerNetwork(module).run()
    except (ParameterError, DockerProblem) as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
