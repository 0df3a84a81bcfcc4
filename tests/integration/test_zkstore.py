# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The allocation in a real ZooKeeper (Debian's zookeeperd, in a container of the test image):
what a run writes is what the next reads, a write from a stale read is refused, one member's
change touches one member's znode, 10,000 members fit, and with credentials nobody else can read
or change anything under the chroot."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys
import time
import uuid

import pytest

from kazoo import client as kazoo_client
from kazoo.exceptions import NoAuthError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import zkserver  # noqa: E402  (the server, shared with bench/store.py)

from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import (  # noqa: E402
    Store, StoreConflict, StoreError, connect, parse_url, reader_of, session)
from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate  # noqa: E402
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import peers_of  # noqa: E402

CONTAINER = "mo-zk-it"
NETWORK = {"vtep_subnet": "44.128.0.0/16", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}]}


def members(count):
    return [{"name": "m1", "ip": "192.0.2.1", "role": "master"}] + [
        {"name": "agent-%05d" % i, "ip": "10.%d.%d.%d" % (i // 65536, (i // 256) % 256, i % 256), "role": "agent"}
        for i in range(count)]


@pytest.fixture(scope="module")
def server():
    """The address of a ZooKeeper server (one, standalone) for this module's tests."""
    try:
        with zkserver.standalone(CONTAINER) as (address, _pid):
            yield address
    except zkserver.ServerError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def url(server):
    """A fresh chroot of the server per test."""
    return parse_url("zk://%s:2181/mesos-overlay-%s" % (server, uuid.uuid4().hex[:8]))


@pytest.fixture
def client(url):
    with session(url) as connected:
        yield connected


def peers(allocation):
    return dict((peer["name"], peer) for peer in peers_of(allocation))


def test_what_a_run_writes_the_next_reads(client):
    store = Store(client)
    assert store.read() == ({}, -1)
    allocation = allocate(NETWORK, members(10))
    written, version = store.write(allocation["state"], -1, peers(allocation))
    assert len(written) == 11
    read, read_version = store.read()
    assert read == allocation["state"]
    assert read_version == version == 0
    # What the host daemons read: every member's peer entry, as the controller decided it.
    table, table_version, _known = store.read_peers()
    assert table == peers_of(allocation) and table_version == 0
    # Written again unchanged: nothing is written, the version stays.
    assert store.write(allocation["state"], version, peers(allocation)) == ([], 0)


def test_a_follower_rereads_only_the_members_that_changed(client):
    store = Store(client)
    allocation = allocate(NETWORK, members(20))
    _written, version = store.write(allocation["state"], -1, peers(allocation))
    _table, _version, known = store.read_peers()
    grown = allocate(NETWORK, members(21), state=allocation["state"])
    written, version = store.write(grown["state"], version, peers(grown))
    assert written == ["/members/agent-00020"]
    # Every read goes through get_async (kazoo's get calls it too).
    reads = []
    real_get_async = client.get_async

    def counting_get_async(path, *args, **kwargs):
        reads.append(path)
        return real_get_async(path, *args, **kwargs)

    client.get_async = counting_get_async
    try:
        table, table_version, _known = store.read_peers(known)
    finally:
        client.get_async = real_get_async
    assert reads == ["/state", "/members/agent-00020"]
    assert table == peers_of(grown) and table_version == version


def test_a_write_from_a_stale_read_is_refused_and_changes_nothing(client, url):
    first = allocate(NETWORK, members(3))["state"]
    Store(client).write(first, -1)
    mine, version = Store(client).read()
    with session(url) as other:
        theirs, their_version = Store(other).read()
        grown = allocate(NETWORK, members(4), state=theirs)["state"]
        Store(other).write(grown, their_version)
    stale = allocate(NETWORK, members(3) + [{"name": "agent-x", "ip": "10.9.9.9", "role": "agent"}],
                     state=mine)["state"]
    with pytest.raises(StoreConflict, match="changed since it was read"):
        Store(client).write(stale, version)
    assert Store(client).read()[0] == grown


def test_two_first_writers_one_wins(client, url):
    with session(url) as other:
        Store(other).write(allocate(NETWORK, members(2))["state"], -1)
    with pytest.raises(StoreConflict):
        Store(client).write(allocate(NETWORK, members(3))["state"], -1)


def test_one_members_change_touches_only_its_znode_and_the_root(client):
    store = Store(client)
    state = allocate(NETWORK, members(20))["state"]
    _written, version = store.write(state, -1)
    before = {name: client.exists("/members/" + name).mzxid for name in state["members"]}
    changed = json.loads(json.dumps(state))
    changed["members"]["agent-00007"]["ip"] = "10.200.0.7"
    assert store.write(changed, version)[0] == ["/members/agent-00007"]
    after = {name: client.exists("/members/" + name).mzxid for name in state["members"]}
    assert [name for name in after if after[name] != before[name]] == ["agent-00007"]
    assert store.read()[0] == changed


def test_a_released_member_leaves_the_store(client):
    store = Store(client)
    state = allocate(NETWORK, members(5))["state"]
    _written, version = store.write(state, -1)
    smaller = allocate(NETWORK, members(4), state=state, release=["agent-00004"])["state"]
    store.write(smaller, version)
    assert sorted(client.get_children("/members")) == sorted(smaller["members"])
    assert store.read()[0] == smaller


def test_ten_thousand_members_fit_and_read_back(client):
    store = Store(client)
    allocation = allocate(NETWORK, members(10000))
    store.write(allocation["state"], -1, peers(allocation))
    data, _stat = client.get("/state")
    assert len(data) < 1024 * 1024
    assert store.read()[0] == allocation["state"]
    assert store.read_peers()[0] == peers_of(allocation)


def test_a_corrupt_root_or_a_missing_member_names_the_znode(client):
    store = Store(client)
    state = allocate(NETWORK, members(3))["state"]
    store.write(state, -1)
    client.delete("/members/agent-00001")
    with pytest.raises(StoreError, match="the znode /members/agent-00001 is missing"):
        store.read()
    client.set("/state", b"{not json")
    with pytest.raises(StoreError, match="the znode /state is corrupt"):
        store.read()


def test_with_credentials_nobody_else_reads_or_writes(server):
    url = parse_url("zk://overlay:s3cret@%s:2181/mesos-overlay-acl-%s" % (server, uuid.uuid4().hex[:8]))
    with session(url) as client:
        allocation = allocate(NETWORK, members(2))
        Store(client).write(allocation["state"], -1, peers(allocation))
    # The host daemons' identity reads the peers and can change nothing.
    reader = connect(reader_of(url), writer=False)
    try:
        assert Store(reader).read_peers()[0] == peers_of(allocation)
        for attempt in (lambda: reader.create("/intruder", b"x"), lambda: reader.set("/state", b"{}"),
                        lambda: reader.delete("/members/m1")):
            with pytest.raises(NoAuthError):
                attempt()
    finally:
        reader.stop()
        reader.close()
    anonymous = kazoo_client.KazooClient(hosts="%s:2181" % server, timeout=5)
    anonymous.start(timeout=5)
    try:
        for attempt in (lambda: anonymous.get(url.chroot + "/state"),
                        lambda: anonymous.get_children(url.chroot + "/members"),
                        lambda: anonymous.create(url.chroot + "/intruder", b"x"),
                        lambda: anonymous.set(url.chroot + "/state", b"{}"),
                        lambda: anonymous.delete(url.chroot + "/members/m1")):
            with pytest.raises(NoAuthError):
                attempt()
    finally:
        anonymous.stop()
        anonymous.close()
    # The right credentials still read it.
    with session(url) as client:
        assert sorted(Store(client).read()[0]["members"]) == ["agent-00000", "agent-00001", "m1"]


# --------------------------------------------------------------------------------------------
# The actions a run uses: zookeeper_state and zookeeper_lock, through ansible-playbook
# --------------------------------------------------------------------------------------------

def _playbook(tmp_path, name, tasks, extra_vars):
    """Write a localhost playbook of ``tasks`` (YAML text) and return the ansible-playbook argv."""
    path = tmp_path / (name + ".yml")
    path.write_text("- name: %s\n  hosts: localhost\n  gather_facts: false\n  tasks:\n%s" % (name, tasks))
    binary = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    return [binary, "-i", "localhost,", "-c", "local", str(path), "-e", json.dumps(extra_vars)]


def _run(argv, **kwargs):
    from netns import ansible_env
    env = dict(ansible_env(), ANSIBLE_STDOUT_CALLBACK="default")
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=120, **kwargs)


READ_ALLOCATE_WRITE = """
    - name: Read
      mesos.overlay.zookeeper_state:
        url: "{{ url }}"
      register: stored
    - name: Allocate
      ansible.builtin.set_fact:
        allocation: "{{ network | mesos.overlay.allocate(members, state=stored.state) }}"
    - name: Write
      mesos.overlay.zookeeper_state:
        url: "{{ url }}"
        allocation: "{{ allocation }}"
        version: "{{ stored.version }}"
      register: written
    - name: Show
      ansible.builtin.debug:
        msg: "version {{ written.version }} changed {{ written.changed }}"
"""


def test_a_run_reads_allocates_and_writes_and_the_next_run_changes_nothing(server, tmp_path):
    url = "zk://overlay:s3cret@%s:2181/mesos-overlay-run-%s" % (server, uuid.uuid4().hex[:8])
    extra = {"url": url, "network": NETWORK, "members": members(3)}
    first = _run(_playbook(tmp_path, "first", READ_ALLOCATE_WRITE, extra))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "version 0 changed True" in first.stdout
    again = _run(_playbook(tmp_path, "again", READ_ALLOCATE_WRITE, extra))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "version 0 changed False" in again.stdout
    # What ZooKeeper holds is what allocate decided, address for address.
    with session(parse_url(url)) as client:
        assert Store(client).read()[0] == allocate(NETWORK, members(3))["state"]
    assert "s3cret" not in first.stdout + first.stderr + again.stdout + again.stderr


def test_a_bad_url_or_an_ensemble_that_does_not_answer_fails_naming_the_setting(tmp_path):
    tasks = """
    - name: Read
      mesos.overlay.zookeeper_state:
        url: "{{ url }}"
        timeout: 2
"""
    bad = _run(_playbook(tmp_path, "bad", tasks, {"url": "zk://zk-1:2181"}))
    assert bad.returncode != 0 and "mesos_overlay_zookeeper: 'zk://zk-1:2181' needs a path" in bad.stdout
    # 192.0.2.0/24 is TEST-NET-1: nothing answers there.
    down = _run(_playbook(tmp_path, "down", tasks, {"url": "zk://u:secret@192.0.2.1:2181/o"}))
    assert down.returncode != 0 and "mesos_overlay_zookeeper (zk://u:***@192.0.2.1:2181/o): ZooKeeper" in down.stdout
    assert "secret" not in down.stdout.replace("***", "")


HOLD = """
    - name: Take the lock
      mesos.overlay.zookeeper_lock:
        url: "{{ url }}"
        timeout: "{{ lock_timeout }}"
      register: lock
    - name: Say it
      ansible.builtin.debug:
        msg: "holding {{ lock.holder_pid }} waited {{ lock.waited }}"
    - name: Work
      ansible.builtin.command: sleep {{ hold }}
      changed_when: false
    - name: Release
      mesos.overlay.zookeeper_lock:
        url: "{{ url }}"
        state: absent
        holder_pid: "{{ lock.holder_pid }}"
"""


def _lock_children(url):
    with session(url) as client:
        return client.get_children("/lock") if client.exists("/lock") else []


def test_the_lock_serialises_runs_names_its_holder_and_a_killed_run_frees_it(server, tmp_path):
    url_text = "zk://overlay:s3cret@%s:2181/mesos-overlay-lock-%s" % (server, uuid.uuid4().hex[:8])
    url = parse_url(url_text)
    holder = subprocess.Popen(_playbook(tmp_path, "holder", HOLD, {"url": url_text, "lock_timeout": 30, "hold": 60}),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                              env=dict(__import__("netns").ansible_env(), ANSIBLE_STDOUT_CALLBACK="default"))
    try:
        deadline = time.time() + 60
        while not _lock_children(url):
            assert time.time() < deadline and holder.poll() is None, "the first run took no lock: %s" % (
                holder.stdout.read() if holder.poll() is not None else "(still running)")
            time.sleep(0.5)
        # The password is in no process's arguments.
        assert "s3cret" not in subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True,
                                              check=True).stdout
        # A second run waits, then fails naming the holder.
        second = _run(_playbook(tmp_path, "second", HOLD, {"url": url_text, "lock_timeout": 3, "hold": 0}))
        assert second.returncode != 0
        assert "is held by" in second.stdout and '"playbook": "holder"' in second.stdout, second.stdout
        assert "s3cret" not in second.stdout
        # kill -9 of the run holding it: the lock is free within seconds, with no lease to wait out.
        holder.kill()
        holder.wait()
        killed = time.time()
        third = _run(_playbook(tmp_path, "third", HOLD, {"url": url_text, "lock_timeout": 30, "hold": 0}))
        assert third.returncode == 0, third.stdout
        assert time.time() - killed < 20
        assert _lock_children(url) == []
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
