"""Removing an output folder before a cold build without timing the file system's aftermath.

ext4 without a journal (as on these machines) skips the inodes freed within the last
dirty-expire interval (30 s by default) when it allocates new ones (fs/ext4/ialloc.c,
recently_deleted): right after `rm -rf` of an output of 40k files and folders, creating the
next output scans past all of them for every file. Measured here on the 10k workload: a cold
renkei build right after removing its output took 9.6-15.4 s, and 6.0-6.5 s once the freed
inodes were older than the interval; `perf` put the difference in recently_deleted. A site's
first build never follows such a delete, so cold builds and `cp -r` are timed after the
interval has passed, for renkei and Hugo alike.
"""
import os
import shutil
import time


def settle_seconds():
    """The interval after which freed inodes no longer count as recently deleted."""
    try:
        with open("/proc/sys/vm/dirty_expire_centisecs") as f:
            return int(f.read()) / 100 + 1
    except (OSError, ValueError):
        return 31


def remove_and_settle(*paths):
    """Removes `paths` and waits until the file system no longer holds their deletion against
    the next files made."""
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
    os.sync()
    time.sleep(settle_seconds())
