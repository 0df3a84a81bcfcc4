# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: host_view
short_description: Everything one host of the overlay is configured from
version_added: 2.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Derives a host's view from a result of M(mesos.overlay.allocate#filter) or from the state saved on the masters
    (either state format). The state holds only what was allocated; the MAC, the VTEP name and VNI, the bridges,
    halves and gateways, the peers and the address spaces of the overlay are derived here and nowhere else.
  - The roles set it once per host as the fact C(mesos_overlay_host) and configure the host from it.
options:
  name:
    description: The host (its inventory hostname).
    type: str
    required: true
  peers:
    description:
      - Whether the view holds C(peers) and C(members), both as long as the cluster.
      - The roles keep views without them (a per-host list of every member makes a run grow with the square of the
        cluster) and give every host the run's one peer table instead (M(mesos.overlay.peers#filter) without a
        name), which M(mesos.overlay.dataplane) completes on the host.
    type: bool
    default: true
    version_added: 4.0.0
extends_documentation_fragment:
  - mesos.overlay.allocation
"""

EXAMPLES = r"""
- name: What this host must be
  ansible.builtin.set_fact:
    mesos_overlay_host: "{{ mesos_overlay_allocation | mesos.overlay.host_view(inventory_hostname) }}"

- name: What the roles keep per host (no peers, no members)
  ansible.builtin.set_fact:
    mesos_overlay_host: "{{ mesos_overlay_allocation | mesos.overlay.host_view(inventory_hostname, peers=false) }}"
"""

RETURN = r"""
_value:
  description:
    - The host's entry of M(mesos.overlay.allocate#filter) (C(ip), C(role), C(vtep), C(overlays); each bridge
      also with its C(gateway) and C(gateway6)), and the keys below.
  type: dict
  contains:
    name:
      description: The host's inventory hostname.
      type: str
    enabled:
      description: The enabled overlays in which the host holds a slice, in configuration order.
      type: list
      elements: str
    disabled:
      description: The overlays that are switched off (their devices, configs and networks are removed).
      type: list
      elements: str
    peers:
      description:
        - Every other member, as M(mesos.overlay.vxlan_peers) takes them (see M(mesos.overlay.peers#filter)).
        - Not there with O(peers=false).
      type: list
      elements: dict
    members:
      description: The underlay addresses of every member, the only senders of VXLAN packets accepted. Not there with O(peers=false).
      type: list
      elements: str
    masters:
      description: The underlay addresses of the masters, by name.
      type: list
      elements: str
    internal4:
      description: The IPv4 address spaces of the overlay (VTEP subnet and overlay subnets), never masqueraded.
      type: list
      elements: str
    internal6:
      description: The IPv6 address spaces of the overlay.
      type: list
      elements: str
    ipv6:
      description: Whether an overlay carries IPv6.
      type: bool
    network:
      description: The normalised configuration.
      type: dict
  sample:
    name: agent-1
    ip: 192.0.2.21
    role: agent
    vtep: {name: vtep1024, vni: 1024, ip: 44.128.0.2/20, ip6: null, mac: "70:b3:d5:80:00:02"}
    overlays:
      dcos:
        subnet: 9.0.1.0/24
        subnet6: null
        enabled: true
        mesos_bridge: {name: m-dcos, ip: 9.0.1.0/25, ip6: null, gateway: 9.0.1.1, gateway6: null}
        docker_bridge: {name: d-dcos, ip: 9.0.1.128/25, ip6: null, gateway: 9.0.1.129, gateway6: null}
    enabled: [dcos]
    disabled: []
    peers: [{name: master-1, vtep_ip: 44.128.0.1, vtep_ip6: null, mac: "70:b3:d5:80:00:01",
             underlay_ip: 192.0.2.10, subnets: [9.0.0.0/24]}]
    members: [192.0.2.10, 192.0.2.21]
    masters: [192.0.2.10]
    internal4: [44.128.0.0/20, 9.0.0.0/8]
    internal6: []
    ipv6: false
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("host_view", "plugin_utils._view")
