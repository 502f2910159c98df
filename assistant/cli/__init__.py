"""The `policy-assistant` command line: one module per job, each registering its commands on one typer app."""
