# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: probe_plan
short_description: The connectivity probes one overlay host runs towards the others
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - For every other host of the allocation, ping argv lists for its VTEP address (IPv4 and IPv6), a don't-fragment
    packet of the full VTEP MTU (which must cross) and one byte more (which must not), and the gateway of each enabled
    overlay's Docker bridge on agents. The verify playbook runs them and feeds the results to
    M(mesos.overlay.connectivity_report#filter).
options:
  host:
    description: The host that runs the probes.
    type: str
    required: true
  vtep_mtu:
    description: The VTEP MTU.
    type: int
    default: 1450
  others:
    description: Only probe these hosts (for example the reachable ones); all others when not given.
    type: list
    elements: str
extends_documentation_fragment:
  - mesos.overlay.allocation
"""

EXAMPLES = r"""
- name: Probe the other hosts
  ansible.builtin.command:
    argv: "{{ item.argv }}"
  loop: "{{ mesos_overlay_allocation | mesos.overlay.probe_plan(inventory_hostname) }}"
  register: probes
  changed_when: false
  failed_when: false
"""

RETURN = r"""
_value:
  description: The probes, each C({to, kind, target, argv, expect_ok}).
  type: list
  elements: dict
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("probe_plan", "plugin_utils._report")
