# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: brief
type: stdout
short_description: Only what needs reading - changes, messages, warnings, failures and the recap
version_added: 5.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Ansible's default output less the lines that say nothing happened, for playbooks whose answer is a message, like
    the collection's C(verify) playbook (on one master and three agents the default callback prints 142 lines, this
    one about 50).
  - A task that changed nothing and says nothing prints no line (its warnings still print); a task that changed
    something prints its name and its changed hosts, with the diff under C(--diff); failures print as the default
    callback prints them.
  - "The message of C(ansible.builtin.debug) (O(ansible.builtin.debug#module:msg)) and of C(ansible.builtin.assert)
    (its success or failure message, unless O(ansible.builtin.assert#module:quiet)) prints whole, as text: a
    multi-line report such as verify's verdict reads as it was written, not as an escaped YAML or JSON string."
  - Plays and tasks take one line each, with no banner of stars.
  - Everything else (the recap, check mode markers, the result format of failures) is the default callback's, and
    its options apply, with C(display_ok_hosts) and C(display_skipped_hosts) off unless set.
extends_documentation_fragment:
  - ansible.builtin.default_callback
  - ansible.builtin.result_format_callback
options:
  display_ok_hosts:
    description:
      - Print a line for every host of a task that changed nothing (as the default callback does).
    type: bool
    default: false
  display_skipped_hosts:
    description:
      - Print a line for every skipped host (as the default callback does).
    type: bool
    default: false
requirements:
  - Set as the stdout callback, for example C(ANSIBLE_STDOUT_CALLBACK=mesos.overlay.brief) in the environment or
    C(stdout_callback = mesos.overlay.brief) in the C([defaults]) section of C(ansible.cfg).
"""

EXAMPLES = r"""
# Verify a cluster and read one verdict:
#   ANSIBLE_STDOUT_CALLBACK=mesos.overlay.brief ansible-playbook -i inventory mesos.overlay.verify
# Or for every run, in ansible.cfg:
#   [defaults]
#   stdout_callback = mesos.overlay.brief
"""

from ansible import constants as C
from ansible.playbook.task_include import TaskInclude
from ansible.plugins.callback.default import CallbackModule as DefaultCallback
from ansible.utils.fqcn import add_internal_fqcns

# The actions whose message is what the task is for.
TELLING = frozenset(add_internal_fqcns(("debug", "assert", "fail")))
# ansible.builtin.assert's default success message, which says no more than an ok line.
SAYS_NOTHING = "All assertions passed"


def message_of(result):
    """The text a telling task's result carries for the reader, or None (a quiet assert's)."""
    if result.task.action not in TELLING or not (result.result.get("failed") or
                                                 result.result.get("_ansible_verbose_always")):
        return None
    message = result.result.get("msg")
    if isinstance(message, list) and all(isinstance(line, str) for line in message):
        message = "\n".join(message)
    if not isinstance(message, str) or (message == SAYS_NOTHING and not result.result.get("failed")):
        return None
    return message


class CallbackModule(DefaultCallback):
    """The default callback, without the lines that say nothing happened."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "mesos.overlay.brief"

    def _print_task_banner(self, task):
        prefix = self._task_type_cache.get(task._uuid, "TASK")
        name = self._last_task_name if self._last_task_name is not None else task.get_name().strip()
        check = " [CHECK MODE]" if task.check_mode and self.get_option("check_mode_markers") else ""
        self._display.display("%s [%s]%s" % (prefix, name, check))
        if self._display.verbosity >= 2:
            self._print_task_path(task)
        self._last_task_banner = task._uuid

    def v2_playbook_on_play_start(self, play):
        self._play = play
        name = play.get_name().strip()
        check = " [CHECK MODE]" if play.check_mode and self.get_option("check_mode_markers") else ""
        self._display.display(("PLAY [%s]" % name if name else "PLAY") + check, color=C.COLOR_HIGHLIGHT)

    def v2_playbook_on_include(self, included_file):
        if self._display.verbosity:
            super(CallbackModule, self).v2_playbook_on_include(included_file)

    def _tell(self, result, message, color, stderr=False):
        if self._last_task_banner != result.task._uuid:
            self._print_task_banner(result.task)
        self._display.display(message, color=color, stderr=stderr)

    def v2_runner_on_ok(self, result):
        if isinstance(result.task, TaskInclude) and not self._display.verbosity:
            return
        message = message_of(result)
        if result.result.get("changed", False) or self._display.verbosity or (
                message is None and self.get_option("display_ok_hosts")):
            super(CallbackModule, self).v2_runner_on_ok(result)
            return
        # The default callback reports warnings only with a line it prints.
        self._handle_warnings_and_exception(result)
        if message is not None:
            # A task run once speaks for the play; otherwise each host's message says whose it is.
            self._tell(result, message if result.task.run_once else "ok: [%s] %s" % (self.host_label(result), message),
                       C.COLOR_OK)

    def v2_runner_item_on_ok(self, result):
        message = message_of(result)
        if message is None or result.result.get("changed", False) or self._display.verbosity:
            super(CallbackModule, self).v2_runner_item_on_ok(result)
            return
        self._handle_warnings_and_exception(result)
        self._tell(result, "ok: [%s] (item=%s) %s" % (self.host_label(result), self._get_item_label(result.result), message),
                   C.COLOR_OK)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        message = message_of(result)
        if message is None or result.task.loop or self._display.verbosity:
            super(CallbackModule, self).v2_runner_on_failed(result, ignore_errors=ignore_errors)
            return
        # Its exception is the message itself (Ansible's error display would print it once more, with
        # the task's source): warnings only.
        self._handle_warnings(result.result)
        self._tell(result, "fatal: [%s]: FAILED! %s" % (self.host_label(result), message), C.COLOR_ERROR,
                   stderr=self.get_option("display_failed_stderr"))
        if ignore_errors:
            self._display.display("...ignoring", color=C.COLOR_SKIP)
