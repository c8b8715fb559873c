"""newstrace: find copied and rewritten news."""
