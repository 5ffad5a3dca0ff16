"""The tone detector: insults, slurs and profanity added, removed or kept (glin-profanity's
LDNOOBW lists). Content warning: the test sentences swear."""

import subprocess
import sys

import pytest

import fidelity
from fidelity.checking.detectors import AlignedPair, ToneDetector
from fidelity.checking.detectors.tone import lexicon
from fidelity.languages import registered
from fidelity.types import Bead, Document, Sentence, Severity, Verdict

from .conftest import ROOT, assert_exact_spans


def _check(original: str, rewrite: str, o_lang: str, r_lang: str):
    report = fidelity.check(original, rewrite, original_lang=o_lang, rewrite_lang=r_lang, config=fidelity.CheckConfig(detectors=("tone",)))
    assert_exact_spans(report, original, rewrite)
    return [f for f in report.findings if f.category == "tone"]


def _pair(original: str, o_lang: str, rewrite: str, r_lang: str) -> AlignedPair:
    """One sentence on each side, aligned, no encoder: the detector alone."""
    o = Document(original, None, o_lang, [Sentence(0, 0, len(original), original, o_lang)])
    r = Document(rewrite, None, r_lang, [Sentence(0, 0, len(rewrite), rewrite, r_lang)])
    return AlignedPair(o, r, [Bead((0,), (0,), 0.5, Verdict.CHANGED)])


def test_an_added_insult_is_critical():
    found = _check("You are wrong about this.", "Du liegst falsch, du Arschloch.", "en", "de")
    assert [f.severity for f in found] == [Severity.CRITICAL]
    assert found[0].rewrite.text == "Arschloch" and "insult added" in found[0].message


def test_an_insult_added_to_an_otherwise_equivalent_translation_is_major():
    # The encoder calls the two equivalent (it barely registers an insult); the list is the evidence.
    report = fidelity.check("Thanks for fixing the article.", "Danke, dass du den Artikel repariert hast, du Arschloch.")
    found = [f for f in report.findings if f.category == "tone"]
    assert [f.severity for f in found] == [Severity.MAJOR] and "insult added" in found[0].message


def test_a_removed_insult_is_major():
    found = _check("Stop this shit now.", "Hör jetzt damit auf.", "en", "de")
    assert [f.severity for f in found] == [Severity.MAJOR]
    assert found[0].original.text == "shit" and "removed or softened" in found[0].message


def test_a_kept_swear_word_is_no_finding():
    assert _check("This is fucking shit.", "Das ist verdammte Scheiße.", "en", "de") == []


def test_same_language_added_swear_word():
    found = _check("The referee made a bad call.", "The referee made a fucking bad call.", "en", "en")
    assert [(f.severity, f.rewrite.text) for f in found] == [(Severity.CRITICAL, "fucking")]


def test_a_language_without_a_list_says_nothing():
    assert lexicon("el") is None and lexicon("en") is not None
    pair = _pair("You are an asshole.", "en", "Είσαι καλός άνθρωπος.", "el")
    assert ToneDetector().detect(pair) == []
    pair = _pair("You are a good person.", "en", "Είσαι μαλάκας.", "el")
    assert ToneDetector().detect(pair) == []


@pytest.mark.parametrize("text, lang, hits", [
    ("He is an assistant in the class.", "en", []),  # whole words only: no 'ass' in 'assistant'
    ("Der Arsch!", "de", ["Arsch"]),
    ("グローバルな問題です。", "ja", []),  # katakana entries are whole katakana runs: no グロ in グローバル
    ("这个问题的重要性很高。", "zh", []),  # one-character entries (性) are not matched
    ("你这个笨蛋。", "zh", ["笨蛋"]),
    ("To je kurva.", "cs", ["kurva"]),
])
def test_matching_rules(text, lang, hits):
    assert [m.group(0) for m in lexicon(lang).find(text)] == hits


def test_spans_are_exact_offsets_across_sentences():
    original = "The talk went well. Then he said nothing."
    rewrite = "Das Gespräch lief gut. Dann sagte er: Scheiße."
    pair = AlignedPair(
        Document(original, None, "en", [Sentence(0, 0, 19, original[:19], "en"), Sentence(1, 20, len(original), original[20:], "en")]),
        Document(rewrite, None, "de", [Sentence(0, 0, 22, rewrite[:22], "de"), Sentence(1, 23, len(rewrite), rewrite[23:], "de")]),
        [Bead((0,), (0,), 0.9, Verdict.EQUIVALENT), Bead((1,), (1,), 0.5, Verdict.CHANGED)])
    [f] = ToneDetector().detect(pair)
    assert f.bead == 1 and rewrite[f.rewrite.start:f.rewrite.end] == f.rewrite.text == "Scheiße"
    assert f.original.text == original[20:]


def test_the_lists_are_read_as_the_packages_loader_reads_them_without_importing_it():
    """Each language's list read from glin-profanity's files is its DictionaryLoader's; reading
    them (a lexicon) does not import the package, whose __init__ compiles hundreds of patterns."""
    from glin_profanity.data.dictionary import DictionaryLoader

    from fidelity.checking.detectors.tone import _listed_words

    loader = DictionaryLoader()
    names = {lang.profanity_list for lang in registered()} - {None}
    assert len(names) >= 20
    for name in sorted(names):
        assert _listed_words(name) == loader.get_words(name), name
    script = ("import sys; from fidelity.checking.detectors.tone import lexicon; "
              "assert lexicon('en').size > 300 and lexicon('zh').size > 100; "
              "print(sorted(m for m in sys.modules if m.startswith('glin_profanity')))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
