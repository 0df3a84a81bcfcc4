# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: cni_files
short_description: The CNI config files of every enabled overlay on an agent
version_added: 2.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - From a host's view (M(mesos.overlay.host_view#filter)), one CNI config per enabled overlay, path to text, as
    M(mesos.overlay.cni_config#filter) makes it. Empty on a master.
options:
  cni_dir:
    description: The directory of the configs (the agent's C(--network_cni_config_dir)).
    type: str
    required: true
  ipam_dir:
    description:
      - Where the C(host-local) IPAM plugin keeps its leases (its C(dataDir)). A directory on tmpfs (under C(/run))
        forgets them at a reboot, when the containers that held them are gone too.
    type: str
  disabled:
    description: Also the path of each disabled overlay's config, to null (a file that must not exist).
    type: bool
    default: false
    version_added: 5.0.0
extends_documentation_fragment:
  - mesos.overlay.allocation.view
  - mesos.overlay.cni
"""

EXAMPLES = r"""
- name: Write the CNI configs
  ansible.builtin.copy:
    content: "{{ item.value }}"
    dest: "{{ item.key }}"
    mode: "0644"
  loop: "{{ mesos_overlay_host | mesos.overlay.cni_files('/var/lib/mesos/cni/config') | dict2items }}"
"""

RETURN = r"""
_value:
  description: The files, path to text (JSON).
  type: dict
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("cni_files", "plugin_utils._render")
