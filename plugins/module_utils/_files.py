# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay's files module: a set of small text files in one call.

A role writes a dozen small files per host (configs, flags, the boot unit's code). One
``copy`` per file costs two module runs per file even when nothing changed; here every file
is read, the differences are planned as data, then written (each atomically: a temporary file
in the same directory, renamed over the old one), in one module run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import os
import pwd
import stat

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan
from ansible_collections.mesos.overlay.plugins.module_utils._host import HostError


def _mode(value, where):
    try:
        mode = int(str(value), 8)
    except (TypeError, ValueError):
        raise ParameterError("%s.mode: %r is not an octal mode such as '0644'" % (where, value))
    if not 0 <= mode <= 0o7777:
        raise ParameterError("%s.mode: %r is out of range" % (where, value))
    return mode


def _id(kind, name, where):
    try:
        return pwd.getpwnam(name).pw_uid if kind == "owner" else grp.getgrnam(name).gr_gid
    except KeyError:
        raise ParameterError("%s.%s: %r does not exist on this host" % (where, kind, name))


def _read(path):
    """(text or None, (mode, uid, gid) or None) of ``path``; a directory there is an error."""
    try:
        info = os.lstat(path)
    except OSError:
        return None, None
    if not stat.S_ISREG(info.st_mode):
        raise ParameterError("path: %s exists and is not a regular file" % path)
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return text, (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid)


class Files:
    """What the files module runs: ``module.params['files']`` made so, or planned in check mode."""

    # The files module's options.
    ARGUMENT_SPEC = dict(
        files=dict(type="list", elements="dict", default=[], options=dict(
            path=dict(type="path", required=True),
            content=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            mode=dict(type="str", default="0644"),
            owner=dict(type="str", default="root"),
            group=dict(type="str", default="root"),
            only_if_exists=dict(type="path"),
        )),
        read=dict(type="list", elements="path", default=[]),
        directory_mode=dict(type="str", default="0755"),
    )

    def __init__(self, params, host):
        self.host = host
        self.params = params
        self.skipped = []
        self.entries = params["files"]
        self.directory_mode = _mode(params["directory_mode"], "directory_mode")

    def _wanted(self, entry, index):
        where = "files[%d] (%s)" % (index, entry.get("path"))
        path = entry.get("path")
        if not path or not os.path.isabs(path):
            raise ParameterError("files[%d].path: %r is not an absolute path" % (index, path))
        if entry["state"] == "present" and entry.get("content") is None:
            raise ParameterError("%s.content: is missing (state present needs the file's text)" % where)
        return {
            "path": os.path.normpath(path),
            "state": entry["state"],
            "content": entry.get("content"),
            "mode": _mode(entry["mode"], where),
            "uid": _id("owner", entry["owner"], where),
            "gid": _id("group", entry["group"], where),
            "only_if_exists": entry.get("only_if_exists"),
        }

    def plan(self):
        """The Plan (kind ``file``, key the path) and the texts before and after, for the diff."""
        wanted = [self._wanted(entry, index) for index, entry in enumerate(self.entries)]
        seen = set()
        for want in wanted:
            if want["path"] in seen:
                raise ParameterError("files: %s is given twice" % want["path"])
            seen.add(want["path"])
        plan = Plan()
        texts = {}
        self.skipped = []
        for want in wanted:
            path = want["path"]
            if want["only_if_exists"] and not os.path.exists(want["only_if_exists"]):
                self.skipped.append(path)
                continue
            text, attributes = _read(path)
            if want["state"] == "absent":
                if attributes is not None:
                    plan.add("file", path, "%d bytes" % os.path.getsize(path), None, commands=[("remove", path)])
                    texts[path] = (text or "", "")
                continue
            attributes_wanted = (want["mode"], want["uid"], want["gid"])
            if attributes is None:
                plan.add("file", path, None, _describe(want["content"], attributes_wanted),
                         commands=[("write", want)])
                texts[path] = ("", want["content"])
            elif text != want["content"]:
                plan.add("file", path, _describe(text, attributes), _describe(want["content"], attributes_wanted),
                         commands=[("write", want)])
                texts[path] = (text if text is not None else "(not UTF-8 text)", want["content"])
            elif attributes != attributes_wanted:
                plan.add("file", path, _describe(text, attributes), _describe(text, attributes_wanted),
                         commands=[("attributes", want)])
        return plan, texts

    def _make_parents(self, directory):
        missing = []
        while directory and not os.path.isdir(directory):
            missing.append(directory)
            directory = os.path.dirname(directory)
        for path in reversed(missing):
            os.mkdir(path, self.directory_mode)
            os.chmod(path, self.directory_mode)

    def _write(self, want):
        path = want["path"]
        self._make_parents(os.path.dirname(path))
        temporary = "%s.mesos-overlay.%d" % (path, os.getpid())
        try:
            with open(temporary, "wb") as handle:
                handle.write(want["content"].encode("utf-8"))
            os.chown(temporary, want["uid"], want["gid"])
            os.chmod(temporary, want["mode"])
            os.rename(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)

    def apply(self, plan):
        for command, argument in plan.commands():
            if command == "remove":
                os.unlink(argument)
            elif command == "write":
                self._write(argument)
            else:
                os.chown(argument["path"], argument["uid"], argument["gid"])
                os.chmod(argument["path"], argument["mode"])

    def contents(self):
        """{path: text or None} of the paths in ``read``: what a caller computes its files from."""
        result = {}
        for path in self.params.get("read") or []:
            if not os.path.isabs(path):
                raise ParameterError("read: %r is not an absolute path" % path)
            result[path] = _read(path)[0] if os.path.lexists(path) else None
        return result

    def run(self):
        contents = self.contents()
        plan, texts = self.plan()
        if plan and not self.host.check_mode:
            try:
                self.apply(plan)
            except (IOError, OSError) as exc:
                raise HostError("writing the files failed: %s" % exc, changes=plan.as_result())
        result = {"changed": bool(plan), "changes": plan.as_result(), "skipped_paths": self.skipped,
                  "contents": contents}
        if self.host.diff:
            result["diff"] = [{"before": before, "after": after, "before_header": path, "after_header": path}
                              for path, (before, after) in texts.items()]
            for change in plan.changes:
                if change.key not in texts:
                    result["diff"].append({"before": change.before + "\n", "after": change.after + "\n",
                                           "before_header": change.key, "after_header": change.key})
        return result


def _describe(text, attributes):
    mode, uid, gid = attributes
    return "%d bytes, mode %04o, owner %d:%d" % (len((text or "").encode("utf-8")), mode, uid, gid)
