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
  - Two tables that fit a terminal of 120 columns, masters first. The members, with one line per host with its role,
    underlay address, VTEP IPv4, IPv6 and MAC. The overlays, with one line per host and overlay with its slice,
    Mesos half and Docker half, the IPv6 ones on a line of their own below; C((off)) marks a disabled overlay.
  - Before 5.0.0 this was one line per host with every overlay beside it (over 200 columns for two dual-stack
    overlays).
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


FilterModule = filter_module("allocation_table", "plugin_utils._report")
