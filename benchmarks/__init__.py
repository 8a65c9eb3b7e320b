"""Benchmarks, run by `make bench`. Each result is compared with a baseline measured in the same run."""
