"""Reproducible benchmarks of todochat next to raw baselines (see bench/README.md)."""
