#!/usr/bin/python3
"""The learning-rate transfer table of a sweep over model (width) x param x lr (examples/mup-lr-transfer.toml):
per parametrization and width, the final training loss (mean over seeds) at every lr, the lr with
the lowest one, and how far that optimum moves across widths (in factors of 2).
Usage: lr_transfer_table.py RESULTS.db"""
import json
import math
import re
import sqlite3
import sys
from collections import defaultdict

db = sqlite3.connect(sys.argv[1])
loss = defaultdict(list)  # (param, width, lr) -> final training losses of finished runs
diverged = defaultdict(int)
for config, status, run_id in db.execute("select e.config, r.status, r.id from runs r join experiments e on r.experiment_id = e.id"):
    c = json.loads(config)
    m = re.match(r"mlp:\d+-(\d+)", c["model"])
    if not m:
        continue
    key = (c.get("param", "standard"), int(m.group(1)), c["lr"])
    if status == "diverged":
        diverged[key] += 1
        continue
    last = db.execute("select train_loss from epochs where run_id = ? order by epoch desc limit 1", (run_id,)).fetchone()
    if status == "done" and last:
        loss[key].append(last[0])
params = sorted({k[0] for k in loss}, key=lambda p: (p != "standard", p))
lrs = sorted({k[2] for k in loss})
for p in params:
    widths = sorted({k[1] for k in loss if k[0] == p})
    print(f"--param {p}: final training loss (mean over seeds) per lr; * the lowest")
    print(f"{'width':>6} " + " ".join(f"{'2^%d' % round(math.log2(lr)):>8}" for lr in lrs) + "   best lr")
    best = {}
    for w in widths:
        row = {lr: sum(loss[(p, w, lr)]) / len(loss[(p, w, lr)]) for lr in lrs if loss[(p, w, lr)]}
        best[w] = min(row, key=row.get)
        cells = []
        for lr in lrs:
            text = "div" if lr not in row else f"{row[lr]:.4f}"
            cells.append(f"{('*' if lr == best[w] else '') + text:>8}")
        print(f"{w:>6} " + " ".join(cells) + f"   2^{round(math.log2(best[w]))}")
    exps = [round(math.log2(best[w])) for w in widths]
    print(f"optimum moves by {max(exps) - min(exps)} factor(s) of 2 from width {widths[0]} to {widths[-1]} "
          f"({', '.join(f'{w}: 2^{e}' for w, e in zip(widths, exps))}); seeds per point: {min(len(v) for k, v in loss.items() if k[0] == p)}")
    print()
