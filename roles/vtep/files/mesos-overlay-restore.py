# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Restores this host's overlay data plane from dataplane.json, without Ansible.

The code that reads, plans and applies is the collection's module_utils (copied next to this
file by the vtep role); this file only gives it what AnsibleModule gives the modules: a way to
run a command. Usage: mesos-overlay-restore [--check] [/etc/mesos-overlay/dataplane.json]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys

from ansible_collections.mesos.overlay.plugins.module_utils._boot import main


def run_command(argv, environ_update=None, data=None):
    env = dict(os.environ)
    env.update(environ_update or {})
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            universal_newlines=True)
    out, err = proc.communicate(data)
    return proc.returncode, out, err


if __name__ == "__main__":
    sys.exit(main(run_command))
