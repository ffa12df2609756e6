"""A tuned Python baseline for docs/scoring.md: scikit-learn + xgboost on the same columns
`jorge train` uses, same stratified 5-fold CV, so the two AUCs can be compared.

Usage: /usr/bin/python3 bench/python/leads_baseline.py ../shared/data/leads-x-education/Leads.csv [nostaff]
Needs: apt-get install python3-xgboost python3-sklearn python3-pandas (scripts/install-deps.sh bench).
"""
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import roc_auc_score

path = sys.argv[1]
nostaff = len(sys.argv) > 2 and sys.argv[2] == "nostaff"
frame = pd.read_csv(path, na_values=["Select"])
drop = ["Prospect ID", "Lead Number", "Converted"]
if nostaff:
    drop += ["Tags", "Lead Quality", "Lead Profile", "Last Activity", "Last Notable Activity",
             "Asymmetrique Activity Index", "Asymmetrique Profile Index",
             "Asymmetrique Activity Score", "Asymmetrique Profile Score"]
y = frame["Converted"].to_numpy()
x = frame.drop(columns=drop)
for column in x.columns:
    if x[column].dtype == object:
        x[column] = x[column].str.strip().str.lower()
x = pd.get_dummies(x, dummy_na=True, dtype=float)  # one-hot every categorical, NaN as a level

started = time.time()
best = None
# A small grid, each setting with early stopping inside every fold: "well tuned" on this data.
for depth in (3, 5, 7):
    for eta in (0.05, 0.1):
        for child in (1, 5):
            aucs = []
            for train, test in StratifiedKFold(5, shuffle=True, random_state=7).split(x, y):
                inner = StratifiedKFold(7, shuffle=True, random_state=1)
                fit, stop = next(inner.split(x.iloc[train], y[train]))
                model = xgb.XGBClassifier(n_estimators=1000, learning_rate=eta, max_depth=depth,
                                          min_child_weight=child, subsample=0.8, colsample_bytree=0.8,
                                          tree_method="hist", n_jobs=2, early_stopping_rounds=30,
                                          eval_metric="logloss")
                model.fit(x.iloc[train].iloc[fit], y[train][fit],
                          eval_set=[(x.iloc[train].iloc[stop], y[train][stop])], verbose=False)
                aucs.append(roc_auc_score(y[test], model.predict_proba(x.iloc[test])[:, 1]))
            score = (np.mean(aucs), np.std(aucs), depth, eta, child)
            if best is None or score[0] > best[0]:
                best = score
print(f"python baseline ({'without staff-filled columns' if nostaff else 'all columns'}): "
      f"best CV AUC {best[0]:.4f} ± {best[1]:.4f} at max_depth={best[2]} eta={best[3]} "
      f"min_child_weight={best[4]}; grid of 12 took {time.time() - started:.1f} s")
