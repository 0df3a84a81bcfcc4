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

from ansible_collections.mesos.overlay.plugins.module_utils._docker import DockerNetwork
from ansible_collections.mesos.overlay.plugins.module_utils._host import run_module


def main():
    run_module(DockerNetwork)


if __name__ == "__main__":
    main()
