#!/usr/bin/env python3
"""Writes a git fast-import stream for a medium repository: FILES files in nested directories, COMMITS commits that
each change a few files (and add one), code-like text so that it compresses and deltas like a real project.
Deterministic: the same arguments always give the same repository (and commit IDs)."""
import random
import sys

FILES = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
COMMITS = int(sys.argv[2]) if len(sys.argv) > 2 else 300
rnd = random.Random(42)
WORDS = ("int long string return class public private static final void import package if else for while "
         "new this null true false throw catch try value name list map result error config repo clone fetch "
         "commit tree blob index checkout branch tag depth path file dir root link user token key host").split()
out = sys.stdout.buffer


def line():
    indent = "  " * rnd.randint(0, 4)
    return indent + " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 12))) + ";\n"


def content(n_lines):
    return "".join(line() for _ in range(n_lines))


def path(i):
    return "src/mod%02d/pkg%02d/File%05d.java" % (i % 40, (i // 40) % 25, i)


def blob(data):
    b = data.encode()
    out.write(b"data %d\n" % len(b))
    out.write(b)
    out.write(b"\n")


files = {path(i): content(rnd.randint(20, 160)) for i in range(FILES)}
t = 1700000000
for c in range(COMMITS):
    if c == 0:
        changed = list(files)
    else:
        changed = rnd.sample(list(files), 12)
        for p in changed:
            lines = files[p].splitlines(keepends=True)
            for _ in range(rnd.randint(1, 6)):
                lines.insert(rnd.randint(0, len(lines)), line())
            files[p] = "".join(lines)
        new = "src/added/c%04d/New%04d.java" % (c // 50, c)
        files[new] = content(rnd.randint(10, 60))
        changed.append(new)
    t += 3600
    msg = "commit %d\n" % c
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % t)
    blob(msg)
    for p in changed:
        out.write(b"M 100644 inline %s\n" % p.encode())
        blob(files[p])
    out.write(b"\n")
