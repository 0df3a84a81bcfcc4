# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests run as any user: Ansible's own directories (ANSIBLE_HOME, its local temp) go to a
directory of this run, not to a home directory the user may not be able to write."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import os
import shutil
import tempfile

from hypothesis import settings
from hypothesis.database import InMemoryExampleDatabase

_ANSIBLE_DIR = tempfile.mkdtemp(prefix="mesos-overlay-units-")
atexit.register(shutil.rmtree, _ANSIBLE_DIR, True)
os.environ["ANSIBLE_HOME"] = _ANSIBLE_DIR
os.environ["ANSIBLE_LOCAL_TEMP"] = os.path.join(_ANSIBLE_DIR, "tmp")
# The data plane's apply lock of this run, not the host's /run/mesos-overlay.
os.environ["MESOS_OVERLAY_APPLY_LOCK"] = os.path.join(_ANSIBLE_DIR, "apply.lock")

# Hypothesis keeps the examples it found in the checkout's .hypothesis; a user who cannot write
# there (a read-only or another user's checkout) keeps them in memory for the run, without a
# warning from every property test.
_CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_EXAMPLES = os.path.join(_CHECKOUT, ".hypothesis")
if not os.access(_EXAMPLES if os.path.exists(_EXAMPLES) else _CHECKOUT, os.W_OK):
    settings.register_profile("unwritable-checkout", database=InMemoryExampleDatabase())
    settings.load_profile("unwritable-checkout")
