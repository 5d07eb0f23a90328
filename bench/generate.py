"""Synthetic catalogues that look like the seed catalogue, written as JSON Lines for the real import.

Text comes from a word-bigram chain trained on the seed catalogue's own Dutch summaries and descriptions
and the vocabulary labels, so term frequencies, word lengths and stemming behave as on real data. Facet
values are copied as a whole from a random seed material: the joint distribution (which skills go with
which levels and audiences, exactly one cost, level ranges within one scheme) stays the seed's.
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from trefpunt import resources

DATA = resources.path("catalog_data")
FACET_PARAMS = ("vaardigheid", "niveau", "doelgroep", "vorm", "werkvorm", "kosten", "taal", "nodig")
SEED = 20261124
MAX_SUMMARY_CHARS = 300  # the catalogue's limit (trefpunt.catalog.records.MAX_SUMMARY)

# Places for local offers: a growing catalogue gets many small providers, the provider facet grows with it.
PLACES = (
    "Amsterdam",
    "Rotterdam",
    "Utrecht",
    "Eindhoven",
    "Groningen",
    "Tilburg",
    "Almere",
    "Breda",
    "Nijmegen",
    "Apeldoorn",
    "Haarlem",
    "Arnhem",
    "Enschede",
    "Amersfoort",
    "Zaanstad",
    "Zwolle",
    "Leiden",
    "Maastricht",
    "Dordrecht",
    "Ede",
    "Emmen",
    "Venlo",
    "Deventer",
    "Delft",
    "Helmond",
    "Hilversum",
    "Heerlen",
    "Leeuwarden",
    "Alkmaar",
    "Oss",
    "Roosendaal",
    "Purmerend",
    "Schiedam",
    "Lelystad",
    "Gouda",
    "Vlaardingen",
    "Assen",
    "Hoorn",
    "Velsen",
    "Veenendaal",
    "Zeist",
    "Katwijk",
    "Nieuwegein",
    "Capelle",
    "Doetinchem",
    "Harderwijk",
    "Kampen",
    "Middelburg",
    "Goes",
    "Sneek",
    "Terneuzen",
    "Tiel",
    "Meppel",
    "Heerenveen",
    "Drachten",
    "Winterswijk",
    "Zutphen",
    "Weert",
    "Roermond",
    "Sittard",
    "Vlissingen",
)
LOCAL_KINDS = ("Bibliotheek", "Taalhuis", "Digitaal Hulpplein", "Volksuniversiteit", "Buurthuis")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*|[.!?]")


@dataclass(frozen=True)
class SeedFacts:
    """What the generator learns from the seed catalogue."""

    rows: tuple[dict, ...]
    chain: dict[str, tuple[str, ...]]
    starts: tuple[str, ...]
    keywords: tuple[str, ...]
    title_words: tuple[str, ...]

    @cached_property
    def providers(self) -> tuple[str, ...]:
        return tuple(r["provider"] for r in self.rows)


def _sentences(text: str) -> list[list[str]]:
    text = re.sub(r"\*\*|^- |^\d+\. ", "", text, flags=re.M)
    sentences, current = [], []
    for token in _WORD.findall(text):
        if token in ".!?":
            if current:
                sentences.append(current)
            current = []
        else:
            current.append(token)
    if current:
        sentences.append(current)
    return [s for s in sentences if len(s) >= 3]


def learn(data_dir: Path = DATA) -> SeedFacts:
    with open(data_dir / "materials.jsonl", encoding="utf-8") as f:
        rows = tuple(json.loads(line) for line in f if line.strip())
    texts = [r["summary"] for r in rows] + [r["description"] for r in rows]
    with open(data_dir / "vocabularies.csv", encoding="utf-8") as f:
        texts += [f"{row['label_nl']} voor wie wil leren." for row in csv.DictReader(f)]
    chain: dict[str, list[str]] = defaultdict(list)
    starts: list[str] = []
    for text in texts:
        for sentence in _sentences(text):
            starts.append(sentence[0])
            for a, b in zip(sentence, [*sentence[1:], "."], strict=True):
                chain[a].append(b)
    keywords = tuple(k for r in rows for k in r["keywords"])
    title_words = tuple(w for r in rows for w in re.findall(r"[\wÀ-ÿ-]{4,}", r["title"]))
    return SeedFacts(
        rows=tuple(r for r in rows if r["status"] == "published"),
        chain={k: tuple(v) for k, v in chain.items()},
        starts=tuple(starts),
        keywords=keywords,
        title_words=title_words,
    )


class Writer:
    """Deterministic text: the same seed and size give the same catalogue, byte for byte."""

    def __init__(self, facts: SeedFacts, seed: int):
        self.facts = facts
        self.random = random.Random(seed)

    def sentence(self, limit: int) -> list[str]:
        chain, choice = self.facts.chain, self.random.choice
        words = [choice(self.facts.starts)]
        while len(words) < limit:
            following = chain.get(words[-1])
            if not following:
                break
            nxt = choice(following)
            if nxt == ".":
                break
            words.append(nxt)
        return words

    def text(self, low: int, high: int) -> str:
        """Sentences of generated Dutch adding up to between ``low`` and ``high`` words."""
        target = self.random.randint(low, high)
        sentences: list[str] = []
        count = 0
        while count < target:
            words = self.sentence(min(25, target - count))
            if count + len(words) < target and len(words) < 4:
                continue
            sentences.append(" ".join(words)[:1].upper() + " ".join(words)[1:] + ".")
            count += len(words)
        return " ".join(sentences)

    def paragraphs(self, low: int, high: int) -> str:
        text = self.text(low, high)
        sentences = text.split(". ")
        cut = max(1, len(sentences) // 2)
        return (
            ". ".join(sentences[:cut]) + ".\n\n" + ". ".join(sentences[cut:]) if len(sentences) > 3 else text
        )

    def summary(self) -> str:
        text = self.text(20, 40)
        while len(text) > MAX_SUMMARY_CHARS:
            text = text[: text.rfind(" ")].rstrip(".,") + "."
        return text

    def title(self) -> str:
        r = self.random
        head = " ".join(r.sample(self.facts.title_words, r.randint(1, 2)))
        tail = " ".join(self.sentence(r.randint(2, 4)))
        return (head + " " + tail)[:1].upper() + (head + " " + tail)[1:120]


def material(number: int, writer: Writer) -> dict:
    facts, r = writer.facts, writer.random
    template = r.choice(facts.rows)
    local = r.random() < 0.3
    provider = f"{r.choice(LOCAL_KINDS)} {r.choice(PLACES)}" if local else template["provider"]
    title = writer.title()
    slug = f"bench-{number:06d}"
    record = {
        "slug": slug,
        "title": title,
        "summary": writer.summary(),
        "description": writer.paragraphs(60, 200),
        "provider": provider,
        "url": f"https://leermiddel.example/{slug}" if r.random() < 0.4 else "",
        "keywords": sorted({k.lower() for k in r.sample(facts.keywords, r.randint(3, 6))}),
        "status": r.choices(("published", "draft", "archived"), weights=(96, 2, 2))[0],
    }
    for param in FACET_PARAMS:
        record[param] = list(template[param])
    return record


def catalogue(size: int, seed: int = SEED, facts: SeedFacts | None = None) -> list[dict]:
    writer = Writer(facts or learn(), seed + size)
    return [material(n, writer) for n in range(size)]


def write_jsonl(records: list[dict], path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
