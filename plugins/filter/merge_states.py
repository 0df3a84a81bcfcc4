# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: merge_states
short_description: One allocation state from the copies saved on every Mesos master
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Takes the state files read from every master and returns the state to give to M(mesos.overlay.allocate#filter).
  - Identical copies give that copy. Copies that differ are merged member by member when they never contradict each
    other (a master that missed a run, a new master with no file yet).
  - Fails, naming the host, the file, the member and the values, when a copy is not valid JSON or not a state,
    or when two masters give one member different allocations.
options:
  _input:
    description:
      - One item per master, C({host, path, content}); C(content) is the file's text, or null when there is no file yet.
      - Any other shape is refused, naming the item (before 5.0.0 the C(results) of M(ansible.builtin.slurp) were taken
        too; the state role now turns them into this shape once).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Merge what the masters saved
  ansible.builtin.set_fact:
    previous_state: "{{ saved | mesos.overlay.merge_states }}"
  vars:
    saved:
      - {host: master-1, path: /var/lib/mesos-overlay/state.json, content: '{"network": {}, "agents": {}}'}
      - {host: master-2, path: /var/lib/mesos-overlay/state.json, content: null}
"""

RETURN = r"""
_value:
  description: The merged state (C({}) when no master has one yet).
  type: dict
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("merge_states", "plugin_utils._state")
