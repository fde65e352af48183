"""Splits the raw churn data into train, validation and test sets for the built-in XGBoost.

Input:  /opt/ml/processing/input/raw/*.csv  (label first, no header)
Output: /opt/ml/processing/output/{train,validation,test}/*.csv
        and, with FEATURE_GROUP_NAME, one record per customer in that feature group
"""
import glob
import os
import time

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

# Feed the feature group (its offline store) with every customer, when the pipeline names one.
group = os.environ.get("FEATURE_GROUP_NAME")
if group:
    import boto3

    runtime = boto3.client("sagemaker-featurestore-runtime")
    columns = ["churned", "tenure_months", "monthly_charges", "support_calls", "contract", "data_usage_gb", "late_payments"]
    now = str(time.time())
    for index, row in data.iterrows():
        record = [{"FeatureName": "customer_id", "ValueAsString": str(index)}, {"FeatureName": "event_time", "ValueAsString": now}]
        record += [{"FeatureName": name, "ValueAsString": str(value)} for name, value in zip(columns, row.tolist())]
        runtime.put_record(FeatureGroupName=group, Record=record)
    print(f"feature group {group}: {len(data)} records")
