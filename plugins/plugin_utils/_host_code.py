# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host-side code the roles copy onto hosts: every file of module_utils, found where the
collection is installed (plain Python, no Ansible imports)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.mesos.overlay.plugins.module_utils import _dataplane
from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import field_error

PACKAGE = "ansible_collections/mesos/overlay/plugins/module_utils"


def module_utils_files():
    """{file name: text} of every Python file of module_utils."""
    directory = os.path.dirname(os.path.abspath(_dataplane.__file__))
    files = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".py"):
            with open(os.path.join(directory, name)) as handle:
                files[name] = handle.read()
    return files


def host_code(directory):
    """The files module's entries that put module_utils under ``directory`` on a host."""
    if not isinstance(directory, str) or not directory.startswith("/"):
        raise field_error("directory", directory, "is not an absolute path")
    base = directory.rstrip("/") + "/" + PACKAGE
    return [{"path": "%s/%s" % (base, name), "content": text} for name, text in module_utils_files().items()]
