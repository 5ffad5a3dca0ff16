"""A tiny MarianMT model built at test time (no hub): random weights, a real tokenizer.

It exercises every piece of plumbing a real ``Helsinki-NLP/opus-mt-ru-en`` goes through
(MarianTokenizer files, config, safetensors weights, generation) in about a second. Its
output is garbage: tests assert plumbing, never quality.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

RUSSIAN = (
    "Япония ведёт переговоры об открытии офиса связи НАТО в Токио, первого такого офиса в Азии.\n"
    "Об этом министр иностранных дел Ёсимаса Хаяси заявил в интервью CNN в среду.\n"
    "По его словам, вторжение России в Украину сделало мир менее стабильным.\n"
)


def build_tiny_marian(out: Path, *, seed: int = 0, vocab_size: int = 400) -> Path:
    """Write a ru→en MarianMT model to ``out``: source.spm, target.spm, vocab.json,
    tokenizer_config.json, config.json, generation_config.json, model.safetensors."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    lines = [line for p in sorted(SEEDS.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines += RUSSIAN.splitlines()
    model = io.BytesIO()
    # Marian's layout: </s> = 0, <unk> = 1, no <s>; <pad> is added last to vocab.json.
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=vocab_size, model_type="unigram",
        character_coverage=1.0, eos_id=0, unk_id=1, bos_id=-1, pad_id=-1, num_threads=1,
        minloglevel=2,
    )
    # One shared sentencepiece model for both sides (like the opus-mt models with a joint vocabulary).
    (out / "source.spm").write_bytes(model.getvalue())
    (out / "target.spm").write_bytes(model.getvalue())
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())
    vocab: dict[str, int] = {}
    for piece in ["</s>", "<unk>"] + [processor.id_to_piece(i) for i in range(processor.get_piece_size())]:
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*sacremoses")
        MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"), str(out / "vocab.json"),
                        source_lang="ru", target_lang="en").save_pretrained(out)

    torch.manual_seed(seed)
    config = MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        max_position_embeddings=512, pad_token_id=vocab["<pad>"], decoder_start_token_id=vocab["<pad>"],
        eos_token_id=0, forced_eos_token_id=0, scale_embedding=True, share_encoder_decoder_embeddings=True,
        init_std=1.0,  # large random weights: outputs differ from input to input
    )
    model = MarianMTModel(config)
    model.generation_config.max_length = 24  # random weights never say </s>: keep outputs short
    model.save_pretrained(out)
    return out


def convert_to_ctranslate2(model_dir: Path, out: Path) -> Path:
    """``ct2-transformers-converter`` from Python, tokenizer files copied alongside."""
    from ctranslate2.converters import TransformersConverter

    files = ["source.spm", "target.spm", "vocab.json", "tokenizer_config.json"]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*sacremoses")
        TransformersConverter(str(model_dir), copy_files=files).convert(str(out), force=True)
    return out
