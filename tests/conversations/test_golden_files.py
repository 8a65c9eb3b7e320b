"""Every golden transcript belongs to a test: a renamed or removed test leaves no transcript behind."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def test_every_golden_transcript_is_read_by_a_test_of_its_module():
    orphans = []
    for transcript in sorted((HERE / "golden").glob("*/*.txt")):
        module = transcript.parent.name
        sources = [HERE / f"test_golden_{module}.py", HERE / f"test_{module}.py"]
        test = f"def test_{transcript.stem}("
        if not any(source.exists() and test in source.read_text(encoding="utf-8") for source in sources):
            orphans.append(str(transcript.relative_to(HERE)))
    assert orphans == []
    assert len(list((HERE / "golden").glob("*/*.txt"))) >= 20
