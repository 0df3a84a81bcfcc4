# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""host_info on this machine: paths, programs, the imports of a real interpreter, file contents."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._host import CommandHost
from ansible_collections.mesos.overlay.plugins.module_utils._hostinfo import HostInfo

from .fakes import FakeModule


def info(host=None, **params):
    base = {"paths": [], "programs": [], "python": sys.executable, "python_modules": [], "read": [], "metrics_listen": ""}
    base.update(params)
    return HostInfo(base, host or CommandHost()).run()


def test_each_question_is_answered_and_nothing_changes(tmp_path):
    flag = tmp_path / "isolation"
    flag.write_text("cgroups/cpu\n")
    result = info(FakeModule({}, missing_bins=("nft",)), paths=[str(flag), str(tmp_path / "none")],
                  programs=["nft", "ip"], read=[str(flag), str(tmp_path / "modules")])
    assert result["changed"] is False
    assert result["exists"] == {str(flag): True, str(tmp_path / "none"): False}
    assert result["programs"] == {"nft": None, "ip": "/sbin/ip"}
    assert result["contents"] == {str(flag): "cgroups/cpu\n", str(tmp_path / "modules"): None}


def test_the_interpreter_asked_imports_for_real(interpreter):
    result = info(python=interpreter.executable, python_modules=["json", "mesos_overlay_no_such_module"])
    assert result["python_modules"] == {"json": True, "mesos_overlay_no_such_module": False}


def test_a_missing_interpreter_imports_nothing(tmp_path):
    result = info(python=str(tmp_path / "python9"), python_modules=["json"])
    assert result["python_modules"] == {"json": False}


def test_a_relative_path_is_refused():
    with pytest.raises(ParameterError, match=r"paths: 'etc' is not an absolute path"):
        info(paths=["etc"])


def test_another_interpreter_is_asked_in_a_process_of_its_own(tmp_path):
    python = tmp_path / "python3"
    python.symlink_to("/bin/sh")
    host = FakeModule({})
    host.run = lambda argv, data=None, env=None: (0, '{"kazoo": true}', "")
    assert info(host, python=str(python), python_modules=["kazoo"])["python_modules"] == {"kazoo": True}


@pytest.mark.parametrize("value, parses", [
    ("", True),
    ("198.19.50.21:9732", True),
    ("[fd00::1]:9732", True),
    ("198.19.50.21:99999", False),
    ("198.19.50.21", False),
    ("fd00::1:9732", False),
    ("300.1.1.1:9732", False),
    ("[198.19.50.21]:9732", False),
])
def test_the_metrics_address_is_checked_as_the_daemon_parses_it(value, parses):
    assert info(metrics_listen=value)["metrics_listen"] == {"value": value, "parses": parses}
