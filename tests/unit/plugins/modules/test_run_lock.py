# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The run lock on a real filesystem, with a clock the tests move."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._lock import LockHeld, RunLock


class Clock:
    def __init__(self):
        self.now = 1000000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def lock(tmp_path, token, clock, **kwargs):
    return RunLock(str(tmp_path / "state.lock"), token, "%s@controller" % token, clock=clock, sleep=clock.sleep,
                   **kwargs)


def test_a_free_lock_is_taken_and_names_its_holder(tmp_path):
    clock = Clock()
    result = lock(tmp_path, "run-a", clock).acquire()
    assert result == {"acquired": True, "took_over": None, "waited": 0}
    content = json.loads((tmp_path / "state.lock").read_text())
    assert content["token"] == "run-a" and content["owner"] == "run-a@controller"
    assert content["since_text"] == "1970-01-12 13:46:40 UTC"


def test_taking_it_again_in_the_same_run_changes_nothing(tmp_path):
    clock = Clock()
    lock(tmp_path, "run-a", clock).acquire()
    assert lock(tmp_path, "run-a", clock).acquire()["acquired"] is False


def test_a_second_run_waits_then_fails_naming_the_holder_and_since_when(tmp_path):
    clock = Clock()
    lock(tmp_path, "run-a", clock).acquire()
    clock.now += 30
    with pytest.raises(LockHeld) as error:
        lock(tmp_path, "run-b", clock, timeout=60, lease=1800).acquire()
    message = str(error.value)
    assert "state.lock is held by run-a@controller since 1970-01-12 13:46:40 UTC (90 s ago)" in message
    assert "Waited 60 s (mesos_overlay_lock_timeout)" in message
    assert "A lock older than 1800 s (mesos_overlay_lock_lease) is taken over" in message
    assert "this one will be in 1710 s" in message and "Nothing was changed." in message
    assert json.loads((tmp_path / "state.lock").read_text())["token"] == "run-a"


def test_a_waiting_run_gets_the_lock_when_the_holder_releases_it(tmp_path):
    clock = Clock()
    first = lock(tmp_path, "run-a", clock)
    first.acquire()
    second = lock(tmp_path, "run-b", clock, timeout=60)

    def sleep(seconds):
        clock.now += seconds
        if clock.now - 1000000.0 >= 10:
            first.release()
    second.sleep = sleep
    result = second.acquire()
    assert result["acquired"] and result["waited"] == 10


def test_a_lock_older_than_its_lease_is_taken_over(tmp_path):
    clock = Clock()
    lock(tmp_path, "dead-run", clock).acquire()
    clock.now += 1801
    result = lock(tmp_path, "run-b", clock, lease=1800).acquire()
    assert result["acquired"] and result["took_over"]["owner"] == "dead-run@controller"
    assert json.loads((tmp_path / "state.lock").read_text())["token"] == "run-b"
    assert sorted(os.listdir(str(tmp_path))) == ["state.lock"]


def test_an_unreadable_lock_counts_as_held_since_it_was_written(tmp_path):
    clock = Clock()
    (tmp_path / "state.lock").write_text("{garbage")
    os.utime(str(tmp_path / "state.lock"), (clock.now, clock.now))
    with pytest.raises(LockHeld, match=r"held by an unreadable lock file"):
        lock(tmp_path, "run-b", clock, timeout=5).acquire()


def test_release_only_removes_our_own_lock(tmp_path):
    clock = Clock()
    lock(tmp_path, "run-a", clock).acquire()
    assert lock(tmp_path, "run-b", clock).release() is False
    assert (tmp_path / "state.lock").exists()
    assert lock(tmp_path, "run-a", clock).release() is True
    assert not (tmp_path / "state.lock").exists()
    assert lock(tmp_path, "run-a", clock).release() is False
