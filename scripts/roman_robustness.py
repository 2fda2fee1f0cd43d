"""How Roman-Urdu top-1 holds up when questions are typed the way people shorten them.

    .venv/bin/python scripts/roman_robustness.py

Takes the Roman-Urdu answerable questions of the citizen `tune` split and of the validation set (never
the `test` split) and rewrites each three ways: WhatsApp contractions ("hai" -> "h", "kaise" ->
"kesy", "chahiye" -> "chahye" ...), inner vowels of words longer than six letters dropped
("shanakhti" -> "shnkhti"), and both. Prints top-1 service accuracy and the answered share of each
version through the full pipeline (the shipped index and models). A measurement script, not a test.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eval.datasets.citizen import CitizenItem, load_citizen  # noqa: E402

CONTRACTIONS = ((r"\bhai\b", "h"), (r"\bkya\b", "kia"), (r"\bke\b", "k"), (r"\bkaise\b", "kesy"),
                (r"\bchahiye\b", "chahye"), (r"\bnahi\b", "ni"), (r"\bmein\b", "me"), (r"\bhain\b", "hn"),
                (r"\bkarna\b", "krna"), (r"\bkarwana\b", "krwana"), (r"\bkitni\b", "ktni"), (r"\bkitne\b", "kitny"))


def whatsapp(text: str) -> str:
    text = text.lower()
    for pattern, short in CONTRACTIONS:
        text = re.sub(pattern, short, text)
    return text


def devowel(text: str) -> str:
    return " ".join(w[0] + re.sub("[aeiou]", "", w[1:-1]) + w[-1] if len(w) > 6 and w.isalpha() else w
                    for w in text.split())


def questions() -> list[CitizenItem]:
    tune = load_citizen(ROOT / "eval/data/citizen_questions.jsonl", "tune")
    validation = load_citizen(ROOT / "eval/data/citizen_validation.jsonl", "validation")
    return [it for it in tune + validation if it.lang == "ur-Latn" and not it.must_not_answer]


def main() -> int:
    from bot.config import load_config
    from bot.pipeline import build_pipeline

    pipeline = build_pipeline(load_config(None))
    pipeline.load()
    rows = questions()
    versions: dict[str, Callable[[str], str]] = {
        "as written": lambda t: t, "contractions": whatsapp, "vowels dropped": devowel,
        "both": lambda t: devowel(whatsapp(t))}
    print(f"{len(rows)} Roman-Urdu answerable questions (tune split + validation set)")
    for name, rewrite in versions.items():
        replies = [(pipeline.answer(rewrite(it.text)), it) for it in rows]
        top1 = sum(reply.service_id in it.expected_services for reply, it in replies) / len(rows)
        answered = sum(reply.outcome.value == "answered" for reply, _ in replies) / len(rows)
        print(f"  {name:15s} top-1 {top1:.3f}  answered {answered:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
