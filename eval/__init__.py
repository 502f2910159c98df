"""Evaluation harness: question set, metrics, reports, benchmarks."""
