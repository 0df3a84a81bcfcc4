# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the command that restores a host's data plane at boot.

What dcos-net did at every start: the roles write each host's data plane to a file
(``/etc/mesos-overlay/dataplane.json``, see ``_dataplane``) and copy the collection's
module_utils onto the host; the unit ``mesos-overlay-dataplane.service`` runs

    python3 -m ansible_collections.mesos.overlay.plugins.module_utils._boot [--check] [dataplane.json]

at boot, before Docker and Mesos. It applies the file with the code the dataplane module runs
(``_dataplane.apply`` on a ``_host.CommandHost``), one line per step to stdout (the journal).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys
import time

from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import (
    PLANE_PATH, StepFailed, apply, count_changes)
from ansible_collections.mesos.overlay.plugins.module_utils._host import CommandHost


def main(argv=None, host=None):
    """The restore command: ``[--check] [dataplane.json]``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    check_mode = "--check" in argv
    argv = [arg for arg in argv if arg != "--check"]
    path = argv[0] if argv else PLANE_PATH
    host = host or CommandHost(check_mode=check_mode)
    # At boot the underlay may still be coming up: try again for a while before giving up.
    attempts = int(os.environ.get("MESOS_OVERLAY_ATTEMPTS", "30"))
    try:
        with open(path) as handle:
            plane = json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        sys.stderr.write("cannot read %s: %s\n" % (path, exc))
        return 2
    host.say("restoring the overlay data plane of %s from %s" % (plane.get("host"), path))
    for attempt in range(1, attempts + 1):
        try:
            total = count_changes(apply(plane, host, log=host.say))
            host.say("done: %d change(s)" % total)
            return 0
        except StepFailed as exc:
            sys.stderr.write("attempt %d of %d failed: %s\n" % (attempt, attempts, exc))
            sys.stderr.flush()
            if attempt < attempts:
                time.sleep(2)
    return 1


if __name__ == "__main__":
    # The command's exit status (a module would exit through AnsibleModule; this is no module).
    raise SystemExit(main())
