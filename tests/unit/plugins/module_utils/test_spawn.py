# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_host.spawn, what the group plugin runs its delegate and nft with: real programs, any user."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import signal

from ansible_collections.mesos.overlay.plugins.module_utils._host import spawn

SH = "/bin/sh"


def test_stdin_reaches_the_program_and_its_output_comes_back():
    assert spawn(["/bin/cat"], b"a config\n") == (0, b"a config\n", b"")


def test_the_exit_status_and_stderr_are_the_programs():
    assert spawn([SH, "-c", "echo out; echo err >&2; exit 7"]) == (7, b"out\n", b"err\n")


def test_a_signal_is_reported_as_a_shell_would():
    assert spawn([SH, "-c", "kill -TERM $$"])[0] == 128 + 15


def test_large_input_and_output_on_both_streams_do_not_block():
    # More than a pipe holds (64 KiB) each way, stderr written while stdin is still being fed.
    data = b"x" * 1000000
    rc, out, err = spawn([SH, "-c", "tee /dev/stderr"], data)
    assert (rc, len(out), len(err)) == (0, len(data), len(data))


def test_a_program_that_reads_nothing_does_not_break_the_caller():
    assert spawn([SH, "-c", "exit 3"], b"y" * 1000000) == (3, b"", b"")


def test_sigpipe_is_back_to_its_default_in_the_child():
    # Python ignores SIGPIPE; a child must not inherit that (a pipeline's writer would never die).
    status = spawn(["/bin/cat", "/proc/self/status"])[1].decode()
    ignored = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:")), 16)
    assert not ignored & (1 << (signal.SIGPIPE - 1))


def test_stderr_false_leaves_it_to_the_caller(capfd):
    assert spawn([SH, "-c", "echo to-the-journal >&2; echo out"], stderr=False) == (0, b"out\n", b"")
    assert "to-the-journal" in capfd.readouterr().err
