"""Key points of an article: language detection, sentence splitting, extractive summarising."""

from bot.keypoints.extractor import KeyPointExtractor
from bot.keypoints.language import detect_language
from bot.keypoints.sentences import split_sentences

__all__ = ["KeyPointExtractor", "detect_language", "split_sentences"]
