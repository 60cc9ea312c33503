"""Find clinical findings in record text, with negation from medspaCy's ConText.

"denies bowel or bladder dysfunction" or "no red flags" must not count as present. Only sentences that
contain a candidate phrase are passed through medspaCy (loaded once per process: target matcher and
ConText, with spaCy's sentencizer because sentences are split here first), and results are cached per
sentence, so a case with many records stays fast. Library logging is muted while it runs: records are PHI.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .schema import Record

_LOCK = threading.Lock()
_NLP: Any = None
_RULES: set[str] = set()
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9\"'(])|\n{2,}")
# Used only when medspaCy is not installed: a pre-negation cue shortly before the phrase.
_FALLBACK_NEG = re.compile(
    r"\b(no|not|denies|denied|without|negative for|absence of|free of|lack of|fails? to|failed to|"
    r"no evidence of|"
    r"no documentation of|not documented)\b[^.;]{0,60}$",
    re.I,
)


# medspaCy's section-less matcher warns on every document; it is expected here.
warnings.filterwarnings("ignore", message=r"\[W036\]")


@dataclass(frozen=True)
class Mention:
    phrase: str
    negated: bool
    sentence: str
    record_title: str
    record_date: Any = None
    record_id: int | None = None
    page: int | None = None


@contextlib.contextmanager
def _quiet():
    """PyRuSH logs rules and sentences through the root logger; sentences are PHI, so mute it."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"\[W036\]")
            yield
    finally:
        logging.disable(previous)


def _silence_loguru() -> None:
    try:
        from loguru import logger

        logger.remove()
    except ImportError:  # pragma: no cover - loguru comes with PyRuSH
        pass


def _load() -> Any:
    global _NLP
    if _NLP is None:
        with _LOCK:
            if _NLP is None:
                # PyRuSH logs each rule (root logger) and sentence (loguru): records are PHI, keep logs clean.
                previous = logging.root.manager.disable
                logging.disable(logging.WARNING)
                try:
                    import medspacy

                    _silence_loguru()
                    nlp = medspacy.load(enable=["medspacy_target_matcher", "medspacy_context"])
                    # Records are split into sentences here before medspaCy sees them, so spaCy's rule-based
                    # sentencizer suffices; PyRuSH took ~90% of the time per sentence.
                    if "medspacy_pyrush" in nlp.pipe_names:
                        nlp.remove_pipe("medspacy_pyrush")
                    nlp.add_pipe("sentencizer", first=True)
                    _NLP = nlp
                except Exception:  # noqa: BLE001 - degrade to the fallback cue list, never raise
                    _NLP = False
                finally:
                    logging.disable(previous)
    return _NLP


def nlp_available() -> bool:
    return bool(_load())


def _ensure_rules(phrases: tuple[str, ...]) -> None:
    nlp = _load()
    new = [p for p in phrases if p not in _RULES]
    if not nlp or not new:
        return
    from medspacy.ner import TargetRule

    with _LOCK, _quiet():
        nlp.get_pipe("medspacy_target_matcher").add([TargetRule(p, "FINDING") for p in new])
        _RULES.update(new)
        _negations.cache_clear()


@lru_cache(maxsize=4096)
def _negations(sentence: str) -> tuple[tuple[str, bool], ...]:
    """(lower-cased entity text, negated) for the target phrases ConText finds in one sentence."""
    nlp = _load()
    with _quiet():
        doc = nlp(sentence)
    return tuple((e.text.lower(), bool(e._.is_negated)) for e in doc.ents)


def _is_negated(sentence: str, phrase: str) -> bool:
    nlp = _load()
    if nlp:
        ents = _negations(sentence)
        hits = [neg for text, neg in ents if phrase in text or text in phrase]
        if hits:
            return all(hits)
    low = sentence.lower()
    idx = low.find(phrase)
    return bool(_FALLBACK_NEG.search(low[:idx])) if idx >= 0 else False


def sentences_with(text: str, phrase: str) -> list[str]:
    low = text.lower()
    if phrase not in low:
        return []
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if phrase in s.lower()]


def find_mentions(records: list[Record], phrases: list[str], limit: int = 6) -> list[Mention]:
    """Mentions of any phrase (case-insensitive) in the records, each marked negated or not."""
    wanted = tuple(p.lower() for p in phrases if p)
    if not wanted:
        return []
    _ensure_rules(wanted)
    out: list[Mention] = []
    for rec in records:
        text = rec.text or ""
        low = text.lower()
        for phrase in wanted:
            if phrase not in low:
                continue
            for sent in sentences_with(text, phrase):
                if not re.search(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])", sent.lower()):
                    continue
                negated = _is_negated(sent[:600], phrase)
                out.append(Mention(phrase, negated, sent[:400], rec.title, rec.date, rec.record_id, rec.page))
                if len(out) >= limit:
                    return out
    return out
