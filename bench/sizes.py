#!/usr/bin/env python3
"""Where a release binary's code and start-up relocations come from, by crate.

usage: bench/sizes.py BINARY [TOP]

BINARY must keep its symbols (bench/callgrind's build, or any release build
with CARGO_PROFILE_RELEASE_STRIP=none). Prints, per crate (the first path
segment of each demangled symbol; `<T as Trait>::f` counts for T's crate, C
symbols as `[C]`):
- the bytes of code (`nm` symbols of type t/T), like `cargo bloat --crates`
  after LTO, so inlined code counts where it ended up;
- the relative relocations (`readelf -r`, R_X86_64_RELATIVE) by the crate of
  the symbol they point to, and by the symbol
  whose bytes they patch (vtables and static tables: `.data.rel.ro`), and the
  4 KiB pages those patches dirty, which every start faults in.
Uses only binutils (nm, readelf) and Python: nothing to install."""
import bisect
import collections
import re
import subprocess
import sys

BIN = sys.argv[1]
TOP = int(sys.argv[2]) if len(sys.argv) > 2 else 25


def crate_of(name):
    n = name.strip()
    while n.startswith("<"):
        n = n[1:]
    n = re.sub(r"^(dyn |impl |&(mut )?|\*(const|mut) )+", "", n)
    for prefix in ("_<", "<"):
        if n.startswith(prefix):
            n = n[len(prefix):]
    if "::" not in n:
        return "[C]" if re.match(r"^[A-Za-z_.$][\w.$@]*$", n) else "[other]"
    head = n.split("::", 1)[0]
    return head if re.match(r"^[A-Za-z_][\w]*$", head) else "[other]"


syms = []  # (addr, size, type, name)
nm = subprocess.run(["nm", "-C", "-S", "--defined-only", BIN], capture_output=True, text=True, check=True)
for line in nm.stdout.splitlines():
    parts = line.split(" ", 3)
    if len(parts) < 4:
        continue
    addr, size, typ, name = parts
    try:
        syms.append((int(addr, 16), int(size, 16), typ, name))
    except ValueError:
        continue
if not syms:
    sys.exit(f"{BIN}: no symbols (a stripped binary?); build with CARGO_PROFILE_RELEASE_STRIP=none")
syms.sort()
starts = [s[0] for s in syms]

code = collections.Counter()
total_code = 0
for _, size, typ, name in syms:
    if typ in "tT":
        code[crate_of(name)] += size
        total_code += size

def owner_of(addr):
    i = bisect.bisect_right(starts, addr) - 1
    if i >= 0 and syms[i][0] <= addr < syms[i][0] + max(syms[i][1], 1):
        return crate_of(syms[i][3])
    return "[none]"


targets = collections.Counter()
relocs = collections.Counter()
pages = collections.defaultdict(set)
all_pages = set()
n_rel = 0
readelf = subprocess.run(["readelf", "-rW", BIN], capture_output=True, text=True, check=True)
in_relr = False
for line in readelf.stdout.splitlines():
    f = line.split()
    if line.startswith("Relocation section"):
        in_relr = ".relr.dyn" in line
        continue
    if in_relr and len(f) == 1:
        # A packed (DT_RELR) relocation: its target is stored in place.
        where, target = int(f[0], 16), "[packed: not listed]"
    elif len(f) >= 3 and f[2] == "R_X86_64_RELATIVE":
        where, target = int(f[0], 16), owner_of(int(f[-1], 16))
    else:
        continue
    n_rel += 1
    owner = owner_of(where)
    targets[target] += 1
    relocs[owner] += 1
    pages[owner].add(where >> 12)
    all_pages.add(where >> 12)

print(f"{BIN}: {total_code:,} bytes of code in symbols, {n_rel:,} relative relocations "
      f"dirtying {len(all_pages)} pages of 4 KiB\n")
print("| crate | code | share |")
print("|---|---:|---:|")
for c, n in code.most_common(TOP):
    print(f"| {c} | {n:,} B | {100 * n / total_code:.1f} % |")
print("\n| crate (of what a relocation points to) | relative relocations |")
print("|---|---:|")
for c, n in targets.most_common(TOP):
    print(f"| {c} | {n:,} |")
print("\n| crate (owner of the patched bytes; [none]: anonymous vtables and tables) | relative relocations | pages touched |")
print("|---|---:|---:|")
for c, n in relocs.most_common(TOP):
    print(f"| {c} | {n:,} | {len(pages[c])} |")
