"""When the indexed policies don't cover a question: the lexical gate and the learned answerability check."""
