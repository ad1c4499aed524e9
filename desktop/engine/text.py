"""Turning what employees type into comparable terms.

    >>> terms("Mon imprimante n'imprime plus !!")
    ['imprimant', 'imprim']

`fold` lowercases and removes accents; `terms` also drops stop words (English and
French) and reduces words to a light stem, so "printers", "printer" and "printing"
meet, and "réseau" meets "reseau". The same functions run when a snapshot is built and
when a question is asked, so the two always agree.
"""
from __future__ import annotations

import re
import unicodedata

WORD_RE = re.compile(r"[a-z0-9]+")

STOPWORDS = frozenset("""
a about above after again all am an and any are as at be because been before being below
between both but by can cannot could did do does doing don down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours out over own
please pls plz same she should so some such than that the their them then there these they
this those through to too under until up very was we were what when where which while who
whom why will with would you your yours hi hello hey thanks thank get got im ive cant wont
dont doesnt isnt didnt also still again any anyone someone something way need want help
au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je j la le les leur
leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se
ses son sur ta te tes toi ton tu un une vos votre vous c d l m n s t y ete etre avoir ai as
est sont suis es etes etait ont avez avons fait faire peux peut puis pouvez comment quoi
quel quelle quels quelles est-ce ca cela ceci bonjour merci svp stp sil plait aide aider
besoin veux voudrais voudrait mon ma mes chez tres plus bien
""".split())

# Suffixes removed by the light stemmer, longest first. Shared by both languages: the
# aim is only that inflections of one word meet, not linguistic accuracy.
_SUFFIXES = ("ements", "ement", "ations", "ation", "ings", "ing", "ees", "ee", "es", "ed",
             "er", "ez", "s", "x", "e")


def fold(text: str) -> str:
    """Lowercase, strip accents and normalise apostrophes and dashes."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("’", "'").replace("œ", "oe").replace("æ", "ae")


def words(text: str) -> list[str]:
    """Folded words, stop words included (for typo correction and phrase synonyms)."""
    return WORD_RE.findall(fold(text))


def stem(word: str) -> str:
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(tokens: list[str]) -> list[str]:
    return [w for w in tokens if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def terms(text: str) -> list[str]:
    """Stemmed content words of `text`."""
    return [stem(w) for w in content_words(words(text))]


_EN_MARKERS = frozenset("the my is it i you how what does doesnt dont cant wont with to and "
                        "not work working can where when why which password printer "
                        "hello hi hey thanks thank please bye goodbye".split())
_FR_MARKERS = frozenset("le la les mon ma mes est je tu il ne pas comment quoi marche plus "
                        "un une des du au aux avec sur pour mot passe imprimante ordi "
                        "fonctionne veux peux impossible bonjour bonsoir salut coucou merci "
                        "beaucoup revoir svp stp".split())


def detect_language(text: str, languages: list[str], default: str) -> str:
    """`en` or `fr` (whichever of the KB's `languages` the text looks like), else `default`."""
    if len(languages) == 1:
        return languages[0]
    tokens = words(text)
    en = sum(t in _EN_MARKERS for t in tokens)
    fr = sum(t in _FR_MARKERS for t in tokens)
    if re.search(r"[éèêàçùâîôû]", text.lower()) or re.search(r"\b(qu|j|l|d|n|c)'", text.lower()):
        fr += 2
    if fr > en and "fr" in languages:
        return "fr"
    if en > fr and "en" in languages:
        return "en"
    return default
