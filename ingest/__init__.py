"""Ingest pipeline: load -> clean -> structure -> embed -> store."""
