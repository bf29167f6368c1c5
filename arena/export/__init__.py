"""Exports that leave the machine: the static site pushed to object storage (s3.py), and the
one entry point that writes a static export wherever it is going (push.py)."""
