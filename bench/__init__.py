"""Benchmarks (``make bench``): heavy, never part of ``make test``; results in bench/results."""
