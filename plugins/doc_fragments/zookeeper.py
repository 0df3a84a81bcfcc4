# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """What the actions on the ZooKeeper store share: the URL, and running on the controller."""

    DOCUMENTATION = r"""
options:
  url:
    description:
      - The store, in the form Mesos' C(--zk) flag takes - C(zk://[user:password@]host1:2181,host2:2181/path); the path
        is the overlay's own (a chroot). The password is never logged, nor in any process's arguments.
    type: str
    required: true
attributes:
  action:
    support: full
    description: An action - it runs on the controller, not on a host.
  diff_mode:
    support: none
    description: The store is not a file to compare.
  platform:
    support: full
    platforms: posix
    description: Runs on the controller, with the Python that runs Ansible.
requirements:
  - kazoo (PyPI) in the Python that runs Ansible.
"""
