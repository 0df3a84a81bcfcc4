# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: allocation_table
short_description: The overlay allocation as a text table
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - One line per host (masters first) with its role, underlay address, VTEP IPv4, IPv6 and MAC,
    and per overlay its slice, Mesos half and Docker half.
options:
  _input:
    description: A result of M(mesos.overlay.allocate#filter), or the state saved on the masters.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Show the allocation
  ansible.builtin.debug:
    msg: "{{ mesos_overlay_allocation | mesos.overlay.allocation_table }}"
"""

RETURN = r"""
_value:
  description: The table, lines separated by newlines.
  type: str
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import reported
from ansible_collections.mesos.overlay.plugins.plugin_utils._report import allocation_table as _allocation_table


@reported("allocation_table")
def allocation_table(*args, **kwargs):
    return _allocation_table(*args, **kwargs)


class FilterModule(object):
    def filters(self):
        return {"allocation_table": allocation_table}
