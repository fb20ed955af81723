"""Cold builds and copies timed without the file system's memory of the last one.

ext4 without a journal (as on these machines) will not reuse an inode freed in the last 60 s,
or in the last 360 s while the block of the inode table holding it is dirty (RECENTCY_MIN and
RECENTCY_DIRTY in fs/ext4/ialloc.c, recently_deleted). Every new inode written dirties its
block again, so after `rm -rf` of an output of 40k files and folders, making the next output
scans past the freed inodes for every file and folder it creates, for minutes. `perf` put a
third of a cold build's time there (find_get_block_common and recently_deleted under
ext4_create and ext4_mkdir), and more for a `cp -r`. Waiting 31 s after the delete, as this
module used to, was not enough: the kernel's share stayed.

A site's first build never follows such a delete, so a benchmark must not either: an output a
run is done with is moved aside (a rename frees nothing) and the moved-aside trees are deleted
only after the last timing. Renkei and Hugo get the same treatment. The disk must hold every
output of a run meanwhile (about 3 GB at 10k records), and the final delete takes a minute or
two of system time: time nothing else then.
"""
import os
import shutil
import tempfile


class Trash:
    """Outputs moved out of the way during a benchmark, deleted by `empty` when it ends."""

    def __init__(self, base):
        self.dir = os.path.join(base, ".bench-trash")
        os.makedirs(self.dir, exist_ok=True)

    def discard(self, *paths):
        """Moves each existing path into the trash, so the next build or copy makes its output
        anew in a folder nothing was deleted from. A renkei output's record and kept parses
        (`.renkei-*` beside it) go too: a cold build has none to take."""
        for path in paths:
            parent, name = os.path.split(os.path.abspath(path))
            kept = [os.path.join(parent, n) for n in os.listdir(parent) if n.startswith(".renkei-") and n.endswith("." + name)]
            for p in [path] + kept:
                if os.path.lexists(p):
                    # A folder of its own: no name taken before (an interrupted run's) is reused.
                    os.rename(p, os.path.join(tempfile.mkdtemp(dir=self.dir), "x"))

    def empty(self):
        shutil.rmtree(self.dir, ignore_errors=True)
