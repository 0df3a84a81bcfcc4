# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: firewall_chains
short_description: The overlay's firewall chains on a host, as mesos.overlay.firewall_chain takes them
version_added: 2.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - From a host's view (M(mesos.overlay.host_view#filter)), the overlay's chains, one item per chain.
  - C(MESOS-OVERLAY-VXLAN) (filter table, jumped to from C(INPUT) for the VXLAN port) accepts the underlay addresses
    of members and drops everyone else; absent when O(vxlan_firewall=false).
  - On agents, C(MESOS-OVERLAY-FORWARD) (filter, from C(DOCKER-USER) where Docker runs, else from C(FORWARD)) accepts traffic from and to every enabled overlay,
    IPv4 and IPv6; C(MESOS-OVERLAY-NAT) (nat, from C(POSTROUTING)) leaves traffic between overlay address spaces
    alone and masquerades the rest. Both are absent on masters.
options:
  vxlan_port:
    description: The VXLAN UDP port.
    type: int
    default: 64000
  vxlan_firewall:
    description: Whether only members may send to the VXLAN port.
    type: bool
    default: true
  vxlan_chain:
    description: The name of the VXLAN-port chain.
    type: str
    default: MESOS-OVERLAY-VXLAN
  docker:
    description:
      - Whether Docker runs on the agent (its Docker networks are made); C(MESOS-OVERLAY-FORWARD) is then jumped to
        from C(DOCKER-USER) too (made where missing), which Docker evaluates before its own rules and never reorders.
    type: bool
    default: false
    version_added: 5.0.0
extends_documentation_fragment:
  - mesos.overlay.allocation.view
"""

EXAMPLES = r"""
- name: The overlay's firewall chains
  mesos.overlay.firewall_chain:
    name: "{{ item.name }}"
    table: "{{ item.table }}"
    rules: "{{ item.rules }}"
    rules6: "{{ item.rules6 }}"
    jumps: "{{ item.jumps }}"
    purge_comment: "{{ item.purge_comment }}"
    state: "{{ item.state }}"
  loop: "{{ mesos_overlay_host | mesos.overlay.firewall_chains(vxlan_port=64000) }}"
  loop_control:
    label: "{{ item.name }}"
"""

RETURN = r"""
_value:
  description: One item per chain, C({name, table, state, rules, rules6, jumps, purge_comment}), the options of M(mesos.overlay.firewall_chain).
  type: list
  elements: dict
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("firewall_chains", "plugin_utils._render")
