# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: group_probe_plan
short_description: The pings of the verify playbook's group matrix from one agent
version_added: 4.1.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - From the probe containers the verify playbook attached on the probing agents (one per group and one without a
    group, per policed overlay), the pings from each probe of one agent to every probe of the same overlay on the
    other agents, IPv4 and IPv6. Their results go to M(mesos.overlay.group_report#filter).
options:
  _input:
    description: Every probing agent's probe containers - C(host), C(overlay), C(group) (0 for none), C(netns), C(ip4), C(ip6).
    type: list
    elements: dict
    required: true
  host:
    description: The agent the pings start from.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Ping every other agent's probes
  ansible.builtin.command:
    argv: "{{ item.argv }}"
  loop: "{{ endpoints | mesos.overlay.group_probe_plan(inventory_hostname) }}"
  register: pings
  changed_when: false
  failed_when: false
"""

RETURN = r"""
_value:
  description: One entry per ping - C(argv), C(overlay), C(from), C(to), C(family), C(source), C(target).
  type: list
  elements: dict
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("group_probe_plan", "plugin_utils._policy")
