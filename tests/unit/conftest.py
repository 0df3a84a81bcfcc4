# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests run as any user: Ansible's own directories (ANSIBLE_HOME, its local temp) go to a
directory of this run, not to a home directory the user may not be able to write; a test that
starts Python asks for the ``interpreter`` fixture, one this user can start."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import os
import shutil
import subprocess
import sys
import tempfile

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase, InMemoryExampleDatabase

_ANSIBLE_DIR = tempfile.mkdtemp(prefix="mesos-overlay-units-")
atexit.register(shutil.rmtree, _ANSIBLE_DIR, True)
os.environ["ANSIBLE_HOME"] = _ANSIBLE_DIR
os.environ["ANSIBLE_LOCAL_TEMP"] = os.path.join(_ANSIBLE_DIR, "tmp")
# The data plane's apply lock of this run, not the host's /run/mesos-overlay.
os.environ["MESOS_OVERLAY_APPLY_LOCK"] = os.path.join(_ANSIBLE_DIR, "apply.lock")

# Hypothesis keeps the examples it found in the checkout's .hypothesis (whatever the working
# directory); a user who cannot write there (a read-only or another user's checkout) keeps them
# in memory for the run, without a warning from every property test.
_CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_EXAMPLES = os.path.join(_CHECKOUT, ".hypothesis")
settings.register_profile("mesos-overlay", database=DirectoryBasedExampleDatabase(os.path.join(_EXAMPLES, "examples"))
                          if os.access(_EXAMPLES if os.path.exists(_EXAMPLES) else _CHECKOUT, os.W_OK)
                          else InMemoryExampleDatabase())
settings.load_profile("mesos-overlay")


class Interpreter:
    """A Python this user can start, with the packages of the one running the tests.

    Usually the tests' own (``sys.executable``). Where this user cannot start it (a venv made as
    root, whose base interpreter lies in a home others cannot enter, run by an unprivileged user
    through an interpreter of the system), the same version's on PATH, given the tests' sys.path.
    """

    def __init__(self):
        self.executable, self.env = sys.executable, dict(os.environ)
        try:
            subprocess.run([sys.executable, "-c", ""], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError):
            self.executable = shutil.which("python%d.%d" % sys.version_info[:2]) or shutil.which("python3")
            self.env["PYTHONPATH"] = os.pathsep.join(entry for entry in sys.path if entry)


@pytest.fixture(scope="session")
def interpreter():
    return Interpreter()
