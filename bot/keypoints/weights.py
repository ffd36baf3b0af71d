"""Weights of the key-point scorer: written by `python -m bench.train_keypoints`, do not edit."""

COEFFICIENTS: dict[str, float] = {
    "first": -2.0678,
    "position": 2.9740,
    "relative_position": -1.2699,
    "paragraph": -0.4793,
    "opens_paragraph": 0.3774,
    "length": 0.4478,
    "length_squared": -0.1286,
    "long": 0.1186,
    "short": -0.0937,
    "title_recall": 0.3824,
    "title_claim": 0.3879,
    "title_best": 0.1460,
    "recurrence": 0.8670,
    "centrality": 0.7604,
    "quote": -0.1223,
    "opens_with_quote": -0.3474,
    "number": 0.2514,
    "names": -0.6286,
    "needs_context": 0.0328,
    "exclamation": -0.4324,
    "parenthesis": -0.2713,
}
SELECTION: dict[str, float] = {
    "redundancy": 1.0,
    "long": 0.1,
    "long_from": 25.0,
    "context": 0.5,
    "headline": 1.0,
}
