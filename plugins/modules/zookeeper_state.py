#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: zookeeper_state
short_description: The overlay's allocation in ZooKeeper, read or written on the controller
version_added: 5.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Without O(allocation), reads the allocation under the URL's path and returns it as a state (the shape the state
    files hold, checked as they are) with the version to write against.
  - With O(allocation), writes its state and every member's peer entry in ZooKeeper transactions guarded by
    O(version) - the version it was read at - so a write based on a stale read is refused (another run wrote since),
    never merged. Only the members that differ from what the store holds are written; the root znode
    C(<path>/state) names the members with a digest of each and is the commit point.
  - Layout - C(<path>/state) holds the format, the network and the members' names and digests;
    C(<path>/members/<name>) a member's record and its peer entry (what every host's data plane holds of it, read by
    the host daemons); C(<path>/lock) the run lock (M(mesos.overlay.zookeeper_lock)). 10,000 members fit under
    ZooKeeper's default 1 MB znode limit, and one member's change rewrites only its znode and the root.
  - With credentials in the URL, every znode the collection creates carries a digest ACL - everything for that user,
    reading for its reader C(<user>-reader) (the identity the host daemons use, with a password derived from the
    writer's by an HMAC), nothing for anyone else.
  - Runs on the controller (an action) with the Python that runs Ansible, which needs the kazoo package.
options:
  allocation:
    description: The allocation to write (what P(mesos.overlay.allocate#filter) returns); omit it to read.
    type: dict
  version:
    description: The version the allocation was read at (the RV(version) of the read); C(-1) when there was none yet.
    type: int
    default: -1
  timeout:
    description: Seconds to wait for the ensemble to answer.
    type: int
    default: 10
attributes:
  check_mode:
    support: full
    description: Reads; says whether a write would change the store, writes nothing.
extends_documentation_fragment:
  - mesos.overlay.zookeeper
seealso:
  - module: mesos.overlay.zookeeper_lock
"""

EXAMPLES = r"""
- name: Read the allocation
  mesos.overlay.zookeeper_state:
    url: zk://zk-1:2181,zk-2:2181,zk-3:2181/mesos-overlay
  register: stored

- name: Write the new allocation, unless another run wrote since
  mesos.overlay.zookeeper_state:
    url: zk://zk-1:2181,zk-2:2181,zk-3:2181/mesos-overlay
    allocation: "{{ allocation }}"
    version: "{{ stored.version }}"
"""

RETURN = r"""
state:
  description: What was read, a state (format 2; C({}) when nothing was written yet).
  returned: when O(allocation) is not given
  type: dict
written:
  description: The member znodes written or deleted (in check mode, that would be), by path under the chroot.
  returned: when O(allocation) is given
  type: list
  elements: str
version:
  description: The root znode's version - after the read, or after the write (C(-1) when there is no allocation yet).
  returned: always
  type: int
"""
