"""Benchmarks for newsbot's key points: quality (ROUGE on BBC News Summary) and speed."""
