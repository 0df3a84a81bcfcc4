# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay's modules: the lock a run holds on the masters.

Two runs that read the state at once hand out the same lowest free slots. A run takes the
lock on every master before it reads the state and releases it after it wrote it back. The
lock is a file created with O_EXCL (atomic on a local filesystem) that names its holder; a
lock older than its lease was left by a run that died and is taken over (renamed away, which
only one contender can do, then created again).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import json
import os
import time


class LockHeld(Exception):
    """Another run holds the lock; the message says who, since when and what to do."""


def _text(epoch):
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))


class RunLock:
    def __init__(self, path, token, owner, timeout=300, lease=1800, poll=1.0, clock=time.time, sleep=time.sleep):
        self.path = path
        self.token = token
        self.owner = owner
        self.timeout = timeout
        self.lease = lease
        self.poll = poll
        self.clock = clock
        self.sleep = sleep

    def holder(self):
        """The lock's content, or None when nobody holds it. A file that cannot be read is
        taken as held since its modification time (a run may be writing it)."""
        try:
            with open(self.path) as handle:
                text = handle.read()
            stat = os.stat(self.path)
        except (IOError, OSError) as exc:
            if exc.errno == errno.ENOENT:
                return None
            raise
        try:
            content = json.loads(text)
            if not isinstance(content, dict) or "since" not in content:
                raise ValueError("not a lock")
            return content
        except ValueError:
            return {"token": None, "owner": "an unreadable lock file", "since": stat.st_mtime}

    def _create(self):
        now = self.clock()
        content = {"token": self.token, "owner": self.owner, "since": now, "since_text": _text(now), "lease": self.lease}
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                return None
            raise
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(content, sort_keys=True) + "\n")
        return content

    def acquire(self):
        """{"acquired": bool (False when this run held it already), "took_over": holder or None,
        "waited": seconds}; raises LockHeld after ``timeout`` seconds."""
        start = self.clock()
        took_over = None
        while True:
            if self._create() is not None:
                return {"acquired": True, "took_over": took_over, "waited": round(self.clock() - start, 1)}
            holder = self.holder()
            if holder is None:
                continue  # released between our two looks: try again at once
            if holder.get("token") == self.token:
                return {"acquired": False, "took_over": None, "waited": round(self.clock() - start, 1)}
            age = self.clock() - float(holder["since"])
            if age > self.lease:
                try:
                    os.rename(self.path, "%s.stale-%s" % (self.path, self.token))
                    os.remove("%s.stale-%s" % (self.path, self.token))
                    took_over = holder
                except OSError as exc:
                    if exc.errno != errno.ENOENT:
                        raise
                continue
            waited = self.clock() - start
            if waited >= self.timeout:
                raise LockHeld(self.describe(holder, waited))
            self.sleep(min(self.poll, max(self.timeout - waited, 0.01)))

    def describe(self, holder, waited):
        since = float(holder["since"])
        age = self.clock() - since
        return ("%s is held by %s since %s (%d s ago): another run is changing the overlay's allocation. Waited %d s "
                "(mesos_overlay_lock_timeout). A lock older than %d s (mesos_overlay_lock_lease) is taken over as "
                "left by a run that died: this one will be in %d s; remove the file if you know that run is gone. "
                "Nothing was changed."
                % (self.path, holder.get("owner") or "an unknown run", holder.get("since_text") or _text(since), age,
                   waited, self.lease, max(self.lease - age, 0)))

    def release(self):
        """True when this run held the lock and released it."""
        holder = self.holder()
        if holder is None or holder.get("token") != self.token:
            return False
        os.remove(self.path)
        return True
