"""Splits the raw churn data into train, validation and test sets for the built-in XGBoost.

Input:  /opt/ml/processing/input/raw/*.csv  (label first, no header)
Output: /opt/ml/processing/output/{train,validation,test}/*.csv
"""
import glob
import os

import pandas as pd

frames = [pd.read_csv(path, header=None) for path in sorted(glob.glob("/opt/ml/processing/input/raw/*.csv"))]
data = pd.concat(frames, ignore_index=True).sample(frac=1.0, random_state=42)
n = len(data)
splits = {
    "train": data.iloc[: int(0.7 * n)],
    "validation": data.iloc[int(0.7 * n): int(0.85 * n)],
    "test": data.iloc[int(0.85 * n):],
}
for name, frame in splits.items():
    folder = f"/opt/ml/processing/output/{name}"
    os.makedirs(folder, exist_ok=True)
    frame.to_csv(f"{folder}/{name}.csv", header=False, index=False)
    print(f"{name}: {len(frame)} rows")
