# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_host.spawn, what the group plugin runs its delegate and nft with: real programs, any user."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import threading

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._host import LEFT_RUNNING, reap_left, spawn

SH = "/bin/sh"


def test_stdin_reaches_the_program_and_its_output_comes_back():
    assert spawn(["/bin/cat"], b"a config\n") == (0, b"a config\n", b"")


def test_the_exit_status_and_stderr_are_the_programs():
    assert spawn([SH, "-c", "echo out; echo err >&2; exit 7"]) == (7, b"out\n", b"err\n")


def test_a_signal_is_reported_as_a_shell_would():
    assert spawn([SH, "-c", "kill -TERM $$"])[0] == 128 + 15


# Echoes its stdin to stdout and stderr as it reads it (no /dev/stderr or /proc needed).
ECHO_BOTH = ("import sys\n"
             "while True:\n"
             "    chunk = sys.stdin.buffer.read1(4096)\n"
             "    if not chunk:\n"
             "        break\n"
             "    sys.stdout.buffer.write(chunk); sys.stdout.flush()\n"
             "    sys.stderr.buffer.write(chunk); sys.stderr.flush()\n")


def test_large_input_and_output_on_both_streams_do_not_block(interpreter):
    # More than a pipe holds (64 KiB) each way, both written while stdin is still being fed.
    data = b"x" * 1000000
    answers = []
    # In a thread: a deadlock fails the test instead of hanging the suite.
    worker = threading.Thread(target=lambda: answers.append(spawn([interpreter.executable, "-c", ECHO_BOTH], data)))
    worker.daemon = True
    worker.start()
    worker.join(60)
    assert answers, "spawn blocked: stdin full while the child waited for its stdout to be read"
    rc, out, err = answers[0]
    assert (rc, len(out), len(err)) == (0, len(data), len(data))


def test_a_program_that_reads_nothing_does_not_break_the_caller():
    assert spawn([SH, "-c", "exit 3"], b"y" * 1000000) == (3, b"", b"")


def test_sigpipe_is_back_to_its_default_in_the_child():
    # Python ignores SIGPIPE; a child must not inherit that: `yes` would live on to write into a
    # closed pipe and say "Broken pipe" instead of dying of the signal.
    rc, out, err = spawn([SH, "-c", "yes | head -n 1"])
    assert (rc, out, err) == (0, b"y\n", b"")


def test_stderr_false_leaves_it_to_the_caller(capfd):
    assert spawn([SH, "-c", "echo to-the-journal >&2; echo out"], stderr=False) == (0, b"out\n", b"")
    assert "to-the-journal" in capfd.readouterr().err


def test_a_program_that_is_not_there_raises_and_leaves_no_pipe_open():
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    with pytest.raises(FileNotFoundError):
        spawn(["/nonexistent/mo-program"], b"x")
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before


def test_until_returns_once_the_child_said_it_and_leaves_the_child_running():
    rc, out, err = spawn([SH, "-c", 'echo "# new generation 7 by process $$"; exec sleep 30'], until=b"# new generation ")
    assert (rc, err) == (0, b"")
    pid = int(out.split()[-1])
    try:
        assert os.waitpid(pid, os.WNOHANG) == (0, 0), "spawn waited for the child's end"
        assert LEFT_RUNNING == [pid]
    finally:
        os.kill(pid, 15)
        reap_left()
    assert LEFT_RUNNING == []
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left


def test_until_not_said_is_waited_for_as_usual():
    assert spawn([SH, "-c", "echo other; echo why >&2; exit 3"], until=b"# new generation ") == (3, b"other\n", b"why\n")
