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
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import as_allocation, peers_of
from ansible_collections.mesos.overlay.plugins.plugin_utils._zookeeper_action import URL_OPTION, ZookeeperAction


class ActionModule(ZookeeperAction):
    ARGUMENT_SPEC = {
        "url": URL_OPTION,
        "allocation": {"type": "dict"},
        "version": {"type": "int", "default": -1},
        "timeout": {"type": "int", "default": 10},
    }

    def act(self, result, args, url, task_vars):
        try:
            with session(url, timeout=float(args["timeout"])) as client:
                store = Store(client)
                if args["allocation"] is None:
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
        try:
            allocation = as_allocation(args["allocation"])
        except AllocationError as exc:
            raise AnsibleActionFail(str(exc))
        # Every host's peer entry, decided here: the host daemons only read them.
        peers = dict((peer["name"], peer) for peer in peers_of(allocation))
        if self._task.check_mode:
            operations, _root = store.plan(allocation["state"], args["version"], peers)
            return {"changed": bool(operations) or args["version"] < 0, "version": args["version"],
                    "written": [path for _kind, path, _data in operations]}
        written, version = store.write(allocation["state"], args["version"], peers)
        return {"changed": version != args["version"], "version": version, "written": written}
