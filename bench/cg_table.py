#!/usr/bin/env python3
"""Reads `callgrind_annotate --inclusive=yes` output on stdin and prints the TOP
functions by inclusive cost as a markdown table, less the frames every program
has (process entry, libc start, std's main trampoline) and the per-source-file
split lines of inlined code: one row per function, object paths shortened.

usage: callgrind_annotate --inclusive=yes OUT | cg_table.py [TOP]"""
import re
import sys

top = int(sys.argv[1]) if len(sys.argv) > 1 else 15
boilerplate = re.compile(
    r"PROGRAM TOTALS|\(below main\)|__libc_start|libc_start_call_main"
    r"|__rust_begin_short_backtrace|^\?\?\?:main$|:cytoken::main$|^\?\?\?:0x"
)
row = re.compile(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(.*) \[(.*)\]\s*$")

print("| Ir (inclusive) | % | function | object |")
print("|---:|---:|---|---|")
n = 0
for line in sys.stdin:  # read to the end: stopping early would SIGPIPE the annotator
    if n >= top:
        continue
    m = row.match(line)
    if not m:
        continue
    ir, pct, where, obj = m.groups()
    if boilerplate.search(where):
        continue
    fn = where.split(":", 1)[1] if ":" in where else where
    print(f"| {ir} | {pct}% | `{fn[:110]}` | {obj.rsplit('/', 1)[-1]} |")
    n += 1
