"""A glossary proposed from an aligned pair (``fidelity glossary extract``): the names and
capitalised terms of each aligned original sentence paired with their counterparts in the
rewrite sentence (the name itself, by spelling, a country's names, and the encoder across
languages), with counts. A reviewer edits the TSV and keeps it as a ``--glossary``.

Only names are proposed: a capitalised word the originals also write in lower case ('Face' at
the start of a headline, 'Government'), a weekday or month name, and a counterpart that is a
compound of the name ('Spanienreisende' for 'Spain') are left out, and ``propose_glossary`` can
keep only the entries seen often enough and followed consistently by the pairs themselves; it
leaves out a common word the originals only write inside longer names ('Republic' in 'President
of the Republic'), and proposes 'Isle of Wight' for 'Isle' and 'Wight'.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fidelity.checking.detectors.base import AlignedPair, BeadView
from fidelity.models.encoders import word_thresholds
from fidelity.text.names import NOT_NAMES, Entity, country_code, is_acronym_of, lower_case_vocabulary, words_alike
from fidelity.text.numbers import find_quantities
from fidelity.text.terms import TermIndex

if TYPE_CHECKING:
    from fidelity.checking.checker import Checker
    from fidelity.checking.report import Report


@dataclass(frozen=True)
class ProposedTerm:
    source: str
    target: str  # the rendering used most often
    allowed: tuple[str, ...]  # the other renderings, most frequent first
    count: int  # aligned sentence pairs holding the source term and one of its renderings
    followed: float | None = None  # the share of sentences holding the source term whose rewrite follows the entry


def aligned_names(view: BeadView) -> list[tuple[str, str]]:
    """(original name, rewrite name) for each original name of one bead that has a counterpart."""
    if not view.matched:
        return []
    rewrite = [r for r in view.rewrite.entities if not find_quantities(r.text)]
    can_measure = view.pair.encoder is not None
    pairs: list[tuple[str, str]] = []
    taken: set[tuple[int, int]] = set()
    for o in view.original.entities:
        if find_quantities(o.text):
            continue
        free = [r for r in rewrite if (r.start, r.end) not in taken]
        kept = TermIndex(view.rewrite.text, view.rewrite.ranges, view.rewrite.language).find(o.text, True)
        if kept:  # the name itself, maybe inflected or in a compound ('US-Außenminister')
            pairs.append((o.text, o.text))
            continue
        match = next((r for r in free if _same(view, o, r, can_measure)), None)
        if match is not None:
            taken.add((match.start, match.end))
            pairs.append((o.text, match.text))
    return pairs


def _same(view: BeadView, o: Entity, r: Entity, can_measure: bool) -> bool:
    """The same entity: by spelling, a country's names, else (with an encoder) as close as an
    equivalent sentence. Stricter than the entity detector's matching: a proposal that pairs
    'Instagram' with 'Fotos' costs the reviewer more than one it leaves out."""
    if len(r.text.split()) > len(o.text.split()):
        return False  # German capitalises nouns: 'Labour Partei Nick Thomas-Symonds' is no one name
    if _by_spelling(o, r):
        return True
    codes = (country_code(o.text, view.original.language, False), country_code(r.text, view.rewrite.language, False))
    if codes[0] or codes[1]:
        return codes[0] == codes[1]
    if not can_measure:
        return False
    # Names sharing a word are told apart by the words they do not share: 'East Europe' is not
    # 'Western Europe' ('East' / 'Western'), nor 'Asia Pacific' 'East Asia', however close the whole names are.
    o_rest = [a for a in o.text.split() if not any(words_alike(a, b) for b in r.text.split())]
    r_rest = [b for b in r.text.split() if not any(words_alike(a, b) for a in o.text.split())]
    a, b = (" ".join(o_rest), " ".join(r_rest)) if o_rest and r_rest and len(o_rest) < len(o.text.split()) \
        else (o.text, r.text)
    return view.name_matcher.similarity(a, b) >= word_thresholds(view.pair.require_encoder()).equivalent


def _by_spelling(o: Entity, r: Entity) -> bool:
    """Spelled alike, word for word: every word of the shorter name is spelled like one of the
    longer's ('Hayashi' / 'Yoshimasa Hayashi', 'Kalifornien' / 'California'; not 'East Asia' /
    'East Europe'), or one is the other's acronym of three letters or more ('NATO'; 'AP' is too
    short to tell 'Asia Pacific' from the Associated Press)."""
    if any(len(a) >= 3 and is_acronym_of(a, b) for a, b in ((o.text, r.text), (r.text, o.text))):
        return True
    shorter, longer = sorted((o.text.split(), r.text.split()), key=len)
    return all(any(words_alike(a, b) for b in longer) for a in shorter)


def _name_like(name: str, lower_case: set[str]) -> bool:
    """A name, not a capitalised common word: no weekday, month or function word ('Sundays',
    'The'), and a one-word name never written in lower case in the texts ('Face', 'Government')."""
    words = [w.strip(".,;:'’").lower() for w in name.split()]
    if any(w in NOT_NAMES or (w.endswith("s") and w[:-1] in NOT_NAMES) for w in words):
        return False
    return len(words) > 1 or words[0] not in lower_case


def propose(pairs: Iterable[AlignedPair]) -> list[ProposedTerm]:
    """Every aligned name pair of ``pairs``, one row per source name, most frequent first: its
    rendering used most often as the target, the other renderings (not inflected or compound forms
    of the target, nor renderings of another part of the name) as allowed. Only names on both
    sides (``_name_like``)."""
    pairs = list(pairs)
    originals = lower_case_vocabulary(*(p.original.text for p in pairs))
    renderings: dict[str, Counter[str]] = defaultdict(Counter)
    spelled: dict[str, Counter[str]] = defaultdict(Counter)  # a source's spellings ('NATO', 'Nato')
    languages: dict[str, str] = {}  # a source -> its renderings' language
    for pair in pairs:
        rewrites = lower_case_vocabulary(pair.rewrite.text)
        for view in pair.views():
            for source, target in aligned_names(view):
                if not _name_like(source, originals) or not _name_like(target, rewrites):
                    continue
                renderings[source.casefold()][target] += 1
                spelled[source.casefold()][source] += 1
                languages[source.casefold()] = view.rewrite.language
    rows = []
    for key, counts in renderings.items():
        source = spelled[key].most_common(1)[0][0]
        ranked = _forms_merged(counts, languages[key])
        allowed = tuple(r for r in ranked[1:] if not _other_part(source, ranked[0], r))
        rows.append(ProposedTerm(source, ranked[0], allowed, sum(counts.values())))
    return sorted(rows, key=lambda row: (-row.count, row.source.casefold()))


def propose_glossary(pairs: Iterable[AlignedPair], min_count: int = 1, min_followed: float = 0.0) -> list[ProposedTerm]:
    """What ``fidelity glossary extract`` proposes: ``propose``'s rows less a title or first name
    before another row's name (``_without_composites``), a word the originals only write inside
    longer names (``_as_whole_names``), those aligned fewer than ``min_count``
    times, and those whose source term's sentences follow the entry (as the terminology detector
    reads them: a rendering, inflected, or the name as an adjective) less than ``min_followed`` of
    the time: a glossary the pairs themselves keep. Each row's ``followed`` share is filled in."""
    pairs = list(pairs)
    rows = _without_composites([row for row in propose(pairs) if row.count >= min_count])
    rows = [row for row in _as_whole_names(rows, pairs) if row.count >= min_count]
    rows = _with_followed(rows, pairs) if rows else rows
    return [row for row in rows if (row.followed if row.followed is not None else 0.0) >= min_followed]


