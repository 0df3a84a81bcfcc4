# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: peers
short_description: The peers of one host, from an allocation, in the form vxlan_peers takes
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - From a result of M(mesos.overlay.allocate#filter), lists every other member with its VTEP addresses,
    MAC, underlay address and its slices of every enabled overlay, ready for M(mesos.overlay.vxlan_peers).
  - Members of disabled overlays keep their entries, but no route goes to a disabled overlay's slices.
  - Without O(name), every member (the peer table of a run) - computed once per run, it is what
    M(mesos.overlay.dataplane) takes as O(mesos.overlay.dataplane#module:peers) and leaves the host's own entry out of.
options:
  name:
    description: The host whose peers are wanted (its inventory hostname); without it, every member.
    type: str
  exclude:
    description: Members to leave out, for example hosts that are down or leaving.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - mesos.overlay.allocation
"""

EXAMPLES = r"""
- name: Join the VTEP of this host to all the others
  mesos.overlay.vxlan_peers:
    peers: "{{ mesos_overlay_state | mesos.overlay.peers(inventory_hostname) }}"

- name: The peer table of the whole run, once
  ansible.builtin.set_fact:
    peer_table: "{{ mesos_overlay_state | mesos.overlay.peers }}"
  run_once: true
"""

RETURN = r"""
_value:
  description: One entry per peer (per member without O(name)), sorted by name.
  type: list
  elements: dict
  sample:
    - name: agent-2
      vtep_ip: 44.128.0.3
      vtep_ip6: fd01:a::3
      mac: "70:b3:d5:80:00:03"
      underlay_ip: 192.0.2.22
      subnets: [9.0.2.0/24, "fd01:b:0:0:2::/80"]
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("peers", "plugin_utils._view", "peers_of")
