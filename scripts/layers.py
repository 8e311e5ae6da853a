#!/usr/bin/env python3
"""layers.py: checks that app/src's modules import only downward, as ARCHITECTURE.md says.

Reads the layers from the ```layers block of ARCHITECTURE.md, the import graph from
../shared/tools/module-graph.py (beside the repository, as on CI), and the base's own graph
(its files naming `crate::base::x` or `super::x`). Exits 1, naming each offending edge, when a module imports its own layer or one
above it, a module is in no layer, or the base's files form a cycle.
"""
import os, re, subprocess, sys
from collections import defaultdict

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)
note = open("ARCHITECTURE.md", encoding="utf-8").read()
block = re.search(r"```layers\n(.*?)```", note, re.S)
if not block:
    sys.exit("ARCHITECTURE.md has no ```layers block")
layer = {}
for number, line in enumerate(l for l in block.group(1).splitlines() if l.strip()):
    for name in line.split(":", 1)[1].split():
        layer[name] = number

tool = os.path.join(root, "..", "shared", "tools", "module-graph.py")
out = subprocess.run([sys.executable, tool, "app/src"], capture_output=True, text=True).stdout
edges = re.findall(r"^  (\w+) -> (\w+)  \(", out, re.M)
if not edges:
    sys.exit("module-graph.py printed no edges: " + out[:200])
problems = []
for a, b in edges:
    if a not in layer or b not in layer:
        problems.append(f"{a} -> {b}: {a if a not in layer else b} is in no layer of ARCHITECTURE.md")
    elif layer[b] >= layer[a]:
        problems.append(f"{a} -> {b}: layer {layer[a]} may import only lower layers, {b} is {layer[b]}")

# The base's own modules: no cycle among them either.
graph = defaultdict(set)
base = "app/src/base"
for dirpath, _, files in os.walk(base):
    for f in files:
        if not f.endswith(".rs"):
            continue
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, base).split(os.sep)
        me = rel[0][:-3] if len(rel) == 1 else rel[0]
        if me == "mod":
            continue
        text = open(path, encoding="utf-8").read()
        cut = re.search(r"^\s*#\[cfg\(test\)\]", text, re.M)
        text = text[: cut.start()] if cut else text
        names = set(re.findall(r"\bcrate::base::(\w+)", text))
        if len(rel) == 1:  # a file directly in base/: super:: is the base
            names |= set(re.findall(r"\bsuper::(\w+)", text))
        graph[me] |= {n for n in names if n != me}
state = {}
def visit(v, trail):
    state[v] = 1
    for w in sorted(graph[v]):
        if state.get(w) == 1:
            problems.append("base cycle: " + " -> ".join(trail[trail.index(w):] + [w]) if w in trail else f"base cycle through {w}")
        elif w not in state:
            visit(w, trail + [w])
    state[v] = 2
for v in sorted(graph):
    if v not in state:
        visit(v, [v])

if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{len(edges)} edges between {len(layer)} modules, every one downward; the base's "
      f"{len(graph)} modules form no cycle")
