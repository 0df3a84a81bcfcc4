# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: group_report
short_description: The group matrix of the verify playbook, expected against observed
version_added: 4.1.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - From probes between containers of each group on different agents (the verify playbook attaches one probe per
    group, and one without a group, through each policed overlay's CNI config), a matrix per overlay of which group
    reached which, against what the policy (M(mesos.overlay.group_policy#filter)) says.
  - A pair is broken when a probe disagrees with the policy - reached where the policy denies, or blocked where it
    allows; the line names the probes.
options:
  _input:
    description:
      - One entry per probe - C(overlay), C(from) and C(to) (group numbers, 0 for no group), C(family), C(source)
        and C(target) (hosts), C(reached) (bool); or the registered results of a loop over the pings of
        M(mesos.overlay.group_probe_plan#filter) (C(item) the ping, C(rc) 0 when it was answered).
    type: list
    elements: dict
    required: true
  policy:
    description: The checked policy, as M(mesos.overlay.group_policy#filter) returns it.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The group matrix
  ansible.builtin.debug:
    msg: "{{ (probes | mesos.overlay.group_report(mesos_overlay_policy)).matrix }}"
"""

RETURN = r"""
_value:
  description: C(matrix), one table per overlay (rows from, columns to), and C(broken), one line per pair that differs.
  type: dict
  contains:
    matrix:
      description: The tables, as text.
      type: str
    broken:
      description: One line per pair whose probes disagree with the policy.
      type: list
      elements: str
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("group_report", "plugin_utils._report")
