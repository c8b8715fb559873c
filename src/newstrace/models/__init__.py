"""Small model files shipped with newstrace (JSON; rebuilt by scripts under bench/)."""
