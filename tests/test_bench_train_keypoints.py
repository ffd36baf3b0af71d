"""The key-point trainer's weighted fit: a row of weight 2 counts as that row twice."""

import numpy as np

from bench.train_keypoints import fit_logistic


def test_a_weight_of_two_is_the_row_twice() -> None:
    rng = np.random.default_rng(7)
    features = rng.normal(size=(60, 3))
    labels = (features @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=60) > 0).astype(float)
    weights = np.where(np.arange(60) < 20, 2.0, 1.0)
    doubled = np.vstack([features, features[:20]])
    doubled_labels = np.concatenate([labels, labels[:20]])
    weighted, _ = fit_logistic(features, labels, weights=weights)
    repeated, _ = fit_logistic(doubled, doubled_labels)
    plain, _ = fit_logistic(features, labels)
    # Standardisation differs between the two (it uses the rows as given), so compare loosely.
    assert np.allclose(weighted, repeated, atol=0.15)
    assert not np.allclose(weighted, plain, atol=1e-3)
