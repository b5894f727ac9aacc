"""Benchmarks of Một Cửa (`make bench`, `python -m benchmarks`): see README.md."""
