#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: zookeeper_lock
short_description: The run lock in ZooKeeper, held for a whole run
version_added: 5.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - O(state=present) takes the lock C(<path>/lock) with kazoo's lock recipe (ephemeral sequential znodes) and keeps it
    after the task ends, in a small process on the controller that holds the ZooKeeper session; O(state=absent) with
    the RV(holder_pid) releases it.
  - There is no lease to wait out. A run killed with C(kill -9) frees the lock within a second (its holder sees the
    run gone); a controller that loses power frees it when its session expires (10 s).
  - A run that finds the lock held says who holds it (controller, user, playbook, since when) and fails after
    O(timeout) seconds naming the holder.
  - Runs on the controller (an action) with the Python that runs Ansible, which needs the kazoo package.
options:
  state:
    description: V(present) takes the lock, V(absent) releases it.
    type: str
    choices: [present, absent]
    default: present
  timeout:
    description: Seconds to wait for a lock another run holds.
    type: int
    default: 300
  holder_pid:
    description: With O(state=absent), the RV(holder_pid) of the task that took the lock.
    type: int
attributes:
  check_mode:
    support: full
    description: Takes no lock (a preview changes nothing).
extends_documentation_fragment:
  - mesos.overlay.zookeeper
seealso:
  - module: mesos.overlay.zookeeper_state
"""

EXAMPLES = r"""
- name: Take the run lock (a second run waits, then fails naming the holder)
  mesos.overlay.zookeeper_lock:
    url: "{{ mesos_overlay_zookeeper }}"
    timeout: 300
  register: lock

- name: Release it
  mesos.overlay.zookeeper_lock:
    url: "{{ mesos_overlay_zookeeper }}"
    state: absent
    holder_pid: "{{ lock.holder_pid }}"
"""

RETURN = r"""
holder_pid:
  description: The process that holds the lock on the controller.
  returned: when O(state=present)
  type: int
identity:
  description: What this run wrote into the lock (controller, user, playbook, pid, since), what another run shows.
  returned: when O(state=present)
  type: dict
waited:
  description: Seconds spent waiting for the lock.
  returned: when O(state=present)
  type: float
waited_for:
  description: The identity of the run that held the lock while this one waited, or null.
  returned: when O(state=present)
  type: dict
"""
