#!/usr/bin/env python3
"""The walk-through's expensive evaluator: looks each architecture's accuracy up in
bench.csv (a real evaluator trains it, or asks a supernet). Protocol: one JSON object per
line on stdin, {"id", "arch": {"layer0": ..., ...}}; one line per architecture on stdout,
{"id", "score"} (and optionally "seconds", the evaluation's cost)."""
import csv
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
table = {}
for row in csv.DictReader(open(os.path.join(here, "bench.csv"))):
    key = (row["layer0"], row["layer1"], row["layer2"], str(row["width"]))
    table[key] = float(row["accuracy"])

for line in sys.stdin:
    if not line.strip():
        continue
    item = json.loads(line)
    a = item["arch"]
    key = (str(a["layer0"]), str(a["layer1"]), str(a["layer2"]), str(a["width"]))
    print(json.dumps({"id": item["id"], "score": table[key], "seconds": 60.0}), flush=True)
