"""Sentence segmentation: offline, both languages, offsets and paragraph ids."""

from __future__ import annotations

from align.ingest import read_corpus
from align.model import Lang
from align.segment import segment_pair, split_sentences
from tests.conftest import SEED


def test_russian_abbreviations_and_quotes():
    para = (
        '"Российская сторона выражает искреннее сожаление", - говорится в сообщении МИД. '
        "Договоренности 2020-2022 гг. Рассмотрены вопросы."
    )
    spans = split_sentences(para, "ru")
    texts = [para[a:b] for a, b in spans]
    assert texts == [
        '"Российская сторона выражает искреннее сожаление", - говорится в сообщении МИД.',
        "Договоренности 2020-2022 гг.",
        "Рассмотрены вопросы.",
    ]


def test_english_abbreviations():
    para = "Strikes hit Kyiv at around 1:00 a.m. on November 14. Mr. Smith left."
    texts = [para[a:b] for a, b in split_sentences(para, "en")]
    assert texts == ["Strikes hit Kyiv at around 1:00 a.m. on November 14.", "Mr. Smith left."]


def _sentences(para: str, lang: Lang) -> list[str]:
    return [para[a:b] for a, b in split_sentences(para, lang)]


def test_a_dash_after_a_final_stop_opens_a_sentence():
    """Direct speech and quotes: the splitter kept «… сказал он. — Подождите меня.» as one
    sentence (a realdoc case: «… NHL.Com. - Сейчас мы свежие …»); the dash goes with the
    sentence it opens. An abbreviation before the dash, a lower-case word after it, and a dash
    after a comma still hold the sentence together; offsets stay exact."""
    ru = (
        "— Я приду, — сказал он. — Подождите меня. Цитирует сайт NHL.Com. - Сейчас мы "
        "свежие. Машина опрокинулась на крышу. − В аварии пострадала девочка, − рассказали "
        "в МВД. Это было в 1990 г. — Тогда всё изменилось. Хорошо! — воскликнул он."
    )
    assert _sentences(ru, "ru") == [
        "— Я приду, — сказал он.",
        "— Подождите меня.",
        "Цитирует сайт NHL.Com.",
        "- Сейчас мы свежие.",
        "Машина опрокинулась на крышу.",
        "− В аварии пострадала девочка, − рассказали в МВД.",
        "Это было в 1990 г. — Тогда всё изменилось.",
        "Хорошо! — воскликнул он.",
    ]
    en = "He said so. - Now we are fresh. It was 5 p.m. - the time to go."
    assert _sentences(en, "en") == ["He said so.", "- Now we are fresh.", en[32:]]


def test_a_one_character_ellipsis_ends_a_sentence_before_a_capital():
    """Typeset text writes "…" where the splitter knows "..."; it ends a sentence before a
    capital (or a quote, or a dash that opens speech), not before a lower-case word, and an
    elided quotation «(…)» / «[…]» is no stop."""
    ru = (
        "Он ушёл… Никто не знал, куда. Он ушёл… никто не знал. Цитата (…) Далее текст. "
        "«Постой…» Он обернулся… — Куда? — спросила она."
    )
    assert _sentences(ru, "ru") == [
        "Он ушёл…",
        "Никто не знал, куда.",
        "Он ушёл… никто не знал.",
        "Цитата (…) Далее текст.",
        "«Постой…»",
        "Он обернулся…",
        "— Куда? — спросила она.",
    ]
    assert _sentences("He left… Nobody knew.", "en") == ["He left…", "Nobody knew."]


def test_whitespace_the_splitter_merges_keeps_exact_offsets():
    para = "Two  spaces.  Here   now.  Это было в 1990 г.   Тогда всё изменилось."
    assert _sentences(para, "en")[:2] == ["Two  spaces.", "Here   now."]
    assert _sentences(para, "ru")[-1] == "Это было в 1990 г.   Тогда всё изменилось."


def test_abbreviations_missing_from_the_splitters_lists():
    """Sentences the splitter used to cut after an abbreviation (cases from the WMT ru-en
    documents; align.segment.EXTRA_PREFIXES); a real sentence end before them still splits."""
    ru = (
        'Сбой на корабле ("Союз МС-22" - прим. ТАСС) в декабре. Колокола церкви Св. Мартина '
        "замолкли. Глава г.о. Серпухов Сергей Никитенко приехал. Об этом сказал Мерфи Дж. Пол."
    )
    assert _sentences(ru, "ru") == [
        'Сбой на корабле ("Союз МС-22" - прим. ТАСС) в декабре.',
        "Колокола церкви Св. Мартина замолкли.",
        "Глава г.о. Серпухов Сергей Никитенко приехал.",
        "Об этом сказал Мерфи Дж. Пол.",
    ]
    en = (
        "A volunteer at the Cathedral of Sts. Peter and Paul, thanks to E. Yu. Kotlyarova. "
        "A car (driven by A. Vanik, b. 1958) hit a truck. He went to b. Then he left, "
        "Det. Dennis McCarthy wrote."
    )
    assert _sentences(en, "en") == [
        "A volunteer at the Cathedral of Sts. Peter and Paul, thanks to E. Yu. Kotlyarova.",
        "A car (driven by A. Vanik, b. 1958) hit a truck.",
        "He went to b.",  # "b" holds a sentence only before a number
        "Then he left, Det. Dennis McCarthy wrote.",
    ]


def test_seed_offsets_point_into_paragraphs():
    (pair,) = read_corpus(SEED).pairs
    seg = segment_pair(pair)
    assert (len(seg.ru), len(seg.en)) == (13, 12)
    for lang in ("ru", "en"):
        paras = pair.side(lang).paragraphs
        sents = seg.sents(lang)
        assert [s.idx for s in sents] == list(range(len(sents)))
        for s in sents:
            assert paras[s.para][s.start : s.end] == s.text
        # every paragraph is covered by its sentences (up to spaces between them)
        for p, para in enumerate(paras):
            joined = " ".join(s.text for s in sents if s.para == p)
            assert joined == para


def test_precompiled_patterns_split_as_the_package_does(monkeypatch, ntrex_lines):
    """align.segment gives sentence_splitter precompiled patterns (speed only): same splits."""
    import regex
    import sentence_splitter

    from align.segment import _splitter, with_extra_prefixes

    texts = {
        "en": [" ".join(ntrex_lines[1][i : i + 7]) for i in range(0, 700, 7)],
        "ru": [" ".join(ntrex_lines[0][i : i + 7]) for i in range(0, 700, 7)],
    }
    ours = {lang: [_splitter(lang).split(t) for t in ts] for lang, ts in texts.items()}
    assert sentence_splitter.regex is not regex  # the stand-in is in place
    monkeypatch.setattr(sentence_splitter, "regex", regex)
    for lang, ts in texts.items():
        plain = with_extra_prefixes(sentence_splitter.SentenceSplitter(language=lang), lang)
        assert ours[lang] == [plain.split(t) for t in ts]
        assert sum(map(len, ours[lang])) > len(ts)  # the texts do get split
