"""A direct first sentence for questions that are not about eligibility: the asked figure, the policy's status,
whether something may be done (choose.py says which)."""

from assistant.answer.direct.choose import direct_answer

__all__ = ["direct_answer"]
