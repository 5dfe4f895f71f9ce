#!/usr/bin/env python3
"""Does LLM-PP rank beyond a line on log #params? Fits of the 10 demonstrations that use both
the LLM's leave-one-out answers and log #params, judged on the split's test architectures.

Usage: scripts/analysis/stacking.py DIR, where DIR holds `llmpp predict --space S --split-seed
all --json` (shift calibration, the local default) as DIR/S.json for the three HAT tasks.
Reads the demonstrations' truth and parameters from ../shared/data (or $LLMPP_SHARED_DATA)."""
import csv, json, math, os, sys
from itertools import combinations

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("LLMPP_SHARED_DATA", os.path.join(HERE, "../../../shared/data"))
TASKS = {"hat-wmt14ende": "wmt14ende", "hat-wmt14enfr": "wmt14enfr", "hat-wmt19ende": "wmt19ende"}


def kendall_b(a, b):
    c = d = ta = tb = 0
    for i, j in combinations(range(len(a)), 2):
        x, y = np.sign(a[i] - a[j]), np.sign(b[i] - b[j])
        if x == 0 and y == 0:
            continue
        if x == 0:
            ta += 1
        elif y == 0:
            tb += 1
        elif x == y:
            c += 1
        else:
            d += 1
    den = math.sqrt((c + d + ta) * (c + d + tb))
    return (c - d) / den if den else 0.0


def fit(X, y, lam=0.0):
    """Least squares (ridge lam) on standardised columns; returns the predictor."""
    mu, sd = X.mean(0), X.std(0)
    sd[sd == 0] = 1
    Z, ym = (X - mu) / sd, y.mean()
    w = np.linalg.solve(Z.T @ Z + lam * np.eye(Z.shape[1]), Z.T @ (y - ym))
    return lambda Xn: ym + ((Xn - mu) / sd) @ w


def split_variants(cal, demos, preds, params_of):
    truth = np.array([float(r["valid_BLEU"]) for r in demos])
    logp = np.array([math.log(float(r["num_parameters_without_embedding_weights"])) for r in demos])
    loo = np.array(cal["answers"], dtype=float)
    shift = np.median(truth - loo)
    assert abs(shift - cal["intercept"]) < 1e-6, "leave-one-out answers are not in the demonstrations' order"
    answers = np.array([p["uncalibrated"] for p in preds])
    test_logp = np.array([math.log(params_of[p["arch_id"]]) for p in preds])
    line = fit(logp[:, None], truth)(test_logp[:, None])
    line_loo = np.array(
        [fit(np.delete(logp, i)[:, None], np.delete(truth, i))(logp[i : i + 1, None])[0] for i in range(len(loo))]
    )
    w = min(np.linspace(0, 1, 11), key=lambda w: np.mean(np.abs(w * (loo + shift) + (1 - w) * line_loo - truth)))
    out = {
        "line on log #params (the reference)": line,
        "LLM-PP, shift-calibrated (the default)": answers + shift,
        "least squares on answer + log #params": fit(np.c_[loo, logp], truth)(np.c_[answers, test_logp]),
        "the same, ridge lambda 1": fit(np.c_[loo, logp], truth, 1)(np.c_[answers, test_logp]),
        "the same, ridge lambda 5": fit(np.c_[loo, logp], truth, 5)(np.c_[answers, test_logp]),
        "blend, weight by leave-one-out MAE": w * (answers + shift) + (1 - w) * line,
        "equal-weight average of answer and line": 0.5 * (answers + shift) + 0.5 * line,
    }
    return out, w


def main(folder):
    rows = list(csv.DictReader(open(os.path.join(DATA, "llmas/llmas_seedarchs_30x3.csv"))))
    table = {}
    for space, task in TASKS.items():
        d = json.load(open(os.path.join(folder, space + ".json")))
        mine = [r for r in rows if r["task"] == task]
        params_of = {r["arch_id"]: float(r["num_parameters_without_embedding_weights"]) for r in mine}
        for cal in d["calibration"]["splits"]:
            seed = cal["split_seed"]
            demos = [r for r in mine if r[f"split_seed{seed}"] == "train"]
            preds = [p for p in d["predictions"] if p["split_seed"] == seed]
            truth = np.array([p["truth"] for p in preds])
            variants, w = split_variants(cal, demos, preds, params_of)
            print(f"{space} split {seed}: blend weight on the LLM {w:.1f}", file=sys.stderr)
            for name, v in variants.items():
                table.setdefault(name, {}).setdefault(space, []).append(
                    (np.mean(np.abs(v - truth)), kendall_b(list(v), list(truth)))
                )
    print("| fit on the 10 demonstrations | " + " | ".join(TASKS) + " |")
    for name, by_space in table.items():
        cells = [
            "%.2f / %.3f" % tuple(np.mean(np.array(by_space[s]), axis=0)) for s in TASKS
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("(MAE / Kendall-tau-b, valid BLEU, mean over the split seeds)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
