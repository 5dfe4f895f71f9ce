#!/usr/bin/env python3
"""A small example of llmpp's external-evaluator protocol.

Reads one JSON object per line on stdin: {"id": "...", "arch": {"<dimension name>": value or [values]}},
answers one line per architecture on stdout: {"id": "...", "score": <number>}.

The score is a toy stand-in (a smooth function of the architecture's size), not a real
supernet: replace `score()` with a call into your HAT/MoS supernet, or fan the batch out to a
cluster. Flags exist to exercise llmpp's fault handling:
  --crash        exit with status 3 after reading the batch
  --hang         read the batch, then sleep forever
  --garbage      answer lines that are not JSON
  --skip         answer every architecture but the first
"""
import json
import sys
import time


def score(arch):
    total = 0.0
    for value in arch.values():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, (int, float)):
                total += float(v)
            else:
                total += len(str(v))
    return 20.0 + 10.0 * (1.0 - 1.0 / (1.0 + total / 10000.0))


def main():
    flags = set(sys.argv[1:])
    batch = [json.loads(line) for line in sys.stdin if line.strip()]
    if "--crash" in flags:
        print("toy evaluator: crashing as asked", file=sys.stderr)
        sys.exit(3)
    if "--hang" in flags:
        time.sleep(3600)
    for i, item in enumerate(batch):
        if "--skip" in flags and i == 0:
            continue
        if "--garbage" in flags:
            print("score for %s is high" % item["id"])
        else:
            print(json.dumps({"id": item["id"], "score": round(score(item["arch"]), 4)}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
