"""Stories: the same news from several outlets, grouped (fingerprints and the window index)."""

from bot.stories.fingerprint import Fingerprint, fingerprint
from bot.stories.grouper import WINDOW, StoryGrouper

__all__ = ["WINDOW", "Fingerprint", "StoryGrouper", "fingerprint"]
