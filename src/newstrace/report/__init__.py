"""Report stage: turn results into JSON, terminal views and (later) HTML."""
