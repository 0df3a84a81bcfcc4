# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: mesos_files
short_description: The Mesos flag files of a master or an agent (and the DC/OS module configs when asked for)
version_added: 2.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - From a host's view (M(mesos.overlay.host_view#filter)), the flag files a packaged Apache Mesos reads (one file per
    flag), each path with its text, or with null for a file that must not exist.
  - On an agent, C(network_cni_config_dir), C(network_cni_plugins_dir) and C(isolation) - the isolators the host
    already has (O(settings) C(isolation), the current text of the flag file), in their order, then
    O(settings) C(isolators); Mesos' default C(posix/cpu,posix/mem) first when the host has no such file.
  - No C(modules) flag by default, since Mesos exits at start on a module it cannot load. Module configs an
    earlier version wrote (C(master_modules.json), C(agent_modules.json), C(overlay-config.json),
    C(master-config.json), C(agent-config.json)) come out null, and so does the C(modules) flag when its text names
    one of them (a flag the operator wrote is left alone).
  - With O(settings) C(dcos_modules), the DC/OS overlay modules as the current dcos-mesos-modules reads them -
    C(com_mesosphere_mesos_OverlayMasterManager) with C(master_config) (C(master-config.json)),
    C(com_mesosphere_mesos_OverlayAgentManager) with C(agent_config) (C(agent-config.json)) - and the C(modules) flag.
options:
  settings:
    description:
      - C(config_dir), C(dcos_modules), C(module_library), C(modules_flag) (current text of the C(modules) flag file,
        or null); on masters C(master_flags_dir) and C(replicated_log_dir); on agents C(agent_flags_dir),
        C(master_address), C(cni_dir), C(cni_plugins_dir), C(isolation) (current text of the C(isolation) flag file,
        or null), C(isolators), C(mtu) and C(docker_networks).
    type: dict
    required: true
extends_documentation_fragment:
  - mesos.overlay.allocation.view
"""

EXAMPLES = r"""
- name: Write the Mesos files of this host
  ansible.builtin.copy:
    content: "{{ item.value }}"
    dest: "{{ item.key }}"
    mode: "0644"
  loop: "{{ mesos_overlay_host | mesos.overlay.mesos_files(settings) | dict2items | rejectattr('value', 'none') }}"
  vars:
    settings:
      config_dir: /etc/mesos-overlay
      agent_flags_dir: /etc/mesos-slave
      cni_dir: /var/lib/mesos/cni/config
      cni_plugins_dir: /usr/lib/cni
      isolation: "cgroups/cpu,cgroups/mem\n"
      isolators: [network/cni]
"""

RETURN = r"""
_value:
  description: The files, path to text (null - the file must not exist).
  type: dict
  sample:
    /etc/mesos-slave/isolation: "cgroups/cpu,cgroups/mem,network/cni\n"
    /etc/mesos-slave/network_cni_config_dir: "/var/lib/mesos/cni/config\n"
    /etc/mesos-slave/network_cni_plugins_dir: "/usr/lib/cni\n"
    /etc/mesos-overlay/agent_modules.json: null
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("mesos_files", "plugin_utils._render")
