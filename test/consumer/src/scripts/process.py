"""Churn data processing for the consumer app, one script in three modes.

--mode prepare   input  /opt/ml/processing/input/raw/*.csv (label first, no header)
                 output /opt/ml/processing/output/{train,validation,test,features}/
--mode evaluate  input  /opt/ml/processing/input/model/model.tar.gz, /opt/ml/processing/input/test/*.csv
                 output /opt/ml/processing/output/evaluation/evaluation.json
--mode baseline  input  /opt/ml/processing/input/train/*.csv
                 output /opt/ml/processing/output/baseline/{statistics,constraints}.json
"""
import argparse
import csv
import glob
import json
import os
import random
import tarfile

FEATURES = ["tenure", "monthly_charges", "support_calls", "late_payments", "usage", "tickets"]


def read_rows(folder):
    rows = []
    for path in sorted(glob.glob(os.path.join(folder, "*.csv"))):
        with open(path, newline="") as handle:
            rows.extend([[float(v) for v in row] for row in csv.reader(handle) if row])
    return rows


def write_rows(folder, name, rows):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{name}.csv"), "w", newline="") as handle:
        csv.writer(handle).writerows(rows)


def prepare():
    rows = read_rows("/opt/ml/processing/input/raw")
    random.Random(42).shuffle(rows)
    n = len(rows)
    splits = {"train": rows[: int(0.7 * n)], "validation": rows[int(0.7 * n): int(0.85 * n)], "test": rows[int(0.85 * n):]}
    for name, part in splits.items():
        write_rows(f"/opt/ml/processing/output/{name}", name, part)
    write_rows("/opt/ml/processing/output/features", "features", [row[1:] for row in splits["test"]])


def auc(labels, scores):
    positives = [s for l, s in zip(labels, scores) if l == 1]
    negatives = [s for l, s in zip(labels, scores) if l == 0]
    if not positives or not negatives:
        return 0.5
    wins = sum(1.0 if p > q else 0.5 if p == q else 0.0 for p in positives for q in negatives)
    return wins / (len(positives) * len(negatives))


def evaluate():
    import xgboost

    with tarfile.open("/opt/ml/processing/input/model/model.tar.gz") as archive:
        archive.extractall("/tmp/model")
    booster = xgboost.Booster()
    booster.load_model(glob.glob("/tmp/model/*")[0])
    rows = read_rows("/opt/ml/processing/input/test")
    scores = booster.predict(xgboost.DMatrix([row[1:] for row in rows])).tolist()
    report = {"metrics": {"auc": {"value": auc([row[0] for row in rows], scores)}}}
    os.makedirs("/opt/ml/processing/output/evaluation", exist_ok=True)
    with open("/opt/ml/processing/output/evaluation/evaluation.json", "w") as handle:
        json.dump(report, handle)
    print(json.dumps(report))


def baseline():
    rows = read_rows("/opt/ml/processing/input/train")
    features = []
    for index, name in enumerate(FEATURES, start=1):
        values = [row[index] for row in rows]
        features.append({
            "name": name,
            "inferred_type": "Fractional",
            "numerical_statistics": {
                "common": {"num_present": len(values), "num_missing": 0},
                "mean": sum(values) / len(values),
                "min": min(values),
                "max": max(values),
            },
        })
    folder = "/opt/ml/processing/output/baseline"
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "statistics.json"), "w") as handle:
        json.dump({"version": 0.0, "dataset": {"item_count": len(rows)}, "features": features}, handle)
    constraints = [{"name": f["name"], "inferred_type": "Fractional", "completeness": 1.0} for f in features]
    with open(os.path.join(folder, "constraints.json"), "w") as handle:
        json.dump({"version": 0.0, "features": constraints}, handle)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["prepare", "evaluate", "baseline"], required=True)
    {"prepare": prepare, "evaluate": evaluate, "baseline": baseline}[parser.parse_args().mode]()