def _without_composites(rows: list[ProposedTerm]) -> list[ProposedTerm]:
    """The rows less those that are another row's name with a title or first name before it
    ('President Donald Trump' → 'Präsident Donald Trump' beside 'Donald Trump' → 'Donald Trump',
    'PM Modi' beside 'Modi'): the shorter entry is the term, and a rewrite that leaves the title
    out ('Präsident Trump') still follows it."""
    def ends_with(longer: str, shorter: str) -> bool:
        a, b = longer.split(), shorter.split()
        return len(a) > len(b) and a[-len(b):] == b

    def composite(row: ProposedTerm) -> bool:
        return any(ends_with(row.source, other.source) and other.target in row.target
                   for other in rows if other is not row)

    return [row for row in rows if not composite(row)]


def _as_whole_names(rows: list[ProposedTerm], pairs: list[AlignedPair]) -> list[ProposedTerm]:
    """The rows with each term the originals never write on its own, only inside longer names
    (``TermIndex.whole_name``, the terminology detector's notion too), read as a part of those
    names:

    - always inside one name the rewrites keep as it is: that name instead ('Isle' and 'Wight' →
      'Isle of Wight');
    - else kept where the rewrites keep the term as it is, whatever the name (a surname: 'Raab'
      in 'Dominic Raab' and 'Mr Raab');
    - and dropped where they translate it ('Republic' → 'Republik' in 'President of the Republic'
      and 'Czech Republic'): a common word inside names, whose rendering is the whole name's
      ('Staatspräsident', 'Tschechien'), so that an entry for it flags faithful translations.

    A term seen alone even once stays ('Vardy' beside 'Jamie Vardy', 'Tahoe' beside 'Lake Tahoe')."""
    sides = [(TermIndex(v.original.text, v.original.ranges, v.original.language),
              TermIndex(v.rewrite.text, v.rewrite.ranges, v.rewrite.language))
             for pair in pairs for v in pair.views()]
    sources = {row.source.casefold() for row in rows}
    out: list[ProposedTerm] = []
    for row in rows:
        alone = False
        names: Counter[str] = Counter()  # beads holding the term inside each longer name
        kept: Counter[str] = Counter()  # those of them whose rewrite keeps that name as it is
        for original, rewrite in sides:
            found = original.find(row.source, case_sensitive=True)
            wholes = [original.whole_name(span) for span in found]
            alone = alone or any(whole == span for whole, span in zip(wholes, found))
            for text in {whole.text for whole in wholes}:
                names[text] += 1
                kept[text] += bool(rewrite.find(text, case_sensitive=True))
        whole = next(iter(names)) if len(names) == 1 else None
        if alone or not names:
            out.append(row)
        elif whole is not None and kept[whole]:
            if whole.casefold() not in sources:  # 'Wight' after 'Isle' is that row already
                sources.add(whole.casefold())
                out.append(ProposedTerm(whole, whole, (), kept[whole]))
        elif row.target.casefold() == row.source.casefold():
            out.append(row)
    return sorted(out, key=lambda row: (-row.count, row.source.casefold()))


