"""The datastore's `_full_text` on SQLite: PostgreSQL's tsquery language, read and matched in Python.

datastore_search_sql offers CKAN's `_full_text @@ <tsquery>` on both databases. PostgreSQL answers it with its own
text search (the `simple` configuration, served by a GIN index); SQLite has none, so there the query is rewritten
into `plaza_ts_match(row text, plaza_tsquery(kind, text))`, two functions registered for the query only. Words
are runs of letters and digits, lower-cased, as `simple` makes them (without its special tokens: "41.5" is the
words 41 and 5 on both sides of the match). The operators are PostgreSQL's: `&`, `|`, `!`, parentheses, the
prefix `:*`, and the phrase operators `<->` and `<N>` between words, phrases or alternatives.
"""

import re
from functools import lru_cache

from django.utils.translation import gettext as _

MAKERS = ("to_tsquery", "plainto_tsquery", "phraseto_tsquery", "websearch_to_tsquery")
WORD = re.compile(r"\w+")
TOKEN = re.compile(r"\s*(?:(?P<op>[&|!()])|<(?P<distance>-|\d+)>|'(?P<quoted>(?:[^']|'')*)'|(?P<bare>[^\s&|!()<':]+))")
LABEL = re.compile(r":(?P<star>\*)?[A-Da-d]*")


class TsqueryError(ValueError):
    """A tsquery that cannot be read, or that SQLite cannot match; the message says which."""


def words(text: str) -> list[str]:
    return WORD.findall(str(text).lower())


def tsquery(kind: str, text: str) -> str:
    """What PostgreSQL's `<kind>(text)` makes, written as tsquery text (to_tsquery only normalises it)."""
    if kind == "plainto_tsquery":
        return " & ".join(f"'{w}'" for w in words(text))
    if kind == "phraseto_tsquery":
        return " <-> ".join(f"'{w}'" for w in words(text))
    if kind == "websearch_to_tsquery":
        return _websearch(str(text))
    return _written(_read(str(text))) if str(text).strip() else ""


def _websearch(text: str) -> str:
    """Quoted phrases, `or` between alternatives, `-` before an excluded word; every other word is required."""
    terms, alternative = [], False
    for quoted, word in re.findall(r'"([^"]*)"?|(\S+)', text):
        if word.lower() == "or":
            alternative = bool(terms)
            continue
        negated = word.startswith("-")
        found = words(quoted if quoted else word)
        if not found:
            continue
        term = ("!" if negated else "") + "(" + " <-> ".join(f"'{w}'" for w in found) + ")"
        terms.append((" | " if alternative else " & ") + term if terms else term)
        alternative = False
    return "".join(terms)


def _tokens(text: str) -> list[tuple[str, object]]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        found = TOKEN.match(text, position)
        if not found:
            raise TsqueryError(_("Syntax error in tsquery: “%(query)s”.") % {"query": text})
        position = found.end()
        if found["op"]:
            tokens.append((found["op"], None))
        elif found["distance"]:
            tokens.append(("<>", 1 if found["distance"] == "-" else int(found["distance"])))
        else:
            label = LABEL.match(text, position)
            position = label.end() if label else position
            lexeme = found["quoted"].replace("''", "'") if found["quoted"] is not None else found["bare"]
            tokens.append(("word", (lexeme, bool(label and label["star"]))))
    return tokens


@lru_cache(maxsize=256)
def _read(text: str):
    """The query as a tree: ("word", parts, prefix), ("not", x), ("and"|"or", a, b), ("phrase", a, b, distance)."""
    tokens = _tokens(text)
    tree, rest = _either(tokens)
    if rest:
        raise TsqueryError(_("Syntax error in tsquery: “%(query)s”.") % {"query": text})
    return tree


def _either(tokens):
    left, tokens = _both(tokens)
    while tokens and tokens[0][0] == "|":
        right, tokens = _both(tokens[1:])
        left = ("or", left, right)
    return left, tokens


def _both(tokens):
    left, tokens = _phrase(tokens)
    while tokens and tokens[0][0] == "&":
        right, tokens = _phrase(tokens[1:])
        left = ("and", left, right)
    return left, tokens


def _phrase(tokens):
    left, tokens = _single(tokens)
    while tokens and tokens[0][0] == "<>":
        right, rest = _single(tokens[1:])
        if left[0] in {"and", "not"} or right[0] in {"and", "not"}:
            raise TsqueryError(_("On this database a phrase (<->) joins words, phrases or alternatives (|) only."))
        left, tokens = ("phrase", left, right, tokens[0][1]), rest
    return left, tokens


def _single(tokens):
    if not tokens:
        raise TsqueryError(_("Syntax error in tsquery: it ends too early."))
    kind, value = tokens[0]
    if kind == "!":
        inner, rest = _single(tokens[1:])
        return ("not", inner), rest
    if kind == "(":
        inner, rest = _either(tokens[1:])
        if not rest or rest[0][0] != ")":
            raise TsqueryError(_("Syntax error in tsquery: a parenthesis is not closed."))
        return inner, rest[1:]
    if kind != "word":
        raise TsqueryError(_("Syntax error in tsquery: “%(token)s” is out of place.") % {"token": kind})
    lexeme, prefix = value
    return ("word", tuple(words(lexeme)), prefix), tokens[1:]


def _written(tree) -> str:
    kind = tree[0]
    if kind == "word":
        star = ":*" if tree[2] else ""
        return " <-> ".join(f"'{w}'{star}" for w in tree[1])
    if kind == "not":
        return f"!({_written(tree[1])})"
    if kind == "phrase":
        operator = "<->" if tree[3] == 1 else f"<{tree[3]}>"
        return f"({_written(tree[1])}) {operator} ({_written(tree[2])})"
    return f"({_written(tree[1])}) {'&' if kind == 'and' else '|'} ({_written(tree[2])})"


def matches(document: str | None, query: str | None) -> bool | None:
    """Whether the row's text holds the tsquery (None when either is NULL, as PostgreSQL answers)."""
    if document is None or query is None:
        return None
    if not query.strip():
        return False  # a query without words matches nothing, as in PostgreSQL
    found = words(document)
    return bool(_ends(_read(query), found))


def _ends(tree, found: list[str]) -> set[int]:
    """The places where the tree's match ends (a word's place; for a phrase, its last word's); a condition without
    a place of its own (`&`, `!`) that holds answers every place, which only a phrase could tell apart."""
    kind = tree[0]
    if kind == "word":
        parts, prefix = tree[1], tree[2]
        if not parts:
            return set(range(len(found) + 1))  # a stop-word-like query part matches whatever the row holds
        return {
            i + len(parts) - 1
            for i in range(len(found) - len(parts) + 1)
            if found[i : i + len(parts) - 1] == list(parts[:-1])
            and (found[i + len(parts) - 1].startswith(parts[-1]) if prefix else found[i + len(parts) - 1] == parts[-1])
        }
    if kind == "or":
        return _ends(tree[1], found) | _ends(tree[2], found)
    if kind == "phrase":
        before = _ends(tree[1], found)
        return {end for end in _ends(tree[2], found) if end - tree[3] in before}
    everywhere = set(range(len(found) + 1))
    if kind == "and":
        return everywhere if _ends(tree[1], found) and _ends(tree[2], found) else set()
    return set() if _ends(tree[1], found) else everywhere
