# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The run lock in ZooKeeper, taken and released on the controller (see modules/zookeeper_lock.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from ansible.errors import AnsibleActionFail

from ansible_collections.mesos.overlay.plugins.plugin_utils._host_code import host_code
from ansible_collections.mesos.overlay.plugins.plugin_utils._zookeeper_action import URL_OPTION, ZookeeperAction


def _holder_tree():
    """A private directory with the collection's module_utils, for the holder to import (the
    collection loader of this process is not the holder's); the holder removes it when it ends."""
    tree = tempfile.mkdtemp(prefix="mesos-overlay-lock-")
    for entry in host_code(tree):
        os.makedirs(os.path.dirname(entry["path"]), exist_ok=True)
        with open(entry["path"], "w") as handle:
            handle.write(entry["content"])
    return tree


class ActionModule(ZookeeperAction):
    ARGUMENT_SPEC = {
        "url": URL_OPTION,
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "timeout": {"type": "int", "default": 300},
        "holder_pid": {"type": "int"},
    }

    def act(self, result, args, url, task_vars):
        if self._task.check_mode:
            result.update(changed=False, skipped=True, msg="check mode takes no lock")
            return result
        if args["state"] == "absent":
            return dict(result, **self._release(args["holder_pid"]))
        return dict(result, **self._take(args, url, task_vars))

    def _take(self, args, url, task_vars):
        identity = {"controller": socket.gethostname(), "user": getpass.getuser(),
                    "playbook": task_vars.get("ansible_play_name") or "", "pid": os.getppid(),
                    "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        tree = _holder_tree()
        environment = dict(os.environ, PYTHONPATH=tree, MESOS_OVERLAY_HOLDER_TREE=tree)
        # What the holder says on stderr (a Python that lacks kazoo, a crash) goes into the failure.
        errors = tempfile.TemporaryFile(mode="w+")
        # The run is this worker's parent (ansible-playbook); the holder outlives the worker.
        holder = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "ansible_collections.mesos.overlay.plugins.module_utils._zklock",
             str(os.getppid()), str(args["timeout"])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=environment,
            start_new_session=True, universal_newlines=True)
        holder.stdin.write(args["url"] + "\n" + json.dumps(identity, sort_keys=True) + "\n")
        holder.stdin.close()
        waited_for = None
        started = time.time()
        for line in holder.stdout:
            said = json.loads(line)
            if "waiting" in said:
                waited_for = said["waiting"]
                self._display.display("mesos.overlay.zookeeper_lock: waiting for the lock of %s, held by %s"
                                      % (url.redacted(), json.dumps(waited_for, sort_keys=True)))
            elif "acquired" in said:
                holder.stdout.close()
                errors.close()
                return {"changed": False, "holder_pid": holder.pid, "identity": identity,
                        "waited": round(time.time() - started, 1), "waited_for": waited_for}
            elif "error" in said:
                holder.wait()
                raise AnsibleActionFail("mesos_overlay_zookeeper: %s" % said["error"])
        holder.wait()
        shutil.rmtree(tree, ignore_errors=True)
        errors.seek(0)
        raise AnsibleActionFail("mesos_overlay_zookeeper: the lock holder (%s) ended (status %s) without the lock: %s"
                                % (sys.executable, holder.returncode, errors.read()[-2000:].strip()))

    @staticmethod
    def _release(pid):
        if not pid:
            return {"changed": False, "msg": "no lock held"}
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return {"changed": False, "msg": "the holder had ended (its lock with it)"}
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                waited = os.waitpid(pid, os.WNOHANG)[0]
            except ChildProcessError:
                # Not our child (another worker started it): watch it end.
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                waited = 0
            if waited == pid:
                break
            time.sleep(0.1)
        return {"changed": False}
