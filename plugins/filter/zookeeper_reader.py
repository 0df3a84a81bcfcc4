# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: zookeeper_reader
short_description: The read-only URL the host daemons follow the ZooKeeper store with
version_added: 5.1.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - From the store's URL (C(mesos_overlay_zookeeper)), the same servers and path with the reader's identity - user
    C(<user>-reader), a password derived from the writer's by an HMAC - which the overlay's znodes let read and nothing
    else (M(mesos.overlay.zookeeper_state) writes them with that ACL). A host holds this, never the writer's password,
    so a compromised host cannot change the allocation.
  - A URL without credentials is returned as it is (the znodes are then open to everyone).
  - The vtep role writes it to the host's store file (root only, mode 0600) without logging it.
options:
  _input:
    description: The store's URL, C(zk://[user:password@]host:port,.../path).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: The URL a host's daemon reads the store with
  ansible.builtin.set_fact:
    reader: "{{ 'zk://overlay:s3cret@zk-1:2181,zk-2:2181/mesos-overlay' | mesos.overlay.zookeeper_reader }}"
  no_log: true
"""

RETURN = r"""
_value:
  description: The reader's URL.
  type: str
  sample: zk://overlay-reader:0f1e2d3c4b5a69788796a5b4c3d2e1f0@zk-1:2181,zk-2:2181/mesos-overlay
"""

from ansible_collections.mesos.overlay.plugins.plugin_utils._filter_errors import filter_module


FilterModule = filter_module("zookeeper_reader", "module_utils._zkstore", "reader_url")
