# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host daemon's service to the group plugin over its Unix socket, as any user: libnftables
is replaced by a recorder of the scripts it would be given (the integration test
test_group_policy.py runs the real one on the kernel). What a request may hold, what the plugin
does when no daemon answers, and that the socket goes with the service."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import socket
import stat

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils import _groups, _membership


@pytest.fixture
def service(tmp_path, monkeypatch):
    monkeypatch.setenv("MESOS_OVERLAY_APPLY_LOCK", str(tmp_path / "apply.lock"))
    said = []
    members = _membership.MemberService(str(tmp_path / "run" / "members.sock"), said.append)
    members.scripts, members.said = [], said
    answers = []

    def run_script(script):
        members.scripts.append(script)
        return answers.pop(0) if answers else (0, "")

    members.run_script, members.answers = run_script, answers
    assert members.start()
    yield members
    members.stop()


def ask(path, text):
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(path)
    client.sendall(text.encode() + b"\n")
    answer = client.makefile().readline()
    client.close()
    return json.loads(answer)


def test_a_join_and_a_leave_are_one_nft_transaction_each(service):
    assert _groups.ask_daemon(service.path, {"op": "join", "table": "mesos_overlay", "group": 100,
                                             "addresses": ["9.0.1.2", "fd01:b::1:0:0:2"]}) == (0, "")
    assert service.scripts == [
        "add table inet mesos_overlay\n"
        "add set inet mesos_overlay g100_4 { type ipv4_addr; }\nadd element inet mesos_overlay g100_4 { 9.0.1.2 }\n"
        "add map inet mesos_overlay marks4 { type ipv4_addr : mark; }\n"
        "add element inet mesos_overlay marks4 { 9.0.1.2 : 0x00000064 }\n"
        "add set inet mesos_overlay g100_6 { type ipv6_addr; }\n"
        "add element inet mesos_overlay g100_6 { fd01:b::1:0:0:2 }\n"
        "add map inet mesos_overlay marks6 { type ipv6_addr : mark; }\n"
        "add element inet mesos_overlay marks6 { fd01:b::1:0:0:2 : 0x00000064 }\n"]
    assert _groups.ask_daemon(service.path, {"op": "leave", "table": "mesos_overlay", "group": 100,
                                             "addresses": ["9.0.1.2"]}) == (0, "")
    assert service.scripts[1] == ("add table inet mesos_overlay\ndelete element inet mesos_overlay g100_4 { 9.0.1.2 }\n"
                                  "delete element inet mesos_overlay marks4 { 9.0.1.2 }\n")
    assert service.served == 2 and service.failed == 0
    # The socket is root's (its owner's) alone.
    assert stat.S_IMODE(os.stat(service.path).st_mode) == 0o600


def test_a_join_that_an_old_mark_refuses_takes_the_mark_out_and_is_tried_once_more(service):
    service.answers.append((1, "Error: Could not process rule: File exists"))
    request = {"op": "join", "table": "mesos_overlay", "group": 200, "addresses": ["9.0.1.3", "fd01:b::3"]}
    assert _groups.ask_daemon(service.path, request) == (0, "")
    assert service.scripts[0] == service.scripts[3] and "add element inet mesos_overlay marks4 { 9.0.1.3 : 0x000000c8 }" \
        in service.scripts[0]
    assert service.scripts[1:3] == ["delete element inet mesos_overlay marks4 { 9.0.1.3 }\n",
                                    "delete element inet mesos_overlay marks6 { fd01:b::3 }\n"]
    assert service.failed == 0


def test_a_leave_that_fails_as_a_batch_goes_element_by_element(service):
    service.answers.append((1, "Error: Could not process rule: No such file or directory"))
    request = {"op": "leave", "table": "mesos_overlay", "group": 200, "addresses": ["9.0.1.3", "fd01:b::3"]}
    assert _groups.ask_daemon(service.path, request)[0] == 1
    assert service.scripts[1:] == ["delete element inet mesos_overlay g200_4 { 9.0.1.3 }\n",
                                   "delete element inet mesos_overlay marks4 { 9.0.1.3 }\n",
                                   "delete element inet mesos_overlay g200_6 { fd01:b::3 }\n",
                                   "delete element inet mesos_overlay marks6 { fd01:b::3 }\n"]
    # Each element is out of its set either way: not a failure to report.
    assert service.failed == 0 and service.said == ["group members: serving the CNI plugin on " + service.path]


def test_a_join_that_fails_is_answered_and_said(service):
    # The join, the old mark's removal, the join once more: each fails.
    service.answers.extend([(1, "Error: No such file or directory")] * 3)
    request = {"op": "join", "table": "mesos_overlay", "group": 100, "addresses": ["9.0.1.4"]}
    assert _groups.ask_daemon(service.path, request) == (1, "Error: No such file or directory")
    assert service.failed == 1 and len(service.scripts) == 3
    assert service.said[-1] == "group members: cannot add 9.0.1.4 to group 100: Error: No such file or directory"


