#!/usr/bin/env python3
"""Precision, recall and F1 of `jorge dedup` pairs on FEBRL-style data, where the true entity
is in the record id (rec-<N>-org / rec-<N>-dup-<k>): scripts/dedup-f1.py PAIRS.csv DATA.csv [DATA2.csv]"""
import csv, re, sys
from itertools import combinations

def entity(record_id):
    match = re.match(r"rec-(\d+)-", record_id.strip())
    return match.group(1) if match else record_id

pairs_file, data_files = sys.argv[1], sys.argv[2:]
ids = []
for number, path in enumerate(data_files):
    with open(path, newline="") as f:
        rows = csv.reader(f, skipinitialspace=True)
        next(rows)
        ids.append([row[0].strip() for row in rows if row])
truth = set()
if len(ids) == 1:
    groups = {}
    for i in ids[0]:
        groups.setdefault(entity(i), []).append(i)
    for members in groups.values():
        truth.update(frozenset(p) for p in combinations(members, 2))
else:
    second = {}
    for i in ids[1]:
        second.setdefault(entity(i), []).append(i)
    for i in ids[0]:
        truth.update(frozenset((i, j)) for j in second.get(entity(i), []))
found = set()
with open(pairs_file, newline="") as f:
    for row in csv.DictReader(f):
        found.add(frozenset((row["id_a"], row["id_b"])))
tp = len(found & truth)
precision = tp / len(found) if found else 0.0
recall = tp / len(truth) if truth else 0.0
f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
print(f"pairs={len(found)} true_pairs={len(truth)} tp={tp} precision={precision:.4f} recall={recall:.4f} f1={f1:.4f}")
