#!/usr/bin/env python3
"""Runs several commands in alternation and reports medians.

    bench/alternate.py --runs N [--warmup W] --out FILE.json \\
        NAME 'PREPARE' 'COMMAND' [NAME 'PREPARE' 'COMMAND' ...]

Each round runs every command once, the first one rotating from round to
round, so a machine that speeds up or slows down (shared virtual machines
drift by 10-20% within minutes) weighs on all of them alike; hyperfine
instead runs all of one command's runs before the next command's. PREPARE
runs through the shell before each run, untimed (e.g. `rm -rf out`);
COMMAND runs without a shell. Per command the JSON holds the median wall
time, CPU time (user + system) and peak RSS of the runs, all in seconds or
KiB, plus every run.
"""

import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def main(argv):
    runs, warmup, out, rest = 7, 1, None, []
    args = iter(argv)
    for a in args:
        if a == "--runs":
            runs = int(next(args))
        elif a == "--warmup":
            warmup = int(next(args))
        elif a == "--out":
            out = next(args)
        else:
            rest.append(a)
    if out is None or not rest or len(rest) % 3:
        sys.exit(__doc__)
    commands = [rest[i : i + 3] for i in range(0, len(rest), 3)]
    samples = {name: [] for name, _, _ in commands}
    for round_ in range(warmup + runs):
        shift = round_ % len(commands)
        for name, prepare, command in commands[shift:] + commands[:shift]:
            subprocess.run(prepare, shell=True, check=True)
            started = time.perf_counter()
            child = subprocess.Popen(
                shlex.split(command), stdout=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
            if status != 0:
                sys.exit(f"bench: `{command}` failed ({status})")
            if round_ >= warmup:
                samples[name].append(
                    {
                        "wall": wall,
                        "cpu": usage.ru_utime + usage.ru_stime,
                        "max_rss_kib": usage.ru_maxrss,
                    }
                )
    median = lambda name, key: statistics.median(s[key] for s in samples[name])
    result = {
        name: {
            "wall": median(name, "wall"),
            "cpu": median(name, "cpu"),
            "max_rss_kib": median(name, "max_rss_kib"),
            "runs": samples[name],
        }
        for name in samples
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
