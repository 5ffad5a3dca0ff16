"""Big inputs (issue 19): alignment linear in a long rewrite, a progress bar on a terminal only, and
--max-chars refusing an input before any model loads."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from fidelity.checking.align import align
from tests.test_align import HashingEncoder, check_partition, cnn_sentences

ROOT = Path(__file__).resolve().parent.parent
CNN = ROOT / "seeds" / "001_77e8c4707eb41a8b.txt"
DEFNET = ROOT / "seeds" / "000_a2e2bae9bb3cb44c.txt"
STAGES = ("segment", "embed", "align", "detect")


def test_short_original_against_long_rewrite_embeds_linearly():
    """30 sentences against 6,000: merged rewrite spans are embedded near the original's candidates
    only, not all along a band as wide as the rewrite, and each original sentence finds its copy."""
    rng = np.random.default_rng(3)
    vocab = sorted({w.lower() for s in cnn_sentences() for w in s.split()})
    src = [" ".join(rng.choice(vocab, size=12)) for _ in range(30)]
    tgt = [" ".join(rng.choice(vocab, size=12)) for _ in range(6000)]
    where = {i: 100 + 200 * i for i in range(len(src))}
    for i, j in where.items():
        tgt[j] = src[i]
    encoder = HashingEncoder()
    beads = align(src, tgt, encoder)
    check_partition(beads, len(src), len(tgt))
    matched = {b.original[0]: b.rewrite for b in beads if b.original and b.rewrite}
    assert all(j in matched[i] for i, j in where.items()), matched
    # every merged span of the rewrite would be 2 x 6,000 more texts on top of the 6,030 sentences
    assert encoder.encoded < 2 * (len(src) + len(tgt)), encoder.encoded


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fidelity.frontends.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, env={**os.environ, **(env or {})})


def test_max_chars_refuses_before_any_model_loads(tmp_path):
    out = tmp_path / "report.json"
    # --nli loads its model when the checker opens: a missing one would fail first if the size came later
    result = _cli("check", str(CNN), str(DEFNET), "--max-chars", "1000", "--nli", str(tmp_path / "no-such-model"),
                  "--output", str(out))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fidelity: error: "), result.stderr
    assert "characters, more than --max-chars 1,000" in lines[0] and "001_77e8c4707eb41a8b" in lines[0]
    assert not out.exists()
    # multi-byte characters count once: 900 Cyrillic letters are 1,800 bytes, under a 1,000 limit
    cyrillic = tmp_path / "ru.txt"
    cyrillic.write_text("Ж" * 900, encoding="utf-8")
    from fidelity.frontends.cli import _check_size

    _check_size(cyrillic, 1000)  # no exit


def _large_rewrite(tmp_path: Path, copies: int) -> Path:
    """The DEFNET rewrite said ``copies`` times, each copy's lines tagged so that none repeats."""
    text = DEFNET.read_text(encoding="utf-8")
    tagged = ["\n".join(f"({k}) {line}" if line.strip() and k else line for line in text.split("\n"))
              for k in range(copies)]
    path = tmp_path / "large_rewrite.txt"
    path.write_text("\n\n".join(tagged), encoding="utf-8")
    return path


def _through_pty(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as its stdin/stdout/stderr; return (exit code, all it drew)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stderr is the terminal
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "fidelity.frontends.cli", *args], {**os.environ, **env})
    chunks: list[bytes] = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_moves_through_the_stages(tmp_path):
    rewrite = _large_rewrite(tmp_path, 6)
    out = tmp_path / "report.json"
    code, drawn = _through_pty(["check", str(CNN), str(rewrite), "--output", str(out)],
                               {"FIDELITY_PROGRESS_AFTER": "0", "COLUMNS": "100"})
    assert code == 0, drawn
    assert out.exists()
    seen = [m.group(1) for m in re.finditer(r"(segment|embed|align|detect) \(\d/4\)", drawn)]
    assert set(seen) == set(STAGES), drawn[-2000:]
    first = [seen.index(s) for s in STAGES]
    assert first == sorted(first)  # in the check's order
    percents = set(re.findall(r"(\d+)%", drawn))
    assert len(percents) >= 2, percents  # the bar moved


def test_progress_bar_off_with_quiet_and_when_stderr_is_no_terminal(tmp_path):
    rewrite = _large_rewrite(tmp_path, 2)
    code, drawn = _through_pty(["check", str(CNN), str(rewrite), "--quiet", "--output", str(tmp_path / "a.json")],
                               {"FIDELITY_PROGRESS_AFTER": "0"})
    assert code == 0, drawn
    assert not any(f"{s} (" in drawn for s in STAGES), drawn[-2000:]
    piped = _cli("check", str(CNN), str(rewrite), "--output", str(tmp_path / "b.json"),
                 env={"FIDELITY_PROGRESS_AFTER": "0"})
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == ""


def test_span_index_answers_as_a_scan_does():
    """Sentences in text order are found by bisection; spans out of order or overlapping by start
    and the largest end so far: either way the same indices as comparing every span."""
    from fidelity.text.spans import SpanIndex

    sentences = [(0, 10), (11, 25), (25, 25), (26, 40)]  # an empty span too
    nested = [(0, 30), (5, 12), (20, 45)]  # quotations inside quotations
    for spans in (sentences, nested):
        index = SpanIndex(spans)
        for start in range(0, 46):
            for end in range(start, 47):
                assert index.overlapping(start, end) == [k for k, (s, e) in enumerate(spans) if start < e and s < end]
    assert SpanIndex(sentences).ordered and not SpanIndex(nested).ordered
