"""Per-language word resources bundled with installed packages: sumy's stop words, stemmers."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import Stemmer
from sumy.nlp.stemmers import Stemmer as SumyStemmer
from sumy.utils import get_stop_words

# ISO 639-1 code -> the language name sumy and PyStemmer use.
LANGUAGE_NAMES: dict[str, str] = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "he": "hebrew",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "ja": "japanese",
    "ko": "korean",
    "lt": "lithuanian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sk": "slovak",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "th": "thai",
    "tr": "turkish",
    "uk": "ukrainian",
    "zh": "chinese",
}
# Languages written without spaces between words, or whose words carry long particle chains:
# they are split and compared with language-neutral rules (punctuation, character bigrams).
NEUTRAL_LANGUAGES = frozenset({"ko", "ja", "zh", "th"})
_PYSTEMMER_ALGORITHMS = frozenset(Stemmer.algorithms())
# sumy's own pure-Python stemmers, for languages PyStemmer lacks (the others need NLTK data).
_SUMY_STEMMERS = frozenset({"slovak", "ukrainian"})


def language_name(code: str) -> str:
    """The English name sumy uses for ISO 639-1 `code` ("en" -> "english"); the code if unknown."""
    return LANGUAGE_NAMES.get(code, code)


@lru_cache(maxsize=64)
def stop_words(code: str) -> frozenset[str]:
    """sumy's bundled stop words for `code`, lower case; empty when sumy has none."""
    try:
        return frozenset(word.lower() for word in get_stop_words(language_name(code)))
    except LookupError:
        return frozenset()


def pystemmer_algorithm(code: str) -> str | None:
    """The PyStemmer algorithm for `code`, or None when PyStemmer has none."""
    name = language_name(code)
    if code in NEUTRAL_LANGUAGES or name not in _PYSTEMMER_ALGORITHMS:
        return None
    return name


def fallback_stemmer(code: str) -> Callable[[str], str] | None:
    """sumy's own stemmer for a language PyStemmer lacks, or None."""
    name = language_name(code)
    if name not in _SUMY_STEMMERS:
        return None
    stemmer: Callable[[str], str] = SumyStemmer(name)
    return stemmer


# Words that open a sentence needing an earlier one: pronouns and connectives whose referent is
# elsewhere. Lower case; a sentence opening with one (after an opening quote) is rated lower.
_CONTEXT_OPENERS: dict[str, str] = {
    "en": "he she they it this these those his her their its him them but and however so also "
    "yet still that there such meanwhile instead then",
    "de": "er sie es dies diese dieser dieses sein seine ihr ihre aber und doch jedoch dann "
    "deshalb dennoch auch",
    "fr": "il elle ils elles ce cela ceci cette ces son sa ses leur leurs mais et pourtant "
    "cependant donc alors aussi",
    "es": "él ella ellos ellas esto este esta estos estas eso su sus pero y "
    "entonces también además",
    "pt": "ele ela eles elas isto isso este esta estes estas seu sua seus suas mas e porém "
    "contudo então também",
    "it": "lui lei loro esso essa questo questa questi queste suo sua suoi ma e però tuttavia "
    "quindi anche",
    "nl": "hij zij ze het dit deze die zijn haar hun maar en toch echter dan ook",
    "ru": "он она они оно это этот эта эти его ее её их но и а однако поэтому также тогда",
    "ko": "그는 그녀는 그들은 이는 이것은 그것은 그러나 하지만 그런데 그리고 또한 이에",
}
# Connectives that can open a key point's sentence and be left out without changing what it
# says ("But the plan came under fire." -> "The plan came under fire.").
_DROPPABLE: dict[str, str] = {
    "en": "but and however yet",
    "de": "aber und doch jedoch",
    "fr": "mais et pourtant cependant",
    "es": "pero y",
    "pt": "mas e porém",
    "it": "ma e però",
    "nl": "maar en toch",
    "ru": "но и а однако",
    "ko": "그러나 하지만 그런데 그리고",
}


# Abbreviations before a name or a noun, which never end a sentence (lower case, with the dot).
_TITLES: dict[str, str] = {
    "en": "lt. col. gen. sgt. capt. maj. cmdr. adm. rep. sen. gov. dr. mr. mrs. ms. prof. rev. "
    "gen. lt.-gen. brig. insp. supt. messrs.",
    "de": "dr. prof. hr. fr. nr. mrd. mio. ca. bzw. sog. vgl. z.b. u.a. d.h. st. tel. str. "
    "inkl. evtl. ggf. abs. art.",
    "fr": "m. mm. mme. mmes. mlle. dr. pr. me. st. ste. mgr.",
    "es": "sr. sra. srta. dr. dra. lic. ing. d. dña. ud. uds. prof. gral. excmo.",
    "pt": "sr. sra. srta. dr. dra. prof. profa. eng. exmo.",
    "it": "sig. sig.ra dott. dott.ssa prof. on. avv. ing. geom. sen. gen.",
    "nl": "dhr. mevr. mw. dr. drs. prof. ir. mr. ing. st.",
    "ru": "г. гг. им. ул. пр. проф. акад. ст. л. т. тыс. млн. млрд. руб. др. см. ср.",
}


_WORD_LISTS = {"openers": _CONTEXT_OPENERS, "droppable": _DROPPABLE, "titles": _TITLES}


@lru_cache(maxsize=256)
def _word_list(kind: str, code: str) -> frozenset[str]:
    return frozenset(_WORD_LISTS[kind].get(code, "").split())


def context_openers(code: str) -> frozenset[str]:
    """Lower-case opening words after which a sentence needs an earlier one, for `code`."""
    return _word_list("openers", code)


def droppable_connectives(code: str) -> frozenset[str]:
    """Lower-case opening connectives that a key point may leave out, for `code`."""
    return _word_list("droppable", code)


def title_abbreviations(code: str) -> frozenset[str]:
    """Abbreviations (lower case, with their dot) that never end a sentence in `code`."""
    return _word_list("titles", code)
