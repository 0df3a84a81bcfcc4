# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The allocation in ZooKeeper, read and written on the controller (see modules/zookeeper_state.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail

from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import (
    STATE_NODE, Store, StoreConflict, StoreError, session)
from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import AllocationError
from ansible_collections.mesos.overlay.plugins.plugin_utils._state import normalize_state
from ansible_collections.mesos.overlay.plugins.plugin_utils._zookeeper_action import URL_OPTION, ZookeeperAction


class ActionModule(ZookeeperAction):
    ARGUMENT_SPEC = {
        "url": URL_OPTION,
        "state": {"type": "dict"},
        "version": {"type": "int", "default": -1},
        "before": {"type": "dict"},
        "timeout": {"type": "int", "default": 10},
    }

    def act(self, result, args, url, task_vars):
        try:
            with session(url, timeout=float(args["timeout"])) as client:
                store = Store(client)
                if args["state"] is None:
                    return dict(result, **self._read(store, url))
                return dict(result, **self._write(store, url, args))
        except StoreConflict as exc:
            raise AnsibleActionFail("mesos_overlay_zookeeper (%s): %s" % (url.redacted(), exc))
        except StoreError as exc:
            raise AnsibleActionFail("mesos_overlay_zookeeper (%s): %s; nothing was changed on any host"
                                    % (url.redacted(), exc))

    @staticmethod
    def _read(store, url):
        state, version = store.read()
        if state:
            try:
                state = normalize_state(state)
            except AllocationError as exc:
                raise StoreError("the allocation under %s/%s is not a valid state (%s)" % (url.chroot, STATE_NODE, exc))
        return {"changed": False, "state": state, "version": version}

    def _write(self, store, url, args):
        state = args["state"]
        before = args["before"] or {}
        if state == before:
            return {"changed": False, "version": args["version"]}
        if self._task.check_mode:
            return {"changed": True, "version": args["version"]}
        return {"changed": True, "version": store.write(state, args["version"], before=before)}
