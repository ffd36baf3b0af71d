"""detect_language: a valid hint wins; otherwise script, then stop words, with no downloads."""

from __future__ import annotations

import pytest

from bot.keypoints import detect_language

SAMPLES = {
    "en": "The government said on Monday that it would raise taxes on the largest companies.",
    "de": "Die Regierung hat am Montag angekündigt, dass sie die Steuern für große Firmen erhöht.",
    "fr": "Le gouvernement a annoncé lundi qu'il allait augmenter les impôts des grandes sociétés.",
    "es": "El gobierno anunció el lunes que subirá los impuestos a las grandes empresas del país.",
    "it": "Il governo ha annunciato lunedì che aumenterà le tasse per le grandi aziende del paese.",
    "pt": "O governo anunciou na segunda-feira que vai aumentar os impostos das grandes empresas.",
    "ko": "정부는 월요일 대기업에 대한 세금을 인상하겠다고 밝혔다.",
    "ja": "政府は月曜日、大企業への税金を引き上げると発表した。",
    "zh": "政府周一宣布将提高对大公司的税收。",
    "ru": "Правительство в понедельник объявило о повышении налогов для крупных компаний.",
    "uk": "Уряд у понеділок оголосив про підвищення податків для великих компаній.",
    "ar": "أعلنت الحكومة يوم الاثنين أنها سترفع الضرائب على الشركات الكبرى.",
    "el": "Η κυβέρνηση ανακοίνωσε τη Δευτέρα ότι θα αυξήσει τους φόρους στις μεγάλες εταιρείες.",
    "he": "הממשלה הודיעה ביום שני כי תעלה את המסים על החברות הגדולות.",
    "th": "รัฐบาลประกาศเมื่อวันจันทร์ว่าจะขึ้นภาษีบริษัทขนาดใหญ่",
}


@pytest.mark.parametrize(("code", "text"), SAMPLES.items(), ids=SAMPLES.keys())
def test_language_from_text(code: str, text: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize(
    ("hint", "code"),
    [("en-US", "en"), ("ko_KR", "ko"), ("KO", "ko"), ("de-DE", "de"), ("eng", "en"), ("kor", "ko")],
)
def test_a_valid_hint_wins(hint: str, code: str) -> None:
    assert detect_language(SAMPLES["fr"], hint) == code


@pytest.mark.parametrize("hint", [None, "", "xx-YY", "english", "12", "zz"])
def test_an_invalid_hint_falls_back_to_the_text(hint: str | None) -> None:
    assert detect_language(SAMPLES["ko"], hint) == "ko"


def test_mostly_english_text_with_a_korean_name_is_english() -> None:
    assert (
        detect_language("Kim Jong Un (김정은) visited a factory in Kangwon Province on Monday.")
        == "en"
    )


def test_no_letters_defaults_to_english() -> None:
    assert detect_language("2024 - 12:30") == "en"
