"""Signed releases: keys, the TUF repository, and cutting channel releases."""
