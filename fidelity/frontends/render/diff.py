"""``--format diff``: the aligned beads as a ``git diff --word-diff`` reader expects them
(``[-removed-]{+added+}``), each bead's findings annotated under it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from fidelity.checking.report import Report
from fidelity.frontends.render.common import LineIndex, baseline_line, display_path, grouped, score_text, whole_message
from fidelity.frontends.render.registry import RenderOptions
from fidelity.text.tokens import normalise_word, one_line, tokenize
from fidelity.types import Bead, Document, Finding

_NON_SPACE = re.compile(r"\S+")
_RED, _GREEN, _CYAN, _BOLD, _DIM, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[2m", "\x1b[0m"


def pieces(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Words (fidelity's tokenizer) and the runs of other non-space characters between them in
    ``text[start:end]``, in order, with their offsets into ``text``."""
    end = len(text) if end is None else end
    out: list[tuple[int, int, str]] = []
    last = start
    for t in tokenize(text, start, end):
        out += [(m.start(), m.end(), m.group(0)) for m in _NON_SPACE.finditer(text, last, t.start)]
        out.append((t.start, t.end, t.text))
        last = t.end
    out += [(m.start(), m.end(), m.group(0)) for m in _NON_SPACE.finditer(text, last, end)]
    return out


def _merged(ops: Sequence[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    """The opcodes with a lone matching word or mark between two changes taken into one change, so that
    "[-no details (have been) finalized yet-]{+the negotiations have not yet reached+}" reads as one."""
    out: list[tuple[str, int, int, int, int]] = []
    for k, op in enumerate(ops):
        tag, i1, i2, j1, j2 = op
        lone = tag == "equal" and i2 - i1 == 1 and 0 < k < len(ops) - 1 and ops[k + 1][0] != "equal"
        if out and out[-1][0] != "equal" and (tag != "equal" or lone):
            out[-1] = ("replace", out[-1][1], i2, out[-1][3], j2)
        else:
            out.append(op)
    return out


def word_opcodes(a: list[tuple[int, int, str]], b: list[tuple[int, int, str]]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes from pieces ``a`` to pieces ``b`` (words compared case-blind), a lone matching
    word between two changes taken into them."""
    return _merged(difflib.SequenceMatcher(None, [normalise_word(p[2]) for p in a], [normalise_word(p[2]) for p in b],
                                           autojunk=False).get_opcodes())


def word_changes(a: list[tuple[int, int, str]],
                 b: list[tuple[int, int, str]]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character ranges (offsets the pieces carry) of the words removed from ``a`` and those added in ``b``,
    one range per run of changed pieces: what ``word_diff`` shows as ``[-...-]`` and ``{+...+}``."""
    removed: list[tuple[int, int]] = []
    added: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in word_opcodes(a, b):
        if tag != "equal" and i2 > i1:
            removed.append((a[i1][0], a[i2 - 1][1]))
        if tag != "equal" and j2 > j1:
            added.append((b[j1][0], b[j2 - 1][1]))
    return removed, added


def word_diff(a_text: str, b_text: str, color: bool = False) -> str:
    """One line: ``a_text`` changed into ``b_text``, words compared case-blind with difflib."""
    a, b = pieces(a_text), pieces(b_text)
    ops = word_opcodes(a, b)
    out: list[str] = []
    last_a: int | None = None
    last_b: int | None = None
    for tag, i1, i2, j1, j2 in ops:
        if j2 > j1 and last_b is not None:
            gap = b_text[last_b:b[j1][0]]
        elif i2 > i1 and last_a is not None:
            gap = a_text[last_a:a[i1][0]]
        else:
            gap = ""
        if out and gap:
            out.append(" ")
        if tag == "equal":
            out.append(one_line(b_text[b[j1][0]:b[j2 - 1][1]]))
        else:
            if i2 > i1:
                removed = f"[-{one_line(a_text[a[i1][0]:a[i2 - 1][1]])}-]"
                out.append(f"{_RED}{removed}{_RESET}" if color else removed)
            if j2 > j1:
                added = f"{{+{one_line(b_text[b[j1][0]:b[j2 - 1][1]])}+}}"
                out.append(f"{_GREEN}{added}{_RESET}" if color else added)
        if i2 > i1:
            last_a = a[i2 - 1][1]
        if j2 > j1:
            last_b = b[j2 - 1][1]
    return "".join(out)


def _side(doc: Document, indices: tuple[int, ...]) -> str:
    return " ".join(doc.sentences[i].text for i in indices)


def _where(doc: Document, index: LineIndex, indices: tuple[int, ...]) -> str:
    if not indices:
        return "none"
    line, col = index(doc.sentences[indices[0]].start)
    return f"{line}:{col}"


def bead_header(report: Report, n: int, bead: Bead, o_index: LineIndex, r_index: LineIndex) -> str:
    moved = ", moved" if bead.moved else ""
    similarity = f" {bead.score:.2f}" if bead.original and bead.rewrite else ""
    return (f"@@ -{_where(report.original, o_index, bead.original)} +{_where(report.rewrite, r_index, bead.rewrite)} @@"
            f" bead {n}: {bead.verdict.value}{similarity}{moved}")


def render_diff(report: Report, options: RenderOptions = RenderOptions()) -> str:
    color, show_all = options.color, options.show_all
    o, r = report.original, report.rewrite
    o_index, r_index = LineIndex(o.text), LineIndex(r.text)
    groups = dict(grouped(report.listed_findings(options.min_severity)))
    lines = [f"diff --fidelity a/{display_path(o.path)} b/{display_path(r.path)}",
             f"--- a/{display_path(o.path)}", f"+++ b/{display_path(r.path)}"]
    if color:
        lines = [f"{_BOLD}{line}{_RESET}" for line in lines]
    for n, bead in enumerate(report.alignment):
        findings = groups.get(n, [])
        if not findings and not show_all:
            continue
        header = bead_header(report, n, bead, o_index, r_index)
        lines.append(f"{_CYAN}{header}{_RESET}" if color else header)
        lines.append(word_diff(_side(o, bead.original), _side(r, bead.rewrite), color))
        lines += [_annotation(f, color) for f in findings]
    if None in groups:
        lines.append(f"{_CYAN}@@ no bead @@{_RESET}" if color else "@@ no bead @@")
        lines += [_annotation(f, color) for f in groups[None]]
    summary = report.summary(options.min_severity)
    sev = summary["counts"]["severity"]
    tail = (f"# fidelity score {score_text(report)} · {sev['critical']} critical, {sev['major']} major, "
            f"{sev['minor']} minor")
    if "filtered" in summary:
        tail += f" · {summary['filtered']['findings']} below {summary['filtered']['min_severity']} not listed"
    if baseline_line(report):
        tail += f" · {baseline_line(report)}"
    lines.append(f"{_DIM}{tail}{_RESET}" if color else tail)
    return "\n".join(lines) + "\n"


def _annotation(f: Finding, color: bool) -> str:
    text = f"# {f.id} {f.severity.value} {f.category}: {one_line(whole_message(f))}"
    return f"{_DIM}{text}{_RESET}" if color else text
