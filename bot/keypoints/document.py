"""Build sumy's document model from sentences that are already split."""

from __future__ import annotations

from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

from bot.keypoints.tokenizer import NoDownloadTokenizer


def build_document(
    paragraphs: list[list[str]], tokenizer: NoDownloadTokenizer
) -> ObjectDocumentModel:
    """A sumy document with one Paragraph per list of sentences."""
    return ObjectDocumentModel(
        [Paragraph([Sentence(text, tokenizer) for text in sentences]) for sentences in paragraphs]
    )
