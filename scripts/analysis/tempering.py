#!/usr/bin/env python3
"""Would a sharper or flatter digit walk rank better? Re-weights every stored answer
distribution's digit tree (each node's conditional probabilities raised to the power a and
renormalised among the kept siblings, a = 1 being the walk as made) and takes the median
(or mean) again: Kendall-tau on the test architectures, mean over the split seeds.

Usage: scripts/analysis/tempering.py DIR, where DIR holds `llmpp predict --space S --split-seed
all --json` (shift calibration, the local default) as DIR/S.json for the three HAT tasks."""
import json, os, sys
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stacking import kendall_b  # noqa: E402

TASKS = ["hat-wmt14ende", "hat-wmt14enfr", "hat-wmt19ende"]
POWERS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3]


def tenths(value, shift):
    """A leaf's digits as an integer number of tenths (leaves stand for their interval's middle)."""
    return round((value - shift - 0.05) * 10)


def reweighted(dist, shift, a):
    """The leaves' probabilities with every node's conditionals raised to the power a."""
    leaves = [(tenths(v, shift), p) for v, p in dist]
    prefixes = [lambda u: u // 100, lambda u: u // 10, lambda u: u]  # tens, units, tenths
    mass = [defaultdict(float) for _ in prefixes]
    for u, p in leaves:
        for level, prefix in enumerate(prefixes):
            mass[level][prefix(u)] += p
    out = []
    for u, _ in leaves:
        q = 1.0
        for level, prefix in enumerate(prefixes):
            # A node's siblings share its parent's digits (the level above has one digit fewer).
            siblings = [k for k in mass[level] if level == 0 or k // 10 == prefix(u) // 10]
            total = sum(mass[level][k] for k in siblings)
            weights = {k: (mass[level][k] / total) ** a for k in siblings}
            q *= weights[prefix(u)] / sum(weights.values())
        out.append((u / 10 + 0.05, q))
    return sorted(out)


def point(dist, stat):
    total = sum(q for _, q in dist)
    if stat == "mean":
        return sum(v * q for v, q in dist) / total
    acc = 0.0
    for v, q in dist:
        acc += q / total
        if acc >= 0.5:
            return v
    return dist[-1][0]


def main(folder):
    rows = defaultdict(list)
    for task in TASKS:
        d = json.load(open(os.path.join(folder, f"{task}.json")))
        shifts = {s["split_seed"]: s["intercept"] for s in d["calibration"]["splits"]}
        seeds = sorted(shifts)
        for a in POWERS:
            for stat in ["median", "mean"]:
                taus = []
                for seed in seeds:
                    preds = [p for p in d["predictions"] if p["split_seed"] == seed]
                    guess = [point(reweighted(p["distribution"], shifts[seed], a), stat) for p in preds]
                    taus.append(kendall_b(np.array(guess), np.array([p["truth"] for p in preds])))
                rows[(stat, a)].append(np.mean(taus))
    print("| point, power a | " + " | ".join(TASKS) + " |")
    print("|---|" + "---|" * len(TASKS))
    for (stat, a), taus in sorted(rows.items()):
        print(f"| {stat}, a = {a} | " + " | ".join(f"{t:.3f}" for t in taus) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
