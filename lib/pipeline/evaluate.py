"""Scores the trained XGBoost model on the test set and writes evaluation.json (AUC, accuracy).

Inputs: /opt/ml/processing/input/model/model.tar.gz, /opt/ml/processing/input/test/*.csv
Output: /opt/ml/processing/output/evaluation/evaluation.json
"""
import glob
import json
import os
import tarfile

import pandas as pd
import xgboost
from sklearn.metrics import accuracy_score, roc_auc_score

with tarfile.open("/opt/ml/processing/input/model/model.tar.gz") as archive:
    archive.extractall(".")
booster = xgboost.Booster()
booster.load_model("xgboost-model")

test = pd.concat([pd.read_csv(p, header=None) for p in glob.glob("/opt/ml/processing/input/test/*.csv")])
labels, features = test.iloc[:, 0], test.iloc[:, 1:]
scores = booster.predict(xgboost.DMatrix(features.values))
report = {
    "metrics": {
        "auc": {"value": float(roc_auc_score(labels, scores))},
        "accuracy": {"value": float(accuracy_score(labels, scores > 0.5))},
    }
}
os.makedirs("/opt/ml/processing/output/evaluation", exist_ok=True)
with open("/opt/ml/processing/output/evaluation/evaluation.json", "w") as f:
    json.dump(report, f)
print(json.dumps(report))
