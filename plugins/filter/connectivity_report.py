# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: connectivity_report
short_description: The connectivity matrix of the overlay and the likely cause of each broken pair
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Turns the probes that the verify playbook ran between hosts into a matrix (one row per source host) and a list of
    broken pairs, each with what failed and its likely cause, a missing or wrong peer entry, a VTEP that differs from
    the allocation, the MTU, the firewall or forwarding on the far host, or the underlay.
  - A host that differs from the allocation is broken too, naming what differs, even when all its probes pass; so is
    a pair of O(expected) hosts with no probe, and an empty matrix.
options:
  _input:
    description:
      - Per host, what M(mesos.overlay.probes) returned as its RV(mesos.overlay.probes#module:probes) (each with
        C(to), C(kind), C(target), C(ok) and C(source)); a host with null probed nothing.
      - Or the probes already as a list, each C({from, to, kind, target, ok}).
      - Kinds are C(vtep), C(vtep6), C(mtu), C(mtu+1) or C(docker <overlay>). Another shape is refused, naming the
        host and the item (before 5.0.0 this took the registered results of a loop of ping commands).
    type: raw
    required: true
  allocation:
    description: The allocation (to tell which peer entries concern which host).
    type: dict
    required: true
  drift:
    description:
      - Per host, what the roles run in check mode would change, the fact C(mesos_overlay_changes) they set
        (see M(mesos.overlay.changes_of#filter)).
    type: dict
    default: {}
  expected:
    description: The hosts that must all have probed each other.
    type: list
    elements: str
    default: []
  mtu:
    description: The VTEP MTU, for the message.
    type: int
"""

EXAMPLES = r"""
- name: Report
  ansible.builtin.set_fact:
    report: >-
      {{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, ['probed', 'probes'])))
         | mesos.overlay.connectivity_report(mesos_overlay_allocation, drift=drift, mtu=1450) }}
"""

RETURN = r"""
_value:
  description: The report.
  type: dict
  contains:
    matrix:
      description: The matrix as text, per pair C(ok), C(FAIL <failed>/<probes>) or C(-) (not probed).
      type: str
    summary:
      description:
        - What to show a person, failures first, in this order, a line counting the hosts, the probes and those
          the host daemons' peer health answered, with the number of broken lines, then each broken line, then
          the matrix.
      type: str
      version_added: 5.0.0
    broken:
      description:
        - One line per broken pair, with the probes that failed and the likely cause, per pair that was not probed,
          and per host that differs from the allocation.
      type: list
      elements: str
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("connectivity_report", "plugin_utils._report")
