#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: files
short_description: A set of small text files made so in one module call
version_added: 4.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Makes every file of O(files) hold exactly its text, mode, owner and group, or be absent - reading them all, then
    writing those that differ, each atomically (a temporary file in the same directory renamed over the old one).
  - What the roles use for their configs, flags and the boot unit's code. A loop of M(ansible.builtin.copy) runs two
    modules per file on every run, even when nothing changed; this is one module run for the whole set.
  - Missing parent directories are created with O(directory_mode); existing ones are left as they are.
  - Meant for text (UTF-8) files of a few kilobytes, given whole; for anything else use M(ansible.builtin.copy).
options:
  files:
    description: The files to write or remove.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The file's absolute path.
        type: path
        required: true
      content:
        description: Its whole text. Required with O(files[].state=present).
        type: str
      state:
        description: Whether it must exist.
        type: str
        choices: [present, absent]
        default: present
      mode:
        description: Its mode, in octal.
        type: str
        default: "0644"
      owner:
        description: Its owner.
        type: str
        default: root
      group:
        description: Its group.
        type: str
        default: root
      only_if_exists:
        description:
          - A path; where it does not exist, the file is left alone (neither written nor removed, listed in
            RV(skipped_paths)). For a file that only matters when a program is installed or running - a
            NetworkManager drop-in (C(/etc/NetworkManager/conf.d)), a systemd unit (C(/run/systemd/system)).
        type: path
  read:
    description:
      - Files to read (before anything is written) and return in RV(contents), for a role that computes what to
        write from what a host already has - one module call instead of a C(slurp) per file.
    type: list
    elements: path
    default: []
  directory_mode:
    description: The mode of the parent directories created.
    type: str
    default: "0755"
attributes:
  diff_mode:
    description: The text of every file that changes, before and after.
    support: full
seealso:
  - module: ansible.builtin.copy
extends_documentation_fragment:
  - mesos.overlay.host
"""

EXAMPLES = r"""
- name: The Mesos agent's flags, and no file an earlier version wrote
  mesos.overlay.files:
    files:
      - path: /etc/mesos-slave/isolation
        content: "cgroups/cpu,cgroups/mem,network/cni\n"
      - path: /etc/mesos-slave/modules
        state: absent

- name: Read the flags a host already has
  mesos.overlay.files:
    read: [/etc/mesos-slave/isolation, /etc/mesos-slave/modules]
  register: flags

- name: A NetworkManager drop-in, only where NetworkManager is installed
  mesos.overlay.files:
    files:
      - path: /etc/NetworkManager/conf.d/mesos-overlay.conf
        content: "[keyfile]\nunmanaged-devices=interface-name:vtep1024\n"
        only_if_exists: /etc/NetworkManager/conf.d
"""

RETURN = r"""
changes:
  description:
    - The files written or removed (in check mode, that would be), each C({kind, key, action, before, after}) with
      C(kind) C(file), C(key) the path, C(before) and C(after) the size, mode and owner (null when absent).
  returned: always
  type: list
  elements: dict
  sample: [{kind: file, key: /etc/mesos-slave/isolation, action: change,
            before: "25 bytes, mode 0644, owner 0:0", after: "37 bytes, mode 0644, owner 0:0"}]
contents:
  description: The text of each file of O(read), null where there is none.
  returned: always
  type: dict
  sample: {/etc/mesos-slave/isolation: "cgroups/cpu,cgroups/mem\n", /etc/mesos-slave/modules: null}
skipped_paths:
  description: The files left alone because their O(files[].only_if_exists) path does not exist.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.mesos.overlay.plugins.module_utils._host import run_module
from ansible_collections.mesos.overlay.plugins.module_utils._files import Files


def main():
    run_module(Files)


if __name__ == "__main__":
    main()
