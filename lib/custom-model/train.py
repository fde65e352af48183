"""The sample's custom model: scikit-learn gradient boosting on the churn data, in the
scikit-learn container's script mode (SageMaker runs it with the hyperparameters as arguments).

Input:  /opt/ml/input/data/train/*.csv and validation/*.csv (label first, no header)
Output: /opt/ml/model/model.joblib; prints validation_auc for the metric definition
"""
import argparse
import glob
import os

import joblib
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import roc_auc_score


def read(channel):
    folder = os.environ.get(f"SM_CHANNEL_{channel.upper()}", f"/opt/ml/input/data/{channel}")
    frame = pd.concat(pd.read_csv(p, header=None) for p in sorted(glob.glob(f"{folder}/*.csv")))
    return frame.iloc[:, 1:], frame.iloc[:, 0]


parser = argparse.ArgumentParser()
parser.add_argument("--n-estimators", type=int, default=100)
parser.add_argument("--max-depth", type=int, default=3)
parser.add_argument("--learning-rate", type=float, default=0.1)
args, _ = parser.parse_known_args()

x_train, y_train = read("train")
x_valid, y_valid = read("validation")
model = GradientBoostingClassifier(n_estimators=args.n_estimators, max_depth=args.max_depth, learning_rate=args.learning_rate)
model.fit(x_train, y_train)
print(f"validation_auc={roc_auc_score(y_valid, model.predict_proba(x_valid)[:, 1]):.4f}")
joblib.dump(model, os.path.join(os.environ.get("SM_MODEL_DIR", "/opt/ml/model"), "model.joblib"))
