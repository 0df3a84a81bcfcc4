# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host daemon's Docker watcher on recorded Docker answers (the policy Molecule scenario runs
it against the real engine): which containers get which group, what a Docker outage logs, and
that the thread follows its config file as it appears, changes and goes. nft is replaced by a
recorder of the scripts it would be given."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import threading
import time

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils import _groups, _membership

CONFIG = {"networks": {"dcos": "dcos"}, "groups": {"web": 100, "db": 200}}


def inspect(container_id, label=None, address="9.0.1.130", running=True):
    labels = {} if label is None else {"mesos.overlay.group": label}
    return {"Id": container_id, "State": {"Running": running}, "Config": {"Labels": labels},
            "NetworkSettings": {"Networks": {"dcos": {"IPAddress": address, "GlobalIPv6Address": ""}}}}


def event(action, container_id, network="dcos"):
    return {"Type": "network", "Action": action, "Actor": {"Attributes": {"name": network, "container": container_id}}}


class RecordedDocker(object):
    """Containers by id and the events of each window, as Docker's API would give them."""

    def __init__(self, containers, windows=()):
        self.containers = dict(containers)
        self.windows = list(windows)
        self.asked = []

    def container(self, container_id):
        return self.containers.get(container_id)

    def on_network(self, network):
        return [cid for cid, data in sorted(self.containers.items()) if network in data["NetworkSettings"]["Networks"]]

    def events(self, since, until):
        self.asked.append((since, until))
        for item in (self.windows.pop(0) if self.windows else []):
            if callable(item):
                item()
            else:
                yield item


@pytest.fixture
def nft(monkeypatch, tmp_path):
    scripts = []
    monkeypatch.setattr(_groups, "_nft", lambda script, settle=True: (scripts.append(script), (0, ""))[1])
    monkeypatch.setenv("MESOS_OVERLAY_APPLY_LOCK", str(tmp_path / "apply.lock"))
    return scripts


def watcher(tmp_path, docker, log):
    return _membership.Watcher(dict(CONFIG, membersDir=str(tmp_path / "groups")), docker, log.append)


def records(tmp_path):
    directory = tmp_path / "groups"
    return {name: json.loads((directory / name).read_text()) for name in sorted(os.listdir(str(directory)))} \
        if directory.exists() else {}


def test_a_labelled_container_gets_its_group_and_loses_it_when_it_leaves(tmp_path, nft):
    log = []
    docker = RecordedDocker({"a" * 64: inspect("a" * 64, "web")})
    stopping = threading.Event()
    docker.windows = [[event("connect", "b" * 64)], [event("disconnect", "a" * 64), stopping.set]]
    docker.containers["b" * 64] = inspect("b" * 64, "200", address="9.0.1.131")
    watcher(tmp_path, docker, log).follow(stopping, window=1)
    found = records(tmp_path)
    # a joined at the reconcile and left by its event; b joined by its event, by number.
    assert list(found) == ["docker-%s-dcos.json" % ("b" * 12)]
    assert found["docker-%s-dcos.json" % ("b" * 12)]["group"] == 200
    assert found["docker-%s-dcos.json" % ("b" * 12)]["addresses"] == ["9.0.1.131"]
    assert any("9.0.1.130" in script and "add element" in script for script in nft)
    assert any("9.0.1.130" in script and "delete element" in script for script in nft)
    assert "container %s left dcos" % ("a" * 12) in log
    # Windows follow each other with no gap.
    assert docker.asked[1][0] == docker.asked[0][1]


def test_containers_without_a_group_or_not_running_are_left_out(tmp_path, nft):
    log = []
    docker = RecordedDocker({"c" * 64: inspect("c" * 64), "d" * 64: inspect("d" * 64, "web", running=False),
                             "e" * 64: inspect("e" * 64, "nosuch")})
    watcher(tmp_path, docker, log).reconcile()
    assert records(tmp_path) == {}
    assert nft == []
    assert any("container %s on dcos: group 'nosuch' is neither" % ("e" * 12) in line for line in log)


def test_a_record_whose_container_is_gone_is_removed_at_the_reconcile(tmp_path, nft):
    log = []
    directory = tmp_path / "groups"
    directory.mkdir()
    (directory / "docker-ffffffffffff-dcos.json").write_text(json.dumps({"group": 100, "addresses": ["9.0.1.140"]}))
    (directory / "cni-x-eth0.json").write_text(json.dumps({"group": 100, "addresses": ["9.0.1.5"]}))
    watcher(tmp_path, RecordedDocker({}), log).reconcile()
    assert sorted(os.listdir(str(directory))) == ["cni-x-eth0.json"]
    assert "removed docker-ffffffffffff-dcos: its container is gone" in log


def test_a_docker_that_does_not_answer_is_said_once_and_once_it_answers(tmp_path, nft):
    log = []
    stopping = threading.Event()
    attempts = []

    class Client(object):
        pass

    def connect(timeout):
        attempts.append(timeout)
        if len(attempts) < 4:
            raise OSError("connection refused")
        return Client()

    def follow(self, stop, window=1):
        log.append("following")
        stop.set()

    original = _membership.Watcher.follow
    _membership.Watcher.follow = follow
    try:
        _membership.follow_docker(CONFIG, log.append, stopping, connect=connect, retry=0.01)
    finally:
        _membership.Watcher.follow = original
    assert len(attempts) == 4
    assert [line for line in log if line.startswith(("problem", "recovered"))] == [
        "problem: docker: connection refused; following it again once it answers (every 0.01 s)",
        "recovered: docker answers again"]


def test_the_daemon_follows_the_config_file_as_it_appears_changes_and_goes(tmp_path, nft):
    log = []
    configs = []

    def connect(timeout):
        return object()

    def follow(self, stop, window=1):
        configs.append(dict(self.networks))
        stop.wait()

    original = _membership.Watcher.follow
    _membership.Watcher.follow = follow
    path = tmp_path / "groups-docker.json"
    groups = _membership.DockerGroups(str(path), log.append, connect=connect, window=0)
    try:
        groups.check()
        assert groups.thread is None and configs == []
        path.write_text(json.dumps(CONFIG))
        groups.check()
        first = groups.thread
        groups.check()
        assert groups.thread is first
        path.write_text(json.dumps(dict(CONFIG, networks={"dcos": "dcos", "dcos6": "dcos6"})))
        groups.check()
        assert not first.is_alive() and groups.thread is not first
        path.write_text("{not json")
        groups.check()
        assert groups.thread is not None and groups.thread.is_alive()
        path.unlink()
        groups.check()
        assert groups.thread is None
    finally:
        _membership.Watcher.follow = original
        groups.stop(wait=True)
    deadline = time.time() + 5
    while len(configs) < 2 and time.time() < deadline:
        time.sleep(0.01)
    assert configs == [{"dcos": "dcos"}, {"dcos": "dcos", "dcos6": "dcos6"}]
    problems = [line for line in log if line.startswith(("problem", "recovered"))]
    assert len(problems) == 2
    assert problems[0].startswith("problem: the Docker watcher's config %s: Expecting" % path)
    assert problems[0].endswith("; keeping the running watcher")
    assert problems[1] == "recovered: " + problems[0][len("problem: "):]
    assert "docker groups: no policed overlay on this host any more, not following Docker" in log
