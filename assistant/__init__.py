"""policy-assistant: answers questions about Shanghai policies with verbatim, cited clauses."""
