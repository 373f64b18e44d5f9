"""The shipped gazetteer (data/places.json): which words name a city or a country."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefer import paths


@dataclass(frozen=True, slots=True)
class Place:
    city: str | None
    country: str | None


class Gazetteer:
    def __init__(self, countries: dict[str, list[str]], cities: dict[str, str]) -> None:
        self._countries: dict[str, str] = {}
        for name, variants in countries.items():
            for variant in [name, *variants]:
                self._countries[_key(variant)] = name
        self._cities = {_key(city): (city, country) for city, country in cities.items()}
        self.longest = max((len(k.split()) for k in [*self._countries, *self._cities]), default=1)

    @classmethod
    def load(cls, path: Path) -> Gazetteer:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data.get("countries", {}), data.get("cities", {}))

    def country(self, name: str) -> str | None:
        return self._countries.get(_key(name))

    def city(self, name: str) -> tuple[str, str] | None:
        return self._cities.get(_key(name))

    def find(self, text: str) -> tuple[Place, str] | None:
        """The first place named in text ("Mexico City, Mexico", "New York"), with its words."""
        words = list(re.finditer(r"[^\W\d_¹²³⁴⁵⁶⁷⁸⁹⁰]+(?:['’.-][^\W\d_¹²³⁴⁵⁶⁷⁸⁹⁰]+)*\.?", text))
        for start in range(len(words)):
            if not words[start].group(0)[0].isupper():
                continue
            for size in range(min(self.longest, len(words) - start), 0, -1):
                span = text[words[start].start() : words[start + size - 1].end()]
                city = self.city(span)
                if city:
                    after = text[words[start + size - 1].end() :]
                    country = self._country_after(after) or city[1]
                    end = words[start + size - 1].end()
                    return Place(city[0], country), text[words[start].start() : end]
                country = self.country(span)
                if country:
                    return Place(None, country), span
        return None

    def _country_after(self, text: str) -> str | None:
        """The country in ", Mexico" right after a city, if any."""
        match = re.match(r"\s*,\s*([A-Z][\w'’ -]{1,40}?)(?=[,.;)]|\s+(?:on|in|from|to)\s|$)", text)
        return self.country(match.group(1)) if match else None


def _key(name: str) -> str:
    return " ".join(name.replace("’", "'").casefold().split()).rstrip(".")


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    path = paths.places_file()
    if not path.exists():
        return Gazetteer({}, {})
    return Gazetteer.load(path)
