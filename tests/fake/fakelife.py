"""fakelife.py: how rolehop's test fakes end by themselves.

A fake runs watchdog() in a daemon thread: the process exits once its
lifetime is over or once the test shell that started it is gone, so a
killed test never leaves a server behind. Standard library only.
"""

import os
import sys
import time


def pid_gone(pid):
    """True if pid does not exist or is a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return False


def watchdog(name, lifetime, watch_pid):
    """Exit after lifetime seconds, or once watch_pid is gone."""
    end = time.monotonic() + lifetime
    while time.monotonic() < end:
        if watch_pid and pid_gone(watch_pid):
            sys.stderr.write("%s: watched pid gone, exiting\n" % name)
            sys.stderr.flush()
            os._exit(0)
        time.sleep(min(0.5, max(0.0, end - time.monotonic())))
    sys.stderr.write("%s: lifetime over, exiting\n" % name)
    sys.stderr.flush()
    os._exit(0)
