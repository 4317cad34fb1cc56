"""Store: partitioned Parquet on disk or S3, event merging, compaction, DuckDB views, reports."""
