# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: docker_networks
short_description: The Docker networks of an agent, as the docker_network module takes them
version_added: 5.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - From a host's view (M(mesos.overlay.host_view#filter)), the Docker network of every enabled overlay on its Docker
    bridge with the agent's Docker half of the slice (and the IPv6 half), the overlay MTU and no Docker masquerade; and
    every disabled overlay's network absent. Empty on a master. What M(mesos.overlay.converge) and
    M(mesos.overlay.docker_network) take.
options:
  mtu:
    description: The overlay MTU of the networks.
    type: int
    default: 1420
extends_documentation_fragment:
  - mesos.overlay.allocation.view
"""

EXAMPLES = r"""
- name: The Docker networks of this agent
  mesos.overlay.docker_network: "{{ item }}"
  loop: "{{ mesos_overlay_host | mesos.overlay.docker_networks(mtu=1420) }}"
"""

RETURN = r"""
_value:
  description: One network per overlay, C(name), C(bridge), C(subnet), C(subnet6), C(mtu), C(masquerade), C(state).
  type: list
  elements: dict
  sample:
    - {name: dcos, bridge: d-dcos, subnet: 9.0.1.128/25, subnet6: null, mtu: 1420, masquerade: false, state: present}
    - {name: old, state: absent}
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("docker_networks", "plugin_utils._render")
