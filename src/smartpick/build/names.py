"""Name normalization and scoring for joining program lists that spell names differently."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

# Abbreviations seen in NRMP and FREIDA names, expanded so that both spellings compare equal.
_ABBREVIATIONS = {
    "univ": "university",
    "u": "university",
    "med": "medical",
    "ctr": "center",
    "ctrs": "centers",
    "hosp": "hospital",
    "hosps": "hospitals",
    "hlth": "health",
    "sch": "school",
    "coll": "college",
    "inst": "institute",
    "natl": "national",
    "sys": "system",
    "reg": "regional",
    "rgnl": "regional",
    "comm": "community",
    "cmty": "community",
    "mem": "memorial",
    "meml": "memorial",
    "st": "saint",
    "mt": "mount",
    "ft": "fort",
    "hlthcare": "healthcare",
    "osteo": "osteopathic",
    "assoc": "associated",
    "dept": "department",
    "svcs": "services",
    "prog": "program",
    "consort": "consortium",
    "affil": "affiliated",
    "chldns": "childrens",
    "childs": "childrens",
    "hs": "health sciences",
}

_NOISE = {"program", "the", "residency", "of", "and", "at", "in", "for"}


def normalize(name: str) -> str:
    """Lower-case ASCII words with abbreviations expanded and punctuation dropped."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ").replace("'", "")
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def key(name: str) -> str:
    """The normalized name without filler words, for exact comparisons."""
    return " ".join(w for w in normalize(name).split() if w not in _NOISE)


def similarity(a: str, b: str) -> float:
    """A 0-100 similarity of two program names that rewards equal words in any order."""
    ka, kb = key(a), key(b)
    if ka == kb:
        return 100.0
    return float(fuzz.token_sort_ratio(ka, kb))


def same_city(a: str, b: str) -> bool:
    return bool(a) and bool(b) and normalize(a) == normalize(b)