def _other_part(source: str, target: str, rendering: str) -> bool:
    """Whether ``rendering`` renders another part of a many-word name than ``target`` does
    ('Senat' and 'Republikaner' for 'Senate Republicans', in "die Republikaner des Senats"):
    no rendering of the whole name, only of a word of it."""
    words = source.split()
    if len(words) < 2:
        return False

    def parts(text: str) -> set[int]:
        return {i for i, w in enumerate(words) if any(words_alike(w, t) for t in text.split())}

    mine, theirs = parts(rendering), parts(target)
    return bool(mine) and bool(theirs) and not mine & theirs


def _forms_merged(counts: Counter[str], code: str) -> list[str]:
    """The renderings, most frequent first, each inflected or compound form counted with the
    rendering it is a form of ('Weißen Hauses' with 'Weiße Haus', 'Spanienreisende' with
    'Spanien'); a rendering that holds none of the others is its own."""
    groups: dict[str, int] = {}
    for text, n in sorted(counts.items(), key=lambda item: (len(item[0]), -item[1], item[0])):
        index = TermIndex(text, [(0, len(text))], code)
        base = next((g for g in groups if index.find(g, compounds=True)), None)
        groups[base if base is not None else text] = groups.get(base if base is not None else text, 0) + n
    return sorted(groups, key=lambda g: (-groups[g], -counts.get(g, 0), g))


def _with_followed(rows: list[ProposedTerm], pairs: list[AlignedPair]) -> list[ProposedTerm]:
    """The rows with the share of their source term's sentences that follow them."""
    from dataclasses import replace

    from fidelity.checking.detectors.terminology import TerminologyDetector
    from fidelity.text.glossary import Entry, Glossary

    entries = [Entry(r.source, r.target, allowed=r.allowed, case_sensitive=True) for r in rows]
    counts = TerminologyDetector(glossary=Glossary(tuple(entries))).follow_counts(pairs)
    out = []
    for row, entry in zip(rows, entries):
        asked, followed = counts.get(entry, (0, 0))
        out.append(replace(row, followed=followed / asked if asked else None))
    return out


def to_tsv(rows: Iterable[ProposedTerm]) -> str:
    """The rows as a glossary TSV (``source``, ``target``, ``allowed``, ``case_sensitive``, ``count``) that
    ``--glossary`` reads back as it is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(["source", "target", "allowed", "case_sensitive", "count"])
    for row in rows:  # names: 'City' is not 'city'
        writer.writerow([row.source, row.target, "|".join(row.allowed), "true", row.count])
    return out.getvalue()


def rendered_names(checker: Checker, report: Report) -> list[dict[str, Any]]:
    """How a checked pair's rewrite renders its original's names, for ``fidelity batch``'s result
    line (``names``; the summary's table of a story's names across its rewrites): for each
    original name with a counterpart, the rendering used most, the others, and how often. Reuses
    the check's alignment and encoder: no model is loaded."""
    return [{"name": row.source, "rendering": row.target, "others": list(row.allowed), "count": row.count}
            for row in propose([aligned_pair(checker, report)])]


def aligned_pair(checker: Checker, report: Report) -> AlignedPair:
    """A checked pair's alignment as its detectors saw it: the encoder, with the language pair's shift."""
    from fidelity.checking.pipeline import language_pair_shift
    from fidelity.models.encoders import WithThresholds, shifted

    encoder = checker.encoder_for(report.original, report.rewrite)
    if checker.cache is not None:  # as the check read them: a warm batch never loads the encoder for names
        encoder = checker.cache.wrap(encoder)
    shift = language_pair_shift(encoder, report.original, report.rewrite)
    if shift:
        encoder = WithThresholds(encoder, shifted(encoder.thresholds, shift), word_thresholds=encoder.thresholds)
    return AlignedPair(report.original, report.rewrite, report.alignment, encoder)
