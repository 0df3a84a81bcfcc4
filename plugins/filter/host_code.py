# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: host_code
short_description: The collection's host-side code, as files to copy onto a host
version_added: 5.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Every file of the collection's C(plugins/module_utils) (the code the modules run, plain Python), as
    M(mesos.overlay.files) takes them, under the package path C(ansible_collections/mesos/overlay/plugins/module_utils)
    of a directory on the host.
  - The host's boot command and the group plugin run that copy without Ansible; the list is derived here, from the
    installed collection, so a new module_utils file reaches the hosts without any task changing.
options:
  _input:
    description: The directory on the host that the package path goes under (put it on C(PYTHONPATH)).
    type: path
    required: true
"""

EXAMPLES = r"""
- name: Copy the host-side code
  mesos.overlay.files:
    files: "{{ '/usr/lib/mesos-overlay/python' | mesos.overlay.host_code }}"
"""

RETURN = r"""
_value:
  description: One entry per file, sorted by path, each with C(path) and C(content) (the file's text).
  type: list
  elements: dict
  sample:
    - path: /usr/lib/mesos-overlay/python/ansible_collections/mesos/overlay/plugins/module_utils/_boot.py
      content: "# -*- coding: utf-8 -*-\n..."
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("host_code", "plugin_utils._host_code")
