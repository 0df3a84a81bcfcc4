# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mesos.overlay.plugins.filter.allocate import FilterModule

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
NETWORK = {"vtep_subnet": "44.128.0.0/20", "vtep_mac_oui": "70:B3:D5:00:00:00",
           "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24}]}


def test_filter_is_registered_as_allocate():
    assert "allocate" in FilterModule().filters()


def test_engine_errors_become_filter_errors_naming_field_and_value():
    allocate = FilterModule().filters()["allocate"]
    with pytest.raises(AnsibleFilterError, match=r"mesos.overlay.allocate: vtep_mac_oui: 'nope' is not a MAC"):
        allocate(dict(NETWORK, vtep_mac_oui="nope"), [])


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  vars:
    mesos_overlay_network: %s
    members:
      - {name: agent-1, ip: 192.0.2.21, role: agent}
      - {name: master-1, ip: 192.0.2.10, role: master}
  tasks:
    - name: Allocate
      ansible.builtin.set_fact:
        allocation: "{{ mesos_overlay_network | mesos.overlay.allocate(members, state={}, release=[]) }}"
    - name: Show
      ansible.builtin.debug:
        msg: "RESULT={{ allocation | to_json }}"
"""


def run_playbook(tmp_path, network, interpreter):
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAYBOOK % json.dumps(network))
    env = dict(interpreter.env, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_CALLBACK_RESULT_FORMAT="json")
    # ansible-playbook of the packages running the tests (conftest.Interpreter).
    return subprocess.run([interpreter.executable, "-m", "ansible.cli.playbook", str(playbook)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_playbook_in_checkout_uses_the_filter_without_installing(tmp_path, interpreter):
    proc = run_playbook(tmp_path, NETWORK, interpreter)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = [x for x in proc.stdout.splitlines() if "RESULT=" in x][0]
    result = json.loads(line.split("RESULT=", 1)[1].rstrip('"').replace('\\"', '"'))
    assert result["members"]["master-1"]["vtep"]["ip"] == "44.128.0.1/20"
    assert result["members"]["agent-1"]["overlays"]["dcos"]["docker_bridge"]["ip"] == "9.0.1.128/25"


def test_playbook_reports_bad_input_by_field_and_value(tmp_path, interpreter):
    proc = run_playbook(tmp_path, dict(NETWORK, vtep_subnet="32.0.0.0/4"), interpreter)
    assert proc.returncode != 0
    assert "vtep_subnet: '32.0.0.0/4' is too large" in proc.stdout + proc.stderr
