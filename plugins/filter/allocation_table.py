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
extends_documentation_fragment:
  - mesos.overlay.allocation
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

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module
from ansible_collections.mesos.overlay.plugins.plugin_utils._report import allocation_table as _allocation_table


FilterModule = filter_module("allocation_table", _allocation_table)
