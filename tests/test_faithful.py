"""Precision on faithful text: false alarms from the dev data stay quiet, true changes stay found.

The sentence pairs are from WMT21 newstest2021 ru-en (../shared/eval/wmt21-ruen): two independent
professional translations (A, B) of the same Russian news, both faithful.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import fidelity
from fidelity.errors import InputError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CNN = (SEEDS / "001_77e8c4707eb41a8b.txt").read_text(encoding="utf-8")
WMT = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "wmt21-ruen" / "newstest2021-ru-en.jsonl"

FAITHFUL = [
    ("Don't demonize the people of Khabarovsk", "No need to demonize the people of Khabarovsk"),
    ("MK in Volgograd earlier wrote about a large fire in the Dzerzhinsk District.",
     "Earlier, MK in Volgograd reported on a large fire in the Dzerzhinsk district."),
    ("Ukrainian military members began preparing for the ceasefire along the demarcation line in Donbass.",
     "Ukrainian forces began preparations for a ceasefire on the demarcation line in Donbass."),
    ("The Main Navy Parade in honor of Navy Day has concluded in Petersburg",
     "In Saint Petersburg, the Main Naval Parade in honor of Navy Day has ended"),
    ("The incident was reported in the Tuoi Tre newspaper.", "This was reported by the newspaper Tuổi Trẻ."),
    ("As REGNUM reports, according to Roscosmos the defective parts were produced at the Ust-Katav factory in "
     "Chelyabinsk in 2015–2016.",
     "Regnum reported that according to Roskosmos, the defective components were made at the Ust-Katav factory "
     "in Chelebinsk in 2015-2016."),
    ("Work week in St. Petersburg will start with warm and dry weather",
     "The working week in Petersburg will start with warm and dry weather"),
    # A number with a scale word is the same number.
    ("Worldwide coronavirus death toll exceeds 640,000",
     "Number of deaths from coronavirus in the world has exceeded 640 thousand"),
    # Negation said with a prefix ("unable", "insufficient") is negation.
    ("Democratic Party representatives believe that the proposed funds are insufficient.",
     "Representatives of the US Democratic Party believe the proposed funds aren’t enough."),
    # "would" of reported speech is tense, not a hedge.
    ("Leus added that the rise in temperature that began the previous day would continue and that temperature "
     "readings would return to their climatic norm.",
     "Leus added that the increase in the background temperature, which began yesterday evening, will continue, "
     "and that thermometer readings will return the norm for the climate."),
    # The source kept, its verb reworded.
    ("In the coming season, Carolina prospect Jack Drury will be playing in the Swedish championship, reports The "
     "Hockey News journalist Ryan Kennedy on Twitter.",
     "Carolina prospect Jack Drury will be playing in the Swedish championships next season, The Hockey News' Ryan "
     "Kennedy posted on Twitter."),
    # A compound written as two words, and a clause joined by 'and' that is no list.
    ("Nonetheless, they were unable to save the stained glass windows from Louis XII's times and a unique organ "
     "of the Baroque era.",
     "Nevertheless, they were unable to save the stained-glass windows from the time of Louis XII and the unique "
     "Baroque-era organ."),
    ("The man hit the employee in the face, and the latter fell down unconscious.",
     "The man punched the employee in the face, who fell unconscious."),
    # A hedge of one kind on both sides, in different clauses: it moved, it was not added or removed.
    ("According to AstanaTV, her post stated that at night aircraft were spraying an acid, which supposedly "
     "accumulates in the lungs, over the city.",
     "According to the report by AstanaTV, in her post she claimed that at nighttime planes spray acid over the "
     "city, which, according to her, settles in the lungs."),
    # A quotation translated twice: reworded, with its meaning kept (and its speaker respelled).
    ('"Complaining is not fixing and denouncing is not diplomacy," D. Russel noted, adding that the statements of '
     'the US Secretary of State could worsen bilateral relations.',
     '"Complaints aren\'t rectifications, judgments aren\'t diplomacy," noted D. Russell, adding that the US '
     "secretary of state's announcements could worsen bilateral relations."),
    ('"There is actually something for the leader to do other than meet and talk with those who are shouting from '
     'under the window," said the acting governor.',
     '"A leader has other things to do than to go out and talk with people screaming under his window," the acting '
     "governor said."),
    # A segment that closes a quotation opened in the segment before.
    ('We have no rain today, but it hasn\'t risen above +20 yet...", Zhukov writes on his social networks.',
     '"Here today there\'s no rain, but it won\'t go above +20..." Zhukov writes in social media networks.'),
    # A narrative's future ('would become ... in six years' time') is no hedge.
    ("One of the people who readied the contract was Cardinal Pacelli, who became Pope Pius XII six years prior to "
     "the beginning of World War II.",
     "Cardinal Pacelli, who was among those who helped prepare the agreement, would become pontiff Pius XII in six "
     "years' time, prior to the beginning of World War II."),
    # A hedge said with a word that only cancels ('may' / 'can', 'put forward the idea' / 'proposed').
    ("At a plenary meeting in its fall session, the State Duma plans to examine a bill in its second reading that "
     "establishes requirements for the contents and registration of an application to participate in a procurement "
     "in which only small and mid-sized businesses may participate.",
     "At the autumn session of the plenary sitting of the State Duma, there are plans for a second reading of a draft "
     "law establishing requirements for the content and composition of applications to participate in public "
     "procurement, where only small and medium-sized businesses can participate."),
    ("Secretary of the Treasury Stephen Mnuchin and White House Chief of Staff Mark Meadows put forward the idea of "
     "passing a bill focused on several issues, including federal unemployment payments, which expire on Friday.",
     "Treasury Secretary Stephen Mnuchin and White House Chief of Staff Mark Meadows proposed a law be passed "
     "focusing on several points, including federal unemployment benefit payments, which expired on Friday."),
    # The source kept under another reporting verb, or as a common noun, or renamed ('report' / 'message').
    ("Meteorologists reported on the weather in Moscow on July 26",
     "Weather forecasters speak about Moscow's weather on July 26"),
    ('Psychologist reports: "Emelianenko still can\'t forget his break up with the woman he loves."',
     "Emelianenko still cannot forget his breakup with his beloved woman – psychologist"),
    ("As noted in the report, 12 of the most senior and highest officials of the submarine forces, the Army Corps, "
     "the Air Force and Air Defense, the White Sea Naval Base, armament units, and the Northern Fleet headquarters "
     "received orders and medals.",
     "As noted in the message, orders and medals were received by 12 senior and upper officers of the submarine "
     "forces, army corps, air force and air defence armies, White Sea naval base, armaments section and Northern "
     "Fleet staff."),
    # One word among many changes in a sentence reworded throughout.
    ("He began in fifth place, but was already leading by the end of the first lap.",
     "He started in fifth position, but already took the lead in the first circuit."),
    # A country named otherwise (a demonym).
    ("Foreign Secretary of Great Britain Dominic Raab did not apologize for the last-minute decision, explaining by "
     "referencing the recent sudden spike in COVID-19 cases in Spain.",
     "British Foreign Secretary Dominic Raab will not apologize for the unexpected decision, explaining that it was "
     "due to the recent spike in COVID-19 cases in Spain."),
    # A phrase set off by commas, said otherwise elsewhere in the original: no list, no addition.
    ("Despite the close battle in the first part of the race, Vaintrub turned up the heat near the middle of the "
     "event, producing the best lap time of the race. And, although he was unable to overtake Remenko, who was "
     "incredibly consistent, he nonetheless secured silver for himself.",
     "Despite the tight competition in the first part of the race, closer to the midsection, Vaintrub picked up the "
     "pace, demonstrating the best lap time of the race – although he couldn't catch the extremely stable Remenyako, "
     "he guaranteed himself silver."),
    # "would like to" wants, as "want to" does; a court that will consider a case examines it.
    ('"I want to appeal to all political commentators, political analysts, and participants in all kinds of talk '
     'shows.',
     "I would like to appeal to all political commentators, analysts, and participants in all sorts of talk shows."),
    ("Semilarski vs. the Prosecutor's Office: The cassation of Tartu's ex-deputy mayor will be examined on August 4th",
     "Semilarski vs the prosecutor's office: Tartu former deputy mayor's appeal will be considered on August 4"),
    # Clauses worded apart in a sentence that scores where faithful rewordings do.
    ('"Currently, if you look at the rankings, competing for the high spots is out of the question. But Legion is an '
     'ambitious team and we have a pretty good make-up.',
     '"At the moment, if you look at the table, then we cannot talk about fighting for a top position, but Legion is '
     'an ambitious team, and we have a rather good squad.'),
    # Words scattered around a word both sides keep are no dropped phrase; a name kept leaves 'treasure' / 'jewel'.
    ("At the same time, she noted that after lifting the pandemic restrictions, economic processes have revived: "
     "energy consumption and consumer and investment demand were restored, the construction and production of "
     "consumer goods were expanded, and the annual rate of decline in the turnover of transport and industrial "
     "production slowed.",
     "At the same time, she noted that after the lifting of the restrictions due to the pandemic, economic processes "
     "came back to life: energy consumption rebounded, consumer and investor demand, construction and consumer goods "
     "output expanded, there was a slowing in the annual pace of decline of cargo transport turnover, industrial "
     "production."),
    ("\"If you're in Russia, you absolutely have to visit Kamchatka,\" wrote Krychowiak, \"It's a Russian treasure "
     "and place that you have to see.\"",
     "If you are in Russia, you must visit Kamchatka, Krychowiak wrote. It is the jewel of Russia, a place that you "
     "must see."),
]


def _major(report) -> list:
    return [f for f in report.findings if f.severity.value in ("major", "critical")]


@pytest.mark.parametrize("a, b", FAITHFUL)
def test_faithful_rewording_raises_no_major_finding(a, b):
    report = fidelity.check(a, b, original_lang="en", rewrite_lang="en")
    assert _major(report) == [], [(f.detector, f.message) for f in _major(report)]


def test_transliterated_name_is_no_entity_change():
    a = ("Voluntary COVID-19 vaccination, acting governor Degtyaryov's meeting with participants protesting in "
         "support of Furgal")
    b = "Voluntary COVID-19 vaccination, acting governor Degtyarev's meeting with protestors supporting Furgal"
    report = fidelity.check(a, b, original_lang="en", rewrite_lang="en")
    assert not [f for f in report.findings if f.category == "entity_changed"]


def test_a_translators_error_in_a_faithful_looking_pair_is_found():
    a = ("rus.err.ee wrote that Tartu ex-deputy mayor Valvo Semilarski will not be brought to court on "
         "accusations of bribery—the criminal case made against him in June was partially closed.")
    b = ("According to russ.err.ee the former deputy mayor of Tartu, Valvo Semilarski, will not be charged with "
         "bribe-taking – the case that was brought against him in July has been partially closed.")
    report = fidelity.check(a, b, original_lang="en", rewrite_lang="en")
    numbers = [f for f in _major(report) if f.category == "number_changed"]
    assert numbers and numbers[0].original.text == "June" and numbers[0].rewrite.text == "July"


def test_a_translated_name_word_and_a_russian_date_are_no_change():
    # WMT21 A against its Russian source: Russian capitalises only the first word of a name
    # ('Национальный центр' is the National Center), and '25-го июля' is July 25. (Two false
    # alarms are left here: 'Service' / 'Спасательной' and 'Ministry' / 'МЧС РА'.)
    a = ("On July 25 at 1:23 a.m., the National Crisis Management Center for the Rescue Service of the Ministry of "
         "Emergency Situations of the Republic of Armenia received an alert that an accident had occurred in Kapan "
         "(Syunik region) on Gortsaranain street – rescue assistance was needed.")
    ru = ("25-го июля в 01։23 часов в Национальный центр кризисного управления Спасательной службы МЧС РА поступил "
          "сигнал о том, что в Капане (Сюникская область) на ул.Горцаранаин произошло ДТП, необходима помощь "
          "спасателей.")
    report = fidelity.check(a, ru, original_lang="en", rewrite_lang="ru")
    assert not [f for f in report.findings if f.category == "number_changed"], [f.message for f in report.findings]
    assert not [f for f in report.findings if "Национальный" in f.message], [f.message for f in report.findings]
    assert report.settings["language_pair_shift"] > 0  # USE's thresholds lowered for en-ru


def test_a_city_swapped_in_a_translation_stays_found():
    report = fidelity.check("NATO has similar liaison offices in other places including Ukraine and Vienna.",
                            "У НАТО есть аналогичные офисы связи в других местах, включая Украину и Женеву.")
    changes = [f for f in _major(report) if f.category == "entity_changed"]
    assert changes and changes[0].original.text == "Vienna"


def test_two_changed_words_in_one_sentence_stay_found():
    # Each makes only half of the sentences' difference; together they are the difference.
    a = ("Russia’s invasion of Ukraine sent shockwaves through Europe and drove non-aligned Finland and Sweden to "
         "abandon their neutrality.")
    b = a.replace("abandon their neutrality", "keep their neutrality").replace("sent shockwaves", "sent calm")
    report = fidelity.check(a, b)
    assert [f for f in _major(report) if f.category == "mistranslation"], [f.message for f in report.findings]


def test_names_swapped_in_a_copied_text_are_entity_changes():
    swapped = CNN.replace("North Korea and China", "North Korea and Russia").replace(
        "China, which has previously warned", "Russia, which has previously warned")
    report = fidelity.check(CNN, swapped)
    changes = [f for f in _major(report) if f.category == "entity_changed"]
    assert len(changes) == 2
    for f in changes:
        assert (f.original.text, f.rewrite.text) == ("China", "Russia")
        assert CNN[f.original.start:f.original.end] == "China" and swapped[f.rewrite.start:f.rewrite.end] == "Russia"


def test_a_negation_flip_costs_the_score():
    flipped = CNN.replace("Japan is not a treaty member of NATO", "Japan is a treaty member of NATO")
    report = fidelity.check(CNN, flipped)
    assert any(f.severity.value == "critical" and f.category == "negation" for f in report.findings)
    assert report.score < 80
    assert fidelity.check(CNN, CNN).score == 100.0


def test_nothing_to_compare_is_an_error_not_a_perfect_score():
    with pytest.raises(InputError, match="no words"):
        fidelity.check("😀 🎉", "🎉🎉 👍")


@pytest.mark.skipif(not WMT.exists(), reason="../shared/eval/wmt21-ruen is not beside the checkout")
def test_faithful_translation_pairs_are_mostly_quiet():
    """Every 25th A/B pair of the dev set (40 pairs, none of the examples above picked by hand)."""
    docs = [json.loads(line) for line in WMT.read_text(encoding="utf-8").splitlines()]
    pairs = [(a, b) for d in docs for a, b in zip(d["ref_a_en"], d["ref_b_en"])][3::25]
    flagged = sum(bool(_major(fidelity.check(a, b, original_lang="en", rewrite_lang="en"))) for a, b in pairs)
    assert flagged / len(pairs) <= 0.35  # 0.57 of pairs before the precision work


def test_country_names_include_demonyms_and_other_spellings():
    from fidelity.text.names import country_code

    assert country_code("British", "en") == country_code("Great Britain", "en") == country_code("United Kingdom", "en")
    assert country_code("Dutch", "en") == country_code("Netherlands", "en")
    assert country_code("American", "en") == "US"  # the most populous country that claims the demonym
    assert country_code("Austria", "en") != country_code("Australia", "en")
    # Across languages only the ISO names count: 'UAE' is no country opposite Russian 'ОАЭ'.
    assert country_code("UAE", "en", other_names=False) is None


def test_abbreviated_names_are_the_same_name():
    from fidelity.text.names import is_abbreviation_of

    # WMT21 A/B: 'Saints' / 'Sts'; a contraction keeps the last letter, a truncation the start.
    assert is_abbreviation_of("Sts", "Saints") and is_abbreviation_of("St.", "Saint")
    assert is_abbreviation_of("Dept", "Department") and is_abbreviation_of("Gov", "Governor")
    # An acronym is no abbreviation ('UK' is not 'Ukraine'), nor are two letters that only start a name.
    assert not is_abbreviation_of("UK", "Ukraine") and not is_abbreviation_of("Sw", "Sweden")
