"""Weights of the key-point scorer: written by `python -m bench.train_keypoints`, do not edit."""

COEFFICIENTS: dict[str, float] = {
    "first": -2.0726,
    "position": 2.9703,
    "relative_position": -1.2683,
    "paragraph": -0.4826,
    "opens_paragraph": 0.3758,
    "length": 0.4301,
    "length_squared": -0.1256,
    "long": 0.1208,
    "short": -0.0934,
    "title_recall": 0.5140,
    "title_claim": 0.2456,
    "title_best": 0.1937,
    "recurrence": 0.8742,
    "centrality": 0.7688,
    "quote": -0.0936,
    "opens_with_quote": -0.3758,
    "number": 0.2901,
    "names": 0.0236,
    "needs_context": 0.0330,
    "exclamation": -0.4316,
    "parenthesis": -0.2387,
}
SELECTION: dict[str, float] = {
    "redundancy": 1.0,
    "long": 0.1,
    "long_from": 25.0,
    "context": 0.5,
    "headline": 1.0,
    "claim": 0.6,
}
