"""eventwire core library."""
