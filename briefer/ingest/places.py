"""The shipped gazetteer (data/places.json): which words name a city or a country."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefer import paths

_WORD_RE = re.compile(r"[^\W\d_¹²³⁴⁵⁶⁷⁸⁹⁰]+(?:['’.-][^\W\d_¹²³⁴⁵⁶⁷⁸⁹⁰]+)*\.?")


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
        words = list(_WORD_RE.finditer(text))
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

    def find_at_start(self, text: str) -> Place | None:
        """The place the text opens with ("Lisbon April 2003" -> Lisbon), if any."""
        found = self.find(text)
        if found and text.lstrip().startswith(found[1]):
            return found[0]
        return None

    def find_at_end(self, text: str) -> Place | None:
        """The place the text ends with: "... Seventh session Geneva", "held in Dakar, Senegal"."""
        text = text.rstrip(" ,.;:")
        words = list(_WORD_RE.finditer(text))
        for start in range(max(0, len(words) - 2 * self.longest - 1), len(words)):
            tail = text[words[start].start() :]
            country = self.country(tail)
            place = self.whole(tail) or (Place(None, country) if country else None)
            if place:
                return place
        return None

    def whole(self, text: str) -> Place | None:
        """A text that names a city and nothing else: "ACCRA", "Abidjan, Cote d'Ivoire"."""
        text = text.strip(" .;:")
        found = self.find(text)
        if not found or not found[0].city or not text.startswith(found[1]):
            return None
        rest = text[len(found[1]) :].strip(" ,()")  # "Abidjan, Côte d'Ivoire", "Addis-Abeba (Éthiopie)"
        if not rest or (self.country(rest) and self.country(rest) == found[0].country):
            return found[0]
        return None

    def find_pair(self, text: str) -> Place | None:
        """The first "City, Country" named in text with the city's own country ("...
        (WARDA) Abidjan, Cote d'Ivoire"): a place printed as a place, not a word that
        happens to be a country's name."""
        for match in re.finditer(r",\s*", text):
            city = self.find_at_end(text[: match.start()])
            if city and city.city and self.city(city.city):
                country = self._country_after(text[match.start() :])
                if country and country == self.city(city.city)[1]:
                    return Place(city.city, country)
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
