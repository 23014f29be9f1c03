"""scikit-learn's C2ST (sbibm's definition) on the calibration cases, for comparison with our C2ST.

Runs with Debian's python3-sklearn (scikit-learn 1.2.1, the version that produced expected.json):
    apt-get install -y python3-sklearn
    /usr/bin/python3 bench/sklearn/c2st_cases.py tests/Gatsbi.Tests/Data/c2st_cases [seeds] [only]
Prints value and wall time per case and seed (random_state of both KFold and the classifier).
"""
import gzip
import json
import os
import sys
import time

import numpy as np
from sklearn.model_selection import KFold, cross_val_score
from sklearn.neural_network import MLPClassifier


def read(folder, name):
    path = os.path.join(folder, name)
    opener = open if os.path.exists(path) else gzip.open
    path = path if os.path.exists(path) else path + ".gz"
    with opener(path, "rt") as f:
        return np.loadtxt(f, delimiter=",", skiprows=1, dtype=np.float32)


def c2st(x, y, seed):
    mean, std = x.mean(0), x.std(0, ddof=1)
    x, y = (x - mean) / std, (y - mean) / std
    data = np.concatenate([x, y]).astype(np.float32)
    target = np.concatenate([np.zeros(len(x)), np.ones(len(y))])
    dim = data.shape[1]
    clf = MLPClassifier(activation="relu", hidden_layer_sizes=(10 * dim, 10 * dim), max_iter=10000, solver="adam", random_state=seed)
    folds = KFold(n_splits=5, shuffle=True, random_state=seed)
    return float(np.mean(cross_val_score(clf, data, target, cv=folds, scoring="accuracy")))


def main():
    folder = sys.argv[1]
    seeds = [int(s) for s in (sys.argv[2] if len(sys.argv) > 2 else "1").split(",")]
    only = sys.argv[3] if len(sys.argv) > 3 else ""
    with open(os.path.join(folder, "expected.json")) as f:
        cases = json.load(f)
    for case in cases:
        if only not in case["Y"]:
            continue
        x, y = read(folder, case["X"]), read(folder, case["Y"])
        for seed in seeds:
            start = time.perf_counter()
            value = c2st(x, y, seed)
            print(f"{case['Y'][:-4]} seed={seed} sklearn={value:.4f} expected={case['c2st_sklearn']:.4f} seconds={time.perf_counter() - start:.1f}", flush=True)


if __name__ == "__main__":
    main()
