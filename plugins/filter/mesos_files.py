# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: mesos_files
short_description: The Mesos module configs and flag files of a master or an agent
version_added: 2.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - From a host's view (M(mesos.overlay.host_view#filter)), the files the Mesos master or agent reads, each path with
    its text, ready to be written as they are.
  - On a master, C(overlay-config.json) (the enabled overlays, as the overlay master module reads them),
    C(master_modules.json) (and C(master-config.json) with the C(manager) flavour), and the C(modules) flag file.
  - On an agent, C(agent_modules.json) (and C(agent-config.json) with the C(manager) flavour), and the flag files
    C(modules), C(network_cni_config_dir), C(network_cni_plugins_dir) and C(isolation) (C(network/cni) added).
options:
  _input:
    description: A host view.
    type: dict
    required: true
  settings:
    description:
      - C(config_dir), C(module_library), C(module_flavour) (C(helper) or C(manager)); on masters C(master_flags_dir)
        and C(replicated_log_dir); on agents C(agent_flags_dir), C(master_address), C(cni_dir), C(cni_plugins_dir),
        C(isolation), C(mtu) and C(docker_networks).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Write the Mesos files of this host
  ansible.builtin.copy:
    content: "{{ item.value }}"
    dest: "{{ item.key }}"
    mode: "0644"
  loop: "{{ mesos_overlay_host | mesos.overlay.mesos_files(settings) | dict2items }}"
  vars:
    settings:
      config_dir: /etc/mesos-overlay
      module_library: /usr/lib/mesos/modules/libmesos_network_overlay.so
      module_flavour: helper
      master_flags_dir: /etc/mesos-master
"""

RETURN = r"""
_value:
  description: The files, path to text.
  type: dict
  sample:
    /etc/mesos-master/modules: "file:///etc/mesos-overlay/master_modules.json\n"
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import reported
from ansible_collections.mesos.overlay.plugins.plugin_utils._render import mesos_files as _mesos_files


@reported("mesos_files")
def mesos_files(view, settings):
    return _mesos_files(view, settings)


class FilterModule(object):
    def filters(self):
        return {"mesos_files": mesos_files}
