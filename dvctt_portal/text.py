"""Vietnamese text as people type it into a search box: with or without diacritics, in any case.

Imports no app of the portal, so every app may use it. The grid's filter does the same in the
browser (static/js/entry.js, `fold`).
"""

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """"Xã TÙNG ẢNH" → "xa tung anh": no diacritics (đ → d), lower case, single spaces."""
    text = str(text or "")
    return _remembered_fold(text) if len(text) <= REMEMBERED_LENGTH else _fold(text)


REMEMBERED_LENGTH = 600  # a procedure's name is at most 500 characters; longer texts are folded each time


@functools.lru_cache(maxsize=16384)
def _remembered_fold(text: str) -> str:
    """The same names come back on every grid and every search: each is folded once per process
    (at most 16,384 texts of at most 600 characters are kept)."""
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", bare.casefold()).strip()


def matches(query: str, *texts: str) -> bool:
    """Whether every word of `query` appears in one of `texts`, diacritics and case aside
    ("tung anh", "TÙNG ẢNH" and "tùng" all find "Xã Tùng Ảnh"); an empty query matches."""
    haystack = " ".join(fold(text) for text in texts if text)
    return all(word in haystack for word in fold(query).split())


def search(queryset, query: str, fields: tuple[str, ...]):
    """The rows of `queryset` whose `fields` match `query` as `matches` says (one query to find
    them, on any database: SQLite folds neither case nor diacritics beyond ASCII)."""
    if not fold(query):
        return queryset
    found = [row[0] for row in queryset.values_list("pk", *fields) if matches(query, *row[1:])]
    return queryset.filter(pk__in=found)
