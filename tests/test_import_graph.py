"""The modules of fidelity/ import each other without a circle, lazy (function-level) imports included."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import import_graph  # noqa: E402


def test_fidelity_has_no_import_circle():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "import_graph.py")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("no import circle among ")


def test_a_lazy_import_back_is_a_circle(tmp_path):
    """What the script counts: a function-level import closes a circle; a TYPE_CHECKING one does not;
    importing a submodule runs its package's __init__ (an edge to the package)."""
    package = tmp_path / "fidelity"
    (package / "pkg").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .pkg.c import f\n")
    (package / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n")
    (package / "pkg" / "__init__.py").write_text("from .c import f\nfrom .d import g\n")
    (package / "pkg" / "c.py").write_text("def f():\n    from .d import g\n    return g\n")
    (package / "pkg" / "d.py").write_text("def g():\n    from ..a import x\n")
    graph = import_graph.import_graph(tmp_path)
    assert graph["fidelity.a"] == {"fidelity.pkg", "fidelity.pkg.c"}
    assert graph["fidelity.b"] == set()
    assert graph["fidelity.pkg.c"] == {"fidelity.pkg.d"}  # a sibling: its package's __init__ is already running
    assert import_graph.tangles(graph) == [["fidelity.a", "fidelity.pkg", "fidelity.pkg.c", "fidelity.pkg.d"]]
    assert import_graph.cycles(graph) == [["fidelity.a", "fidelity.pkg", "fidelity.pkg.d", "fidelity.a"]]  # a shortest
