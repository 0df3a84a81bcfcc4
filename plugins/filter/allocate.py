# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: allocate
short_description: Allocate VTEPs and overlay subnet slices to Mesos masters and agents
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Does what the DC/OS overlay master module did as IPAM, once per run on the controller.
  - Every member gets the lowest free host address of O(vtep_subnet) (and of O(vtep_subnet6)),
    a MAC made of the OUI and the low three bytes of that address, and per enabled overlay the
    lowest free C(/prefix) slice of its O(overlays[].subnet) (and C(/prefix6) of O(overlays[].subnet6)).
  - Agents' slices split in two halves, the first for the Mesos bridge C(m-<overlay>), the second for the
    Docker bridge C(d-<overlay>). Masters get a VTEP and a slice but no bridges.
  - New members are allocated masters first, then agents, each by inventory hostname.
  - Allocations in O(state) never move. Members absent from O(members) keep their entry until
    named in O(release). A disabled overlay (C(enabled=false)) keeps its slices for when it comes back.
  - Bad input fails the task with a message naming the field and the value, before anything is allocated.
options:
  _input:
    description:
      - The network configuration, keys as in the overlay module's C(overlay-config.json).
    type: dict
    required: true
    suboptions:
      vtep_subnet:
        description: IPv4 network of the VTEP addresses; prefix length 8 to 30.
        type: str
        required: true
      vtep_subnet6:
        description: IPv6 network of the VTEP addresses. Required when an overlay has O(overlays[].subnet6).
        type: str
      vtep_mac_oui:
        description: First three bytes of every VTEP MAC, written as a MAC whose last three bytes are zero. Must be unicast.
        type: str
        required: true
      overlays:
        description: The overlay networks, at least one.
        type: list
        elements: dict
        required: true
        suboptions:
          name:
            description:
              - Unique, at most 13 characters, letters, digits, C(_), C(.) and C(-); not C(host), C(bridge), C(default) or C(none).
            type: str
            required: true
          subnet:
            description: IPv4 network of the overlay; must not overlap another address space.
            type: str
            required: true
          prefix:
            description: Prefix length of each member's slice; at most 29 so each half has usable addresses.
            type: int
            required: true
          subnet6:
            description: IPv6 network of the overlay.
            type: str
          prefix6:
            description: Prefix length of each member's IPv6 slice; required with O(overlays[].subnet6).
            type: int
          enabled:
            description: A disabled overlay keeps its allocations but gets no new ones.
            type: bool
            default: true
  members:
    description:
      - The cluster members, in any order, each C({name, ip, role}) with the inventory hostname,
        the underlay IPv4 address and C(master) or C(agent).
    type: list
    elements: dict
    required: true
  state:
    description: A result this filter returned before (possibly after a trip through JSON).
    type: dict
  release:
    description: Names whose allocations are freed. A name still in O(members) is an error; an unknown name is ignored.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Allocate the whole cluster once, on the controller
  ansible.builtin.set_fact:
    mesos_overlay_state: >-
      {{ mesos_overlay_network | mesos.overlay.allocate(members, state=previous_state) }}
  vars:
    members:
      - {name: master-1, ip: 192.0.2.10, role: master}
      - {name: agent-1, ip: 192.0.2.21, role: agent}
    previous_state: {}
  run_once: true
  delegate_to: localhost

- name: Free the allocations of decommissioned agents
  ansible.builtin.set_fact:
    mesos_overlay_state: >-
      {{ mesos_overlay_network | mesos.overlay.allocate(members, state=previous_state, release=['agent-7']) }}
  run_once: true
"""

RETURN = r"""
_value:
  description:
    - The allocation. Feed it back as O(state) next time.
  type: dict
  contains:
    network:
      description: The normalised configuration (all keys present, OUI upper case).
      type: dict
    members:
      description:
        - One entry per member, masters included, by name (before 5.0.0 this was C(agents)). Each holds C(ip), C(role),
          C(vtep) (C(name), C(vni), C(ip), C(ip6), C(mac)) and C(overlays), a dict per overlay with
          C(subnet), C(subnet6), C(enabled), C(mesos_bridge) and C(docker_bridge)
          (each C(name), C(ip), C(ip6), or null on masters).
      type: dict
      sample:
        agent-1:
          ip: 192.0.2.21
          role: agent
          vtep: {name: vtep1024, vni: 1024, ip: 44.128.0.2/20, ip6: null, mac: "70:b3:d5:80:00:02"}
          overlays:
            dcos:
              subnet: 9.0.1.0/24
              subnet6: null
              enabled: true
              mesos_bridge: {name: m-dcos, ip: 9.0.1.0/25, ip6: null}
              docker_bridge: {name: d-dcos, ip: 9.0.1.128/25, ip6: null}
    agents:
      description: The names of the agents among the members, in name order.
      type: list
      elements: str
      version_added: 5.0.0
    masters:
      description: The underlay addresses of the masters, by name.
      type: list
      elements: str
      version_added: 4.0.0
    released:
      description: The names from O(release) whose allocations were freed by this call.
      type: list
      elements: str
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("allocate", "plugin_utils._allocation")
