# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: saved_allocation
short_description: The allocation a saved state holds, in the shape the allocate filter returns
version_added: 2.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - The state the masters keep holds only what was allocated. This filter derives from it, without allocating
    anything, what M(mesos.overlay.allocate#filter) returns (C(network), C(members) with every member's VTEP, MAC,
    slices and bridges, C(agents), C(masters), C(released) empty, C(state)), the one shape the filters that read an
    allocation take. Do it once per run.
  - Reads both state formats (the one of mesos.overlay 1.0.0 and the current one).
options:
  _input:
    description: A saved state (for example the result of M(mesos.overlay.merge_states#filter)).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The VTEP address of agent-1 as saved on the first master
  ansible.builtin.debug:
    msg: "{{ (state_file.content | b64decode | from_json | mesos.overlay.saved_allocation).members['agent-1'].vtep.ip }}"
"""

RETURN = r"""
_value:
  description: As M(mesos.overlay.allocate#filter) returns it.
  type: dict
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("saved_allocation", "plugin_utils._view")
