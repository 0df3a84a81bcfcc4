# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay's host_info module: what a host has, in one look.

Before the run lock is taken, the state role checks on every member that what was asked can
work there (nft for a group policy, kazoo for the ZooKeeper store, prometheus_client for the
metrics, the DC/OS modules' library, a metrics address the daemon can listen on) and reads the
Mesos flags the roles build on. One probe per question was a module run each; this answers them
all in one, and changes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import json
import os
import sys

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._files import Files
from ansible_collections.mesos.overlay.plugins.module_utils._metrics import parse_listen

# Run by the interpreter asked about: which of the modules named in argv import.
_IMPORTS = ("import importlib, json, sys\n"
            "found = {}\n"
            "for name in sys.argv[1:]:\n"
            "    try:\n"
            "        importlib.import_module(name)\n"
            "        found[name] = True\n"
            "    except Exception:\n"
            "        found[name] = False\n"
            "print(json.dumps(found))\n")


def _imports(name):
    try:
        importlib.import_module(name)
        return True
    # Any failure to import (a missing module or one that fails on import) is "not importable".
    except Exception:  # pylint: disable=broad-except
        return False


class HostInfo:
    """The host_info module: paths, programs, Python modules and file contents of a host."""

    ARGUMENT_SPEC = dict(
        paths=dict(type="list", elements="path", default=[]),
        programs=dict(type="list", elements="str", default=[]),
        python=dict(type="path", default="/usr/bin/python3"),
        python_modules=dict(type="list", elements="str", default=[]),
        read=Files.ARGUMENT_SPEC["read"],
        metrics_listen=dict(type="str", default=""),
    )

    def __init__(self, params, host):
        self.params = params
        self.host = host

    def _python_modules(self):
        names = self.params["python_modules"]
        if not names:
            return {}
        python = self.params["python"]
        if not os.path.exists(python):
            return {name: False for name in names}
        if os.path.realpath(python) == os.path.realpath(sys.executable):
            # The interpreter asked about runs this module: asked here, without a second start.
            return {name: _imports(name) for name in names}
        rc, out, err = self.host.run([python, "-c", _IMPORTS] + list(names))
        if rc != 0:
            raise ParameterError("python: %s could not be run (%s)" % (python, (err or out).strip()))
        return json.loads(out)

    def _metrics_listen(self):
        """The metrics address asked for and whether the host daemon would take it (its own parse)."""
        value = self.params["metrics_listen"]
        if value:
            try:
                parse_listen(value)
            except ParameterError:
                return {"value": value, "parses": False}
        return {"value": value, "parses": True}

    def run(self):
        for path in self.params["paths"]:
            if not os.path.isabs(path):
                raise ParameterError("paths: %r is not an absolute path" % path)
        contents = Files({"files": [], "read": self.params["read"], "directory_mode": "0755"}, self.host).contents()
        return {"changed": False,
                "exists": {path: os.path.exists(path) for path in self.params["paths"]},
                "programs": {name: self.host.which(name) for name in self.params["programs"]},
                "python_modules": self._python_modules(),
                "contents": contents,
                "metrics_listen": self._metrics_listen(),
                "python_version": "%d.%d" % sys.version_info[:2]}


__all__ = ("HostInfo",)
