#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: run_lock
short_description: The lock a run of the overlay's playbooks holds on a Mesos master
version_added: 2.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Two runs that read the allocation state at once would hand out the same free slots. The state role takes this lock
    on every master before it reads the state and releases it after it has written it.
  - O(state=present) waits up to O(timeout) seconds for the lock, then fails with a message that names the lock file,
    its holder and since when. A lock older than O(lease) seconds was left by a run that died and is taken over.
  - The lock is a file created atomically (C(O_EXCL)) on the master, holding the holder's O(token) and O(owner).
    O(state=absent) removes it only when it holds this O(token).
  - Its directory is created (mode C(0750)) where it is missing.
options:
  path:
    description: The lock file.
    type: path
    default: /var/lib/mesos-overlay/state.lock
  token:
    description: What identifies this run (the same on every master). Generate one per run.
    type: str
    required: true
  owner:
    description: Who holds the lock, for the message another run prints (user, controller, playbook).
    type: str
    default: an Ansible run
  timeout:
    description: Seconds to wait for a lock another run holds.
    type: int
    default: 300
  lease:
    description: Seconds after which a lock is taken as left by a run that died.
    type: int
    default: 1800
  read:
    description:
      - A file read once the lock is held (the state file, which the lock guards), returned in RV(content) - the lock
        and the read in one module run. In check mode it is read without the lock.
    type: path
    version_added: 5.0.0
  state:
    description: V(present) takes the lock, V(absent) releases it.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: full
    description: Takes and releases nothing; reports who holds the lock.
  diff_mode:
    support: none
    description: The lock is not a configuration to compare.
"""

EXAMPLES = r"""
- name: Take the lock on every master
  mesos.overlay.run_lock:
    token: "{{ run_token }}"
    owner: "{{ lookup('ansible.builtin.env', 'USER') }} running site.yml"
    timeout: 600
  delegate_to: "{{ item }}"
  loop: "{{ groups['mesos_masters'] | sort }}"
  run_once: true

- name: Release it
  mesos.overlay.run_lock:
    token: "{{ run_token }}"
    state: absent
  delegate_to: "{{ item }}"
  loop: "{{ groups['mesos_masters'] | sort }}"
  run_once: true
"""

RETURN = r"""
holder:
  description: Who held the lock when the module looked (C({token, owner, since, since_text, lease})), or null.
  returned: always
  type: dict
waited:
  description: Seconds spent waiting for the lock.
  returned: when state=present
  type: float
took_over:
  description: The holder of a stale lock that was taken over, or null.
  returned: when state=present
  type: dict
content:
  description: The text of O(read), null where there is no such file.
  returned: when O(read) is given
  type: str
  version_added: 5.0.0
"""

import errno
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mesos.overlay.plugins.module_utils._lock import LockHeld, RunLock


def _read(path):
    """The text of ``path``, or None where there is no such file."""
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENOENT:
            return None
        raise


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", default="/var/lib/mesos-overlay/state.lock"),
            token=dict(type="str", required=True, no_log=False),
            owner=dict(type="str", default="an Ansible run"),
            timeout=dict(type="int", default=300),
            lease=dict(type="int", default=1800),
            read=dict(type="path"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["timeout"] < 0 or params["lease"] < 1:
        module.fail_json(msg="timeout: %r and lease: %r must be 0 or more and 1 or more"
                         % (params["timeout"], params["lease"]))
    lock = RunLock(params["path"], params["token"], params["owner"], timeout=params["timeout"], lease=params["lease"])
    read = {"content": _read(params["read"])} if params["read"] else {}
    holder = lock.holder()
    if module.check_mode:
        module.exit_json(changed=False, holder=holder, **read)
    if params["state"] == "absent":
        module.exit_json(changed=lock.release(), holder=holder)
    directory = os.path.dirname(params["path"])
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o750)
        os.chmod(directory, 0o750)
    try:
        result = lock.acquire()
    except LockHeld as exc:
        module.fail_json(msg=str(exc), holder=lock.holder())
    if result["took_over"]:
        module.warn("took over the lock %s that %s left since %s" % (
            params["path"], result["took_over"].get("owner"), result["took_over"].get("since_text")))
    if params["read"]:
        read = {"content": _read(params["read"])}
    module.exit_json(changed=result["acquired"], holder=holder, waited=result["waited"], took_over=result["took_over"],
                     **read)


if __name__ == "__main__":
    main()