@pytest.mark.parametrize("request_text, message", [
    ('{"op": "drop", "table": "t", "group": 1, "addresses": ["9.0.1.2"]}', "op: 'drop' is neither join nor leave"),
    ('{"op": "join", "table": "t; flush ruleset", "group": 1, "addresses": ["9.0.1.2"]}',
     "table: 't; flush ruleset' is not an nftables table name"),
    ('{"op": "join", "table": "t", "group": 0, "addresses": ["9.0.1.2"]}', "group: 0 is not a number 1-65535"),
    ('{"op": "join", "table": "t", "group": true, "addresses": ["9.0.1.2"]}', "group: True is not a number 1-65535"),
    ('{"op": "join", "table": "t", "group": 1, "addresses": []}', "addresses: [] is not a list of 1 to 64 addresses"),
    ('{"op": "join", "table": "t", "group": 1, "addresses": ["9.0.1.2 }; flush ruleset; {"]}',
     "addresses: '9.0.1.2 }; flush ruleset; {' is not an IP address"),
    ('["join"]', "a request is a JSON object, not ['join']"),
    ("join t 1 9.0.1.2", "Expecting value"),
])
def test_a_request_that_is_not_one_is_refused_by_name_and_nothing_runs(service, request_text, message):
    answer = ask(service.path, request_text)
    assert answer["rc"] == 2 and answer["error"].startswith("refused: ") and message in answer["error"], answer
    assert service.scripts == [] and service.failed == 1
    # The service goes on.
    assert _groups.ask_daemon(service.path, {"op": "join", "table": "t", "group": 1, "addresses": ["9.0.1.2"]}) == (0, "")


def test_addresses_are_applied_in_their_canonical_text(service):
    _groups.ask_daemon(service.path, {"op": "join", "table": "t", "group": 7, "addresses": ["FD01:B:0::0:9"]})
    assert "add element inet t g7_6 { fd01:b::9 }" in service.scripts[0]


def test_no_daemon_no_answer_and_the_socket_goes_with_the_service(service, tmp_path):
    assert _groups.ask_daemon(str(tmp_path / "nobody.sock"), {"op": "join"}) is None
    service.stop()
    assert not os.path.exists(service.path)
    assert _groups.ask_daemon(service.path, {"op": "join", "table": "t", "group": 1, "addresses": ["9.0.1.2"]}) is None
    # A socket file left by a daemon that was killed answers nothing either; the next start replaces it.
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(service.path)
    stale.close()
    assert _groups.ask_daemon(service.path, {"op": "join"}) is None
    assert service.start()
    assert _groups.ask_daemon(service.path, {"op": "join", "table": "t", "group": 1, "addresses": ["9.0.1.2"]}) == (0, "")


def test_the_plugin_runs_nft_itself_when_no_daemon_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("MESOS_OVERLAY_APPLY_LOCK", str(tmp_path / "apply.lock"))
    scripts = []
    monkeypatch.setattr(_groups, "_nft", lambda script, settle=True: (scripts.append(script), (0, ""))[1])
    _groups.join(str(tmp_path / "members"), "t", "cni-c1-eth0", 5, ["9.0.1.5"], {"source": "cni"},
                 daemon_socket=str(tmp_path / "nobody.sock"))
    assert scripts == ["add table inet t\nadd set inet t g5_4 { type ipv4_addr; }\nadd element inet t g5_4 { 9.0.1.5 }\n"
                       "add map inet t marks4 { type ipv4_addr : mark; }\nadd element inet t marks4 { 9.0.1.5 : 0x00000005 }\n"]
    assert json.loads((tmp_path / "members" / "cni-c1-eth0.json").read_text())["group"] == 5


def test_the_service_follows_the_group_policy_and_says_once_without_the_library(tmp_path, monkeypatch):
    said = []
    members = _membership.MemberService(str(tmp_path / "members.sock"), said.append)
    # No python3-nftables here: nothing is served, said once however often it is asked.
    monkeypatch.setitem(__import__("sys").modules, "nftables", None)
    members.check(True)
    members.check(True)
    assert not members.serving() and not os.path.exists(members.path)
    assert said == ["group members: python3-nftables is not installed: the CNI plugin runs nft for each "
                    "container's start and stop"]
    members.run_script = lambda script: (0, "")
    members.check(True)
    assert members.serving() and os.path.exists(members.path)
    members.check(False)
    assert not members.serving() and not os.path.exists(members.path)


def test_a_request_that_fails_unexpectedly_goes_unanswered_and_the_service_lives_on(service):
    # The plugin then runs nft itself at once, instead of waiting its timeout on a listener nobody serves.
    def broken(script):
        raise RuntimeError("libnftables went away")

    service.run_script = broken
    request = {"op": "join", "table": "t", "group": 1, "addresses": ["9.0.1.2"]}
    assert _groups.ask_daemon(service.path, request) is None
    assert service.failed == 1 and service.said[-1] == (
        "group members: a request failed here (RuntimeError: libnftables went away); the plugin ran nft itself")
    service.run_script = lambda script: (0, "")
    assert _groups.ask_daemon(service.path, request) == (0, "")
