# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: changes_of
short_description: What the overlay's roles changed on a host, by area
version_added: 2.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Summarises the roles' registered results as a dictionary of lists, what changed by area. The master and agent
    roles set the result on every host as the fact C(mesos_overlay_changes). Run in check mode (as the verify playbook does), it is what
    differs from the allocation.
  - Areas C(vtep) and C(peers) keep the C(changes) of M(mesos.overlay.vxlan_link) and M(mesos.overlay.vxlan_peers);
    the others (C(boot files), C(boot data plane), C(firewall), C(sysctl), C(cni), C(docker), C(mesos), C(teardown cni),
    C(teardown docker)) list short lines (a path, a chain and its changes, a network). An area with nothing changed
    has an empty list.
options:
  _input:
    description: The registered results by area, a result being a module's or a loop's (with C(results)).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: What this run changed here
  ansible.builtin.set_fact:
    changed_here: "{{ {'vtep': vtep_result, 'cni': cni_result} | mesos.overlay.changes_of }}"
"""

RETURN = r"""
_value:
  description: What changed, by area (an empty list where nothing did).
  type: dict
  sample: {vtep: [], peers: [], cni: ["/var/lib/mesos/cni/config/dcos.conf: /var/lib/mesos/cni/config/dcos.conf"]}
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("changes_of", "plugin_utils._report")
