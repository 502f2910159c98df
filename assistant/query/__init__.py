"""Query understanding: text processing, cross-lingual concepts, the index's vocabulary, follow-ups, retrieval."""
