# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the one interface the host-side code runs through.

Every step of the data plane (files, sysctls, the VTEP, its peers, the firewall chains, the
group policy's table) takes its options as a plain dict and a ``Host``: what it needs of
whoever runs it, and nothing else. Two implement it: ``ModuleHost`` inside an Ansible module
(AnsibleModule's own command runner, search path and warnings) and ``CommandHost`` for the
commands that run without Ansible (the boot restore): subprocess, the sbin directories, the
journal. A step that cannot do its job raises ``HostError`` (a command failed) or
``ParameterError`` (an option is wrong); the module turns either into ``fail_json``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import select
try:
    # The C module: signal.py wraps it in enums (enum, functools, collections: 5 ms of each
    # group plugin start), and spawn needs one number of it.
    from _signal import SIGPIPE
except ImportError:  # another interpreter than CPython
    from signal import SIGPIPE
import sys


# Where a command run by systemd finds ip, iptables and nft even with a short PATH.
SEARCH_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


class HostError(Exception):
    """A command or a write failed on the host; ``result`` holds what to report beside the message."""

    def __init__(self, message, **result):
        Exception.__init__(self, message)
        self.result = result


class Host:
    """What host-side code needs of whoever runs it.

    ``check_mode``: plan only; ``diff``: return diffs. ``run(argv, data=None, env=None)`` runs
    an argv list (never a shell) with ``data`` on stdin and ``env`` added to the environment,
    and returns ``(rc, stdout, stderr)`` as text; ``which(name)`` is the path of a program or
    None; ``warn(text)`` reports something that did not stop the step.
    """

    check_mode = False
    diff = False

    def run(self, argv, data=None, env=None):
        raise NotImplementedError

    def which(self, name):
        raise NotImplementedError

    def warn(self, text):
        raise NotImplementedError

    def require(self, name, why=None):
        """The path of a program the step cannot do without, or HostError naming it."""
        path = self.which(name)
        if path is None:
            raise HostError("%s is not installed%s" % (name, ": " + why if why else ""))
        return path


class ModuleHost(Host):
    """The host as an Ansible module sees it."""

    def __init__(self, module):
        self.module = module
        self.check_mode = module.check_mode
        self.diff = module._diff

    def run(self, argv, data=None, env=None):
        return self.module.run_command(argv, data=data, environ_update=env, binary_data=data is not None)

    def which(self, name):
        return self.module.get_bin_path(name)

    def warn(self, text):
        self.module.warn(text)


def run_module(step):
    """A module made of ``step``: its options are ``step.ARGUMENT_SPEC`` (every step plans before
    it applies, so every module supports check mode); runs ``step(module.params,
    ModuleHost(module))`` and ends the module with its result.

    What the step raises (ParameterError for bad parameters, HostError for a host that refused)
    fails the task with the message and whatever the HostError carries; the one way modules end.
    """
    # Imported here: the boot command and the daemon use this file on hosts without Ansible, and
    # the group plugin (every container's start) for spawn alone.
    from ansible.module_utils.basic import AnsibleModule
    from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError

    module = AnsibleModule(argument_spec=step.ARGUMENT_SPEC, supports_check_mode=True)
    try:
        result = step(module.params, ModuleHost(module)).run()
    except (ParameterError, HostError) as exc:
        extra = exc.result if isinstance(exc, HostError) else {}
        module.fail_json(msg=str(exc), **extra)
    module.exit_json(**result)


class CommandHost(Host):
    """The host as a command run without Ansible sees it: lines to the journal (stdout)."""

    def __init__(self, check_mode=False, stream=None):
        self.check_mode = check_mode
        self.stream = stream

    def run(self, argv, data=None, env=None):
        import subprocess  # here: the CNI plugin imports this file and never runs a CommandHost

        environment = dict(os.environ)
        environment.update(env or {})
        # The command host is what runs without Ansible (ModuleHost uses run_command).
        proc = subprocess.run(argv, input=data, env=environment,  # pylint: disable=ansible-bad-function
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
        return proc.returncode, proc.stdout, proc.stderr

    def which(self, name):
        for directory in os.environ.get("PATH", "").split(os.pathsep) + list(SEARCH_PATH):
            path = os.path.join(directory, name)
            if directory and os.access(path, os.X_OK):
                return path
        return None

    def say(self, line):
        stream = self.stream or sys.stdout
        stream.write(line + "\n")
        stream.flush()

    def warn(self, text):
        self.say("warning: %s" % text)


# Children that spawn(until=...) returned before they ended; reap_left() waits for them.
LEFT_RUNNING = []


def reap_left():
    """Wait for the children spawn(until=...) left running (a caller's last step, so that none is
    left for whichever process would adopt it: on a real host not always one that reaps)."""
    while LEFT_RUNNING:
        try:
            os.waitpid(LEFT_RUNNING.pop(), 0)
        except ChildProcessError:
            pass


def spawn(argv, data=b"", stderr=True, until=None):
    """Run ``argv`` (a list, never a shell) with ``data`` (bytes) on stdin; returns ``(rc,
    stdout, stderr)`` as bytes (``stderr=False``: the child writes to ours, and b"" is returned).

    ``until`` (bytes): as soon as the child's stdout holds it, return with rc 0 and leave the
    child to end while the caller goes on (``reap_left`` waits for it later: for a child whose
    last work does not concern the caller). A child that ends without printing it is waited for
    as usual.

    For what runs at every container start (the group plugin: its delegate and nft), where
    importing subprocess (signal.py, threading, selectors) costs more than the work itself.
    """
    stdin_read, stdin_write = os.pipe()
    stdout_read, stdout_write = os.pipe()
    stderr_read, stderr_write = os.pipe() if stderr else (None, 2)
    actions = [(os.POSIX_SPAWN_DUP2, stdin_read, 0), (os.POSIX_SPAWN_DUP2, stdout_write, 1),
               (os.POSIX_SPAWN_DUP2, stderr_write, 2)]
    child_ends = [stdin_read, stdout_write] + ([stderr_write] if stderr else [])
    our_ends = [stdin_write, stdout_read] + ([stderr_read] if stderr else [])
    try:
        # SIGPIPE back to its default in the child, as subprocess does (Python ignores it). No
        # AnsibleModule here: the CNI plugin runs without Ansible.
        pid = os.posix_spawn(argv[0], argv, os.environ,  # pylint: disable=ansible-bad-function
                             file_actions=actions, setsigdef=(SIGPIPE,))
    except OSError:
        for fd in our_ends:
            os.close(fd)
        raise
    finally:
        for fd in child_ends:
            os.close(fd)
    output = {stdout_read: [], stderr_read: []}
    readers = our_ends[1:]
    writers = [stdin_write]
    pending = memoryview(data or b"")
    if pending:
        # Never blocked on a full stdin while the child waits for us to read what it wrote.
        os.set_blocking(stdin_write, False)
    else:
        os.close(stdin_write)
        writers = []
    while readers or writers:
        readable, writable, unused = select.select(readers, writers, [])
        if writable:
            try:
                pending = pending[os.write(stdin_write, pending):]
            except BlockingIOError:
                pass
            except BrokenPipeError:
                pending = pending[:0]
            if not pending:
                os.close(stdin_write)
                writers = []
        for fd in readable:
            chunk = os.read(fd, 65536)
            if chunk:
                output[fd].append(chunk)
                if until and fd == stdout_read and until in b"".join(output[fd]):
                    for end in readers + writers:
                        os.close(end)
                    LEFT_RUNNING.append(pid)
                    return 0, b"".join(output[stdout_read]), b"".join(output[stderr_read])
            else:
                os.close(fd)
                readers.remove(fd)
    status = os.waitpid(pid, 0)[1]
    rc = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    return rc, b"".join(output[stdout_read]), b"".join(output[stderr_read])


__all__ = ("CommandHost", "Host", "HostError", "LEFT_RUNNING", "ModuleHost", "SEARCH_PATH", "reap_left", "run_module",
           "spawn")
