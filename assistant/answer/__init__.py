"""The answer: the pipeline, extractive and LLM answers, quote verification, validity, verdicts, the one composer."""
