# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay's modules: one vocabulary for what a module changes.

Every module first reads what is there, then computes a Plan, the whole list of changes as
data (kind, key, before, after, and the commands that make it so), and only then applies it.
Check mode stops before applying; the result's ``changes``, ``commands`` and the diff all come
from the plan, so what a module reports is what it does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ParameterError(ValueError):
    """A malformed option value; the message names the option and the value."""


class Change:
    """One difference between the host and what is wanted.

    ``before`` is None for something to create, ``after`` None for something to remove.
    ``commands`` are argv lists (or, for a callable step, a text that describes it) that make it so.
    """

    __slots__ = ("kind", "key", "before", "after", "reason", "commands")

    def __init__(self, kind, key, before, after, reason=None, commands=None):
        self.kind = kind
        self.key = key
        self.before = before
        self.after = after
        self.reason = reason
        self.commands = list(commands or [])

    @property
    def action(self):
        if self.before is None:
            return "add"
        if self.after is None:
            return "remove"
        return "change"

    def as_dict(self):
        result = {"kind": self.kind, "key": self.key, "action": self.action,
                  "before": self.before, "after": self.after}
        if self.reason:
            result["reason"] = self.reason
        return result


class Plan:
    """The ordered changes of one module run."""

    def __init__(self):
        self.changes = []

    def add(self, kind, key, before, after, reason=None, commands=None):
        change = Change(kind, key, before, after, reason=reason, commands=commands)
        self.changes.append(change)
        return change

    def __bool__(self):
        return bool(self.changes)

    __nonzero__ = __bool__

    def __len__(self):
        return len(self.changes)

    def of_kind(self, kind):
        return [change for change in self.changes if change.kind == kind]

    def commands(self):
        """Every command of the plan, in order (argv lists)."""
        return [command for change in self.changes for command in change.commands]

    def as_result(self):
        return [change.as_dict() for change in self.changes]

    def diff(self, header, before_state=None, after_state=None):
        """Ansible's diff: whole objects when given, else one ``kind key: value`` line a change."""
        if before_state is not None or after_state is not None:
            return {"before": before_state or {}, "after": after_state or {},
                    "before_header": header, "after_header": header}
        before = ["%s %s: %s" % (c.kind, c.key, _text(c.before)) for c in self.changes if c.before is not None]
        after = ["%s %s: %s" % (c.kind, c.key, _text(c.after)) for c in self.changes if c.after is not None]
        return {"before": "\n".join(before) + ("\n" if before else ""),
                "after": "\n".join(after) + ("\n" if after else ""),
                "before_header": header, "after_header": header}


def _text(value):
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def argv_text(argv):
    """An argv list as one line, for the result's ``commands``."""
    return " ".join(str(part) for part in argv)
