#!/usr/bin/env python3
"""A cold stampede for bench/run: N `cytoken token` processes launched together
against an empty cache dir, ROUNDS times (a fresh cache dir each round).

usage: stampede.py BIN N ROUNDS WORKDIR TENANT OUT.json

The selection comes from the CYTOKEN_* environment (CYTOKEN_AUTH_URL should point
at an emulator started with --delay-ms). The emulator has no request counter, so
exchanges are counted from the outside: every process that exchanges prints the
token it got, so the number of distinct tokens printed is the number of exchanges
whose result reached anyone, and `cytoken cache list` must show one entry."""
import json
import os
import subprocess
import sys
import time


def one_round(bin_, n, cache_dir, tenant):
    env = dict(os.environ, CYTOKEN_CACHE_DIR=cache_dir)
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen([bin_, "token"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(n)
    ]
    launched = time.perf_counter()
    outs = [p.communicate() for p in procs]
    wall = time.perf_counter() - t0
    tokens = {o.decode().strip() for o, _ in outs if o.strip()}
    failed = [
        {"status": p.returncode, "stderr": e.decode(errors="replace")[-300:]}
        for p, (_, e) in zip(procs, outs)
        if p.returncode != 0
    ]
    listing = subprocess.run(
        [bin_, "cache", "list"], env=env, capture_output=True, text=True, check=False
    )
    rows = [l for l in listing.stdout.splitlines() if tenant in l]
    files = [f for f in os.listdir(cache_dir) if f.endswith(".json")]
    return {
        "wall_s": wall,
        "launch_s": launched - t0,
        "distinct_tokens": len(tokens),
        "failed": failed,
        "cache_list_entries": len(rows),
        "cache_list_status": listing.returncode,
        "entry_files": len(files),
    }


def main():
    bin_, n, rounds, workdir, tenant, out = sys.argv[1:7]
    results = [
        one_round(bin_, int(n), os.path.join(workdir, f"round-{i}"), tenant)
        for i in range(int(rounds))
    ]
    with open(out, "w") as f:
        json.dump({"n": int(n), "rounds": results}, f, indent=1)


if __name__ == "__main__":
    main()
