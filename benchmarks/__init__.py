"""Throughput and memory benchmarks of every eventwire stage (``make bench``)."""
