# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: cni_config
short_description: The CNI network config of an overlay on one Mesos agent
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - From a result of M(mesos.overlay.allocate#filter), the CNI config that the Mesos containerizer loads for one overlay
    on one agent, as the DC/OS agent overlay module wrote it.
  - The C(bridge) plugin on the Mesos bridge C(m-<overlay>), C(host-local) IPAM on the agent's Mesos half, gateway on,
    IP masquerade off, hairpin on, a default route, the overlay MTU; IPv6 alongside when the overlay has it.
  - With O(port_mapper=true), wrapped in C(mesos-cni-port-mapper), which delegates to the bridge config.
  - C(cniVersion) is C(0.2.0) because Mesos' CNI isolator parses a plugin's result as CNI 0.2.0 (C(ip4) and C(ip6)
    objects) and the plugins answer in the version the config names; so Mesos records the container's addresses.
options:
  name:
    description: The agent (its inventory hostname).
    type: str
    required: true
  overlay:
    description: The overlay's name.
    type: str
    required: true
extends_documentation_fragment:
  - mesos.overlay.allocation
  - mesos.overlay.cni
"""

EXAMPLES = r"""
- name: Write the CNI config of overlay dcos
  ansible.builtin.copy:
    content: "{{ mesos_overlay_allocation | mesos.overlay.cni_config(inventory_hostname, 'dcos') | to_nice_json }}"
    dest: /var/lib/mesos/cni/config/dcos.conf
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The CNI config.
  type: dict
  sample:
    cniVersion: 0.2.0
    name: dcos
    type: bridge
    bridge: m-dcos
    isGateway: true
    ipMasq: false
    hairpinMode: true
    mtu: 1420
    ipam:
      type: host-local
      ranges: [[{subnet: 9.0.1.0/25}]]
      routes: [{dst: 0.0.0.0/0}]
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("cni_config", "plugin_utils._render", "member_cni_config")
