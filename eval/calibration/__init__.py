"""Fitting the refusal checks on labelled questions (`calibrate-refusal`)."""
