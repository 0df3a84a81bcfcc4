# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The follower's connection on a recorded client (the store is tested on a real ZooKeeper in
tests/integration/test_zkstore.py): a daemon that starts reports no problem while its client is
still connecting, and does once the connection is overdue; the store file is read and checked."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils import _follower
from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import StoreError, parse_url


class Connecting(object):
    """A kazoo client that never connects."""
    connected = False
    chroot = None

    def __init__(self):
        self.listeners = []

    def add_listener(self, listener):
        self.listeners.append(listener)

    def start_async(self):
        pass


def test_a_client_still_connecting_is_no_problem_and_an_overdue_one_is(monkeypatch):
    monkeypatch.setattr(_follower, "client_of", lambda *args, **kwargs: Connecting())
    clock = [100.0]
    monkeypatch.setattr(_follower.time, "monotonic", lambda: clock[0])
    follower = _follower.Follower(parse_url("zk://zk-1:2181/mesos-overlay"), threading.Event(), timeout=10.0)
    assert follower.peers() is None
    clock[0] += 9.0
    assert follower.peers() is None
    clock[0] += 2.0
    with pytest.raises(StoreError, match="not connected to ZooKeeper zk-1:2181"):
        follower.peers()


def test_the_store_file_is_read_and_checked(tmp_path):
    assert _follower.load_store_file(str(tmp_path / "missing.json")) is None
    path = tmp_path / "store.json"
    path.write_text('{"zookeeper": "zk://overlay-reader:pw@zk-1:2181/mesos-overlay"}')
    url = _follower.load_store_file(str(path))
    assert url.user == "overlay-reader" and url.chroot == "/mesos-overlay"
    path.write_text('{"zookeeper": "zk://zk-1:2181"}')
    with pytest.raises(ParameterError, match=r"store.json: zookeeper: 'zk://zk-1:2181' needs a path"):
        _follower.load_store_file(str(path))
    path.write_text("{")
    with pytest.raises(ParameterError, match="store.json: not JSON"):
        _follower.load_store_file(str(path))
