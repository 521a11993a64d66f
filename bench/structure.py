#!/usr/bin/env python3
"""Structure numbers of the production code (issue 10's "Show").

Counts, for src/ without its #[cfg(test)] modules: files over 500 lines,
function lengths (over 50, over 80, median), problem codes written as
string literals outside src/problem.rs, and kind names written as string
literals outside src/model/kinds.rs. Usage: bench/structure.py [REPO_DIR]
"""
import re
import statistics
import sys
from pathlib import Path

KINDS = ["daily_reports", "field_values", "agenda_items", "files", "time_entries",
         "assignments", "vecozo_messages", "declarations", "member_access",
         "history", "other"]
FN = re.compile(r'^\s*(pub(\([a-z]+\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+\w+')


def production(text):
    """The text before the first inline #[cfg(test)] module; a module
    declared as `mod tests;` or a file marked `#![cfg(test)]` is skipped by
    the caller."""
    m = re.search(r"#\[cfg\(test\)\]\s*mod \w+ \{", text)
    return text if m is None else text[: m.start()]


def strip_strings(line):
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])'", "''", line)
    return line.split("//")[0]


def functions(lines):
    """Lengths of every fn body, from its signature to its closing brace."""
    out = []
    i = 0
    while i < len(lines):
        if FN.match(lines[i]) and not lines[i].rstrip().endswith(";"):
            depth, started, j = 0, False, i
            while j < len(lines):
                s = strip_strings(lines[j])
                depth += s.count("{") - s.count("}")
                started = started or "{" in s
                if started and depth <= 0:
                    break
                if not started and s.rstrip().endswith(";"):
                    break
                j += 1
            if started:
                out.append(j - i + 1)
            i += 1
        else:
            i += 1
    return out


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    src = root / "src"
    problem = src / "problem.rs"
    # The wire names come from this checkout's table, so an older tree
    # (where they were bare literals) is counted against the same list.
    table = Path(__file__).resolve().parent.parent / "src" / "problem.rs"
    codes = set(re.findall(r'=> "([a-z]+(?:-[a-z]+)*)", (?:Error|Warning)', table.read_text()))
    big, lens, code_lits, code_files, kind_lits = [], [], 0, set(), 0
    for f in sorted(src.rglob("*.rs")):
        if f.name == "tests.rs":
            continue
        raw = f.read_text()
        if "\n#![cfg(test)]" in raw:
            continue  # a whole file compiled for tests only
        text = production(raw)
        lines = text.splitlines()
        rel = f.relative_to(root)
        if len(lines) > 500:
            big.append((len(lines), str(rel)))
        lens += functions(lines)
        lits = re.findall(r'"([a-z_]+(?:-[a-z]+)*)"', text)
        if f != problem:
            n = sum(1 for s in lits if s in codes)
            code_lits += n
            if n:
                code_files.add(str(rel))
        if not str(rel).endswith("model/kinds.rs"):
            kind_lits += sum(1 for s in lits if s in KINDS)
    print(f"production files over 500 lines: {len(big)}")
    for n, name in sorted(big, reverse=True):
        print(f"  {name} {n}")
    print(f"functions: {len(lens)}, over 50 lines: {sum(l > 50 for l in lens)}, "
          f"over 80 lines: {sum(l > 80 for l in lens)}, median {statistics.median(lens):g} lines, "
          f"longest {max(lens)}")
    print(f"problem codes as string literals outside src/problem.rs: {code_lits} in {len(code_files)} files")
    print(f"kind names as string literals outside src/model/kinds.rs: {kind_lits}")


if __name__ == "__main__":
    main()
