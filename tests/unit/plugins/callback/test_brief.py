# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The brief stdout callback, through a real ansible-playbook on localhost: what it prints and what it leaves out."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))

PLAYBOOK = """
- name: A play that mostly does nothing
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Nothing changes here
      ansible.builtin.command: "true"
      changed_when: false
    - name: Skipped here
      ansible.builtin.command: "true"
      when: false
    - name: Checked quietly
      ansible.builtin.assert:
        that: true
        quiet: true
    - name: This one changes something
      ansible.builtin.command: "true"
    - name: Warns without changing
      ansible.builtin.debug:
        msg: "{{ 'ignored' }}"
      vars:
        unused: "{{ lookup('ansible.builtin.env', 'HOME') }}"
      changed_when: false
      when: false
    - name: Say the verdict
      ansible.builtin.assert:
        that: true
        success_msg: "%(report)s"
      run_once: true
    - name: Each host says something
      ansible.builtin.debug:
        msg: "line one"
    - name: Each item says something
      ansible.builtin.debug:
        msg: "about {{ item }}"
      loop: [a, b]
    - name: Items that change nothing
      ansible.builtin.command: "echo {{ item }}"
      loop: [a, b]
      changed_when: false
    - name: Judge (its success says nothing, the assert action's default message)
      ansible.builtin.assert:
        that: fail_at_end | bool
        fail_msg: "%(report)s"
      vars:
        fail_at_end: true
"""
REPORT = "3 hosts: every pair connected\\n\\nfrom \\\\ to  a  b\\na          .  ok"


def run(tmp_path, interpreter, *extra, **env_extra):
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAYBOOK % {"report": REPORT})
    env = dict(interpreter.env, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_STDOUT_CALLBACK="mesos.overlay.brief", ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="0", **env_extra)
    # ansible-playbook of the packages running the tests (conftest.Interpreter).
    proc = subprocess.run([interpreter.executable, "-m", "ansible.cli.playbook", str(playbook)] + list(extra), cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    return proc, [line for line in proc.stdout.splitlines() if line.strip()]


def test_only_what_needs_reading_is_printed_and_messages_read_as_written(tmp_path, interpreter):
    proc, lines = run(tmp_path, interpreter)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    recap = lines.index([line for line in lines if line.startswith("PLAY RECAP")][0])
    assert lines[:recap] == [
        "PLAY [A play that mostly does nothing]",
        "TASK [This one changes something]",
        "changed: [localhost]",
        "TASK [Say the verdict]",
        "3 hosts: every pair connected",
        "from \\ to  a  b",
        "a          .  ok",
        "TASK [Each host says something]",
        "ok: [localhost] line one",
        "TASK [Each item says something]",
        "ok: [localhost] (item=a) about a",
        "ok: [localhost] (item=b) about b",
    ], proc.stdout
    assert "changed=1" in lines[recap + 1] and "failed=0" in lines[recap + 1] and "skipped=2" in lines[recap + 1]


def test_a_failed_judgement_prints_its_message_once_as_text(tmp_path, interpreter):
    proc, lines = run(tmp_path, interpreter, "-e", "fail_at_end=false")
    assert proc.returncode == 2
    output = proc.stdout + proc.stderr
    assert "fatal: [localhost]: FAILED! 3 hosts: every pair connected\nfrom \\ to  a  b\na          .  ok" in \
        output.replace("\n\n", "\n"), output
    assert output.count("every pair connected") == 2  # the verdict, then the judgement that failed
    assert "Origin:" not in output and "=>" not in output


def test_the_default_callback_options_still_apply(tmp_path, interpreter):
    proc, lines = run(tmp_path, interpreter, ANSIBLE_DISPLAY_OK_HOSTS="1", ANSIBLE_DISPLAY_SKIPPED_HOSTS="1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "TASK [Nothing changes here]" in lines and "ok: [localhost]" in lines
    assert "TASK [Skipped here]" in lines and "skipping: [localhost]" in lines
