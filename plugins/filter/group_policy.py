# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: group_policy
short_description: The group policy between container groups, validated and normalised
version_added: 4.1.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Checks C(mesos_overlay_group_policy) against the overlay network before any host changes and returns it
    normalised - group names resolved to numbers, rules as C({from, to, action}).
  - C(groups) maps names to numbers (1-65535) in one place; several names may share a number. Per overlay, C(default)
    (C(allow) or C(deny)) and C(rules), each C({from, to}) with an optional C(action) (C(allow), the default, or
    C(deny)); C(from) and C(to) are group names or numbers.
  - A rule that denies a pair another rule allows is an error naming both rules. So are unknown keys, an overlay
    that is not in the network, a name that is not in C(groups) and a number out of range.
  - A container without a group, a group that no rule names, and the hosts themselves (masters and agents, from their
    VTEP addresses) follow the overlay's default. Traffic from outside the overlay's address spaces and an agent's
    own traffic to its containers are not subject to group policy. A flow is judged by the pair that opened it, on
    every packet - replies pass when the flow is allowed, and a policy change applies to existing flows at once.
  - An empty policy is off - no overlay is filtered by group and the VTEPs carry no group.
options:
  _input:
    description: The policy (C(mesos_overlay_group_policy)); C({}) or null for none.
    type: dict
    required: true
  network:
    description: The overlay network (C(mesos_overlay_network)).
    type: dict
    required: true
"""

EXAMPLES = r"""
# The iovisor demo for Mesos - only the web tier (100) may reach the database (200).
- name: Check the group policy
  ansible.builtin.set_fact:
    policy: "{{ mesos_overlay_group_policy | mesos.overlay.group_policy(mesos_overlay_network) }}"
  vars:
    mesos_overlay_group_policy:
      groups: {web: 100, dns: 100, db: 200}
      overlays:
        dcos:
          default: deny
          rules:
            - {from: web, to: web}
            - {from: web, to: db}
"""

RETURN = r"""
_value:
  description:
    - C(groups) (name to number), C(overlays) (overlay name to C({default, rules})), C(numbers) (every group number
      the policy names) and C(gbp) (whether the VTEPs carry groups - any overlay has a policy).
  type: dict
  sample:
    groups: {db: 200, dns: 100, web: 100}
    overlays:
      dcos:
        default: deny
        rules:
          - {from: 100, to: 100, action: allow}
          - {from: 100, to: 200, action: allow}
    numbers: [100, 200]
    gbp: true
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("group_policy", "plugin_utils._policy")
