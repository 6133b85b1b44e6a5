#!/usr/bin/env python3
"""A python-cyapi-style listing, the baseline for `bench/api`: GET
<api>/devices/v2?page=N&page_size=200 with requests, page 1 first for
total_pages, then the rest sequentially (`seq`) or on a thread pool of 20 in
shuffled order (`threads`, as python-cyapi does), every page_items element
collected in memory, then printed as one JSON array. The bearer token comes
from cytoken's cache (`cytoken token`), so only the listing is compared.

usage: cyapi_loop.py seq|threads CYTOKEN API_BASE [PAGE_SIZE]"""
import json, random, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

import requests

mode, cytoken, base = sys.argv[1], sys.argv[2], sys.argv[3].rstrip("/")
size = int(sys.argv[4]) if len(sys.argv) > 4 else 200
token = subprocess.run([cytoken, "token"], check=True, capture_output=True, text=True).stdout.strip()
session = requests.Session()
session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})


def page(n):
    # python-cyapi retries 5xx and sleeps on 429; the stand-in sends neither here.
    for _ in range(250):
        r = session.get(f"{base}/devices/v2", params={"page": n, "page_size": size}, timeout=60)
        if r.status_code == 429:
            time.sleep(1)
            continue
        if r.status_code >= 500:
            continue
        r.raise_for_status()
        return r.json()
    raise SystemExit(f"page {n} kept failing")


first = page(1)
pages = {1: first["page_items"]}
rest = list(range(2, int(first["total_pages"]) + 1))
if mode == "seq":
    for n in rest:
        pages[n] = page(n)["page_items"]
else:
    random.shuffle(rest)
    with ThreadPoolExecutor(max_workers=20) as pool:
        for n, p in zip(rest, pool.map(page, rest)):
            pages[n] = p["page_items"]
items = [item for n in sorted(pages) for item in pages[n]]
json.dump(items, sys.stdout)
sys.stdout.write("\n")
