"""Remove personal data from a question before it leaves the machine.

    >>> scrub("mail jean.dupont@acme.fr from 10.1.2.3, call +33 6 12 34 56 78",
    ...       names=["Jean", "Dupont"])
    'mail <email> from <ip>, call <phone>'
    >>> scrub_or_drop("the laptop of Quintessa Brightwater is broken")
    ''

`scrub` replaces, in English and French: secrets (passwords typed in the question, API
tokens and cloud keys), URLs with or without a scheme, network paths (`\\\\server\\share`,
`//nas/share`), user folders, e-mail addresses (also written "name at company dot fr"),
IBANs, IP addresses, dates of birth (and any full date before 2000), passport and ID
numbers, salaries and amounts of money, ticket ids, postal addresses with postcodes,
logins (`DOMAIN\\user`, "my login is …", `j.doe`), employee and badge numbers, phone
extensions, card and phone numbers, machine and server names (`DESKTOP-7H3KQ2L`,
`SRVFIC02`, `prt-lyon-01`), people's names (after a title or "my colleague", common
given names with the surname that follows) and the user's own names (accents and case
ignored). What remains is lower-cased, single-spaced and cut to `MAX_LENGTH` characters.

`scrub_or_drop` returns "" for a question that still looks personal once scrubbed (it
held a password, or needed `DROP_AFTER_REPLACEMENTS` replacements or more, or still
has two capitalised words that no list knows, like a stranger's name): such a question
is not stored. The statistics use `scrub_or_drop`; the server runs `scrub` again on what
it receives.
"""
from __future__ import annotations

import re
import socket
import unicodedata
from typing import Callable, Iterable

from desktop.sync.scrub_lexicon import ACRONYMS, COMMON_WORDS, FIRST_NAMES, IT_WORDS, VENDORS, WORD_NAMES

MAX_LENGTH = 200
DROP_AFTER_REPLACEMENTS = 3
MAX_INPUT = 4 * MAX_LENGTH

_TLDS = (r"com|net|org|info|biz|local|lan|corp|intra|intranet|internal|int|priv|home|fr|de|be|ch|lu|nl|"
         r"es|it|pt|uk|ie|eu|us|ca|jp|cn|in|au|io|co|app|dev|cloud|online|site|tech|gouv|gov|edu")
_WORD = r"[^\W\d_][\w'’-]*"                         # a word starting with a letter
_DIGITS_AND_LETTERS = r"(?=[\w-]*\d)(?=[\w-]*[^\W\d_])"
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|december|"
           r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|janvier|f[ée]vrier|mars|avril|mai|juin|"
           r"juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre")
_MONEY = (r"(?:[$€£]\s?\d(?:[\d,.\u202f]|\s(?=\d))*(?:k\b)?|\d[\d,.\u202f]*(?:\s\d{3})*\s?(?:k€|k\$|k£|k\b|€|\$|£|"
          r"euros?\b|eur\b|dollars?\b|pounds?\b|livres?\b))")

_R = re.I


def _p(pattern: str, flags: int = _R) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _unless_common_word(placeholder: str) -> Callable[[re.Match[str]], str]:
    """A replacement that hides group 2 unless it is an ordinary word ("my login is locked").
    Right after the login word ("login failed") only a token that looks like a login goes:
    with a digit, a dot or an underscore, or after "my"/"mon" ("my login jdupont")."""
    def replace(match: re.Match[str]) -> str:
        token, before = match.group(2), _fold(match.string[max(0, match.start(2) - 40):match.start(2)])
        if _fold(token) in COMMON_WORDS or _fold(token) in IT_WORDS:
            return match.group(0)
        linked = re.search(r"(?:\bis|\bwas|\best|c'est|[:=]|\bof|\bde|named|called|nomme)\s*$", before)
        possessive = re.search(r"\b(?:my|his|her|their|mon|ma|son|sa|leur)\s+\S+(?:\s+\S+)?\s*$", before)
        if not (linked or possessive or re.search(r"[\d._]", token)):
            return match.group(0)
        return match.group(1) + placeholder
    return replace


def _unless_after_code_word(placeholder: str) -> Callable[[re.Match[str]], str]:
    """A replacement that keeps numbers right after "error", "code", "event", "build" or "KB":
    'erreur 80090016' is an error code, not a phone number."""
    def replace(match: re.Match[str]) -> str:
        before = _fold(match.string[max(0, match.start() - 24):match.start()])
        if re.search(r"\b(?:error|erreur|code|event|evenement|build|version|kb|id|status|statut)\s*[:#]?\s*$",
                     before):
            return match.group(0)
        return placeholder
    return replace


def _if_password_mentioned(placeholder: str) -> Callable[[re.Match[str]], str]:
    """A replacement for "I reset it to Blue-Moon-88": only in a question that speaks of a password."""
    def replace(match: re.Match[str]) -> str:
        if re.search(rf"\b{_PASSWORD_WORD}\b", match.string, re.I):
            return match.group(1) + placeholder
        return match.group(0)
    return replace


def _unless_after_vendor(placeholder: str) -> Callable[[re.Match[str]], str]:
    """A replacement that keeps a model number after its maker: 'Brother MFC-5890CN', 'Lexmark X4690'."""
    def replace(match: re.Match[str]) -> str:
        before = _fold(match.string[max(0, match.start() - 24):match.start()]).split()
        return match.group(0) if before and before[-1] in VENDORS else placeholder
    return replace


# A password: after the word, optional linking words, then the secret itself. After ":" or
# "=" anything is a secret; otherwise it must look like one (a digit, a symbol, a capital).
_PASSWORD_WORD = (r"(?:password|passwd|passphrase|pwd|pass|passcode|mot de passe|mdp|code wifi|wifi code|"
                  r"code pin|pin code|pin|code d'acc[eè]s|access code)")
_LOOKS_SECRET = r"(?=[^\s,;]*(?:\d|[^\w\s,;'’]\S|(?<=\w)(?-i:[A-Z])))[^\s,;]{4,}"
_SECRET_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (_p(rf"(\b{_PASSWORD_WORD}\s*(?:is|was|est|était|etait|c'est|)\s*[:=]\s*)(\S+)"), r"\1<password>"),
    (_p(rf"(\b{_PASSWORD_WORD}\b(?:\s+(?:is|was|est|était|c'est|i set|i typed|i use|set to|que j'ai mis|"
        rf"now|actuel|new|nouveau))*[\s,]+)({_LOOKS_SECRET})"), r"\1<password>"),
    (_p(rf"(\b{_PASSWORD_WORD}\s+(?:is|est|c'est)\s+)([A-Z]\S*(?:\s+[A-Z]\S*)*)", 0), r"\1<password>"),
    (_p(rf"(\b(?:changed|reset|set|updated|chang[ée]|mis|modifi[ée]|r[ée]initialis[ée])\s+(?:it|mine|him|le|la)?\s*"
        rf"(?:to|into|as|en|par|[àa])\s+)({_LOOKS_SECRET})"), _if_password_mentioned("<password>")),
    (_p(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{12,}\b", 0), "<token>"),
    (_p(r"\b(?:gh[pousr]_|github_pat_|glpat-|xox[abprse]-|sk-|sk_live_|rk_live_|pk_live_|AIza|ya29\.|"
        r"SG\.|npm_|pypi-)[\w.-]{10,}", 0), "<token>"),
    (_p(r"\beyJ[\w-]+\.[\w-]+(?:\.[\w-]+)?"), "<token>"),                                    # JWT
    (_p(r"(?<![\w/+=.-])(?=[\w+/=-]*\d)(?=[\w+/=-]*[a-z])[A-Za-z0-9+/_=-]{20,}(?![\w/+=-])"), "<token>"),
    (_p(r"(\b(?:api[ -]?key|token|jeton|secret|bearer|cl[ée](?: d'api| api| secr[eè]te)?|access key|"
        rf"secret key)\s*(?:is|est|:|=)?\s*)({_DIGITS_AND_LETTERS}[\w+/=.-]{{8,}})"), r"\1<token>"),
]

_ADDRESS_TAIL = rf"(?:,?\s+(?:{_WORD})){{0,2}}?,?\s*(?:\b\d{{5}}\b|[A-Z]{{1,2}}\d[A-Z\d]?\s?\d[A-Z]{{2}}\b|[A-Z]{{2}}\s\d{{5}}(?:-\d{{4}})?\b)(?:\s+[A-Z][\w'’-]+)?"
_LOCATION_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (_p(r"\b(?:https?|ftp|smb|file|sftp|ssh|rdp)://\S+"), "<url>"),
    (_p(r"\\\\[\w.$-]+(?:\\[\w.$ -]*[\w$])*\\?"), "<path>"),                                 # \\server\share
    (_p(r"(?<![:\w])//[\w.-]+(?:/[\w.$-]+)*/?"), "<path>"),                                   # //nas/share
    (_p(r"\b[a-z]:\\(?:users|documents and settings)\\[^\\\s]+"), "<path>"),
    (_p(r"(?:/home|/users)/[\w.-]+"), "<path>"),
    (_p(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"), "<email>"),
    (_p(rf"[\w.+'-]+\s*(?:[\[({{]\s*(?:at|arobase)\s*[\])}}]|\s(?:at|arobase|arrobase|chez)\s)\s*[\w-]+"
        rf"(?:\s*(?:\.|[\[({{]\s*(?:dot|point)\s*[\])}}]|\s(?:dot|point)\s)\s*[\w-]+)*"
        rf"\s*(?:\.|[\[({{]\s*(?:dot|point)\s*[\])}}]|\s(?:dot|point)\s)\s*(?:{_TLDS})\b(?![/.\w-])"), "<email>"),
    (_p(rf"\b(?:www\.)?(?:[a-z0-9-]+\.)+(?:{_TLDS})\b(?::\d+)?(?:/[^\s,;]*)?"), "<url>"),
    (_p(rf"\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|all[ée]e|impasse|chemin|"
        rf"place|quai|route|cours|square|passage|voie|r[ée]sidence|lotissement)\b(?:\s+(?!\d){_WORD}){{1,4}}"
        rf"(?:{_ADDRESS_TAIL})?"), "<address>"),
    (_p(rf"\b\d{{1,5}}\s+(?:{_WORD}\s+){{0,3}}(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|way|court|"
        rf"ct|boulevard|blvd|place|pl|terrace|close|crescent|square|kingsway|parkway|highway)\b\.?"
        rf"(?:{_ADDRESS_TAIL})?"), "<address>"),
]

_NUMBER_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (_p(r"\b[A-Z]{2}\d{2}(?:[ -]?(?=[A-Z0-9]{0,3}\d)[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b", 0), "<iban>"),
    (_p(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b"), "<ip>"),
    (_p(r"(?<![\w:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])"), "<ip>"),
    (_p(r"\b(?:INC|REQ|RITM|CHG|PRB|TASK|SCTASK|SR|RFC|WO|CASE|TKT|TICKET)[-_ ]?(?:\d{4}[-_])?\d{3,}\b"),
     "<ticket>"),
    (_p(r"(\b(?:tickets?|incidents?|demandes?|requests?|cases?|dossiers?|issues?|requ[eê]tes?)\s*"
        r"(?:(?:number|no\.?|n°|num[ée]ro|nr|#|id|:)\s*)*)#?\d{3,}\b"), r"\1<ticket>"),
    (_p(r"(?<![\w&])#\d{4,}\b"), "<ticket>"),
    (_p(rf"(\b(?:born|birth|dob|d\.o\.b\.?|n[ée]e?|naissance|birthday|anniversaire)\b[^.?!]{{0,30}}?)"
        rf"(?:\b\d{{1,2}}(?:er)?[\s/.-]+(?:\d{{1,2}}|{_MONTHS})[\s/.-]+\d{{2,4}}\b|\b(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}\b|"
        rf"\b(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}}\b)"), r"\1<birth date>"),
    (_p(rf"\b\d{{1,2}}(?:er)?[\s/.-]+(?:\d{{1,2}}|{_MONTHS})[\s/.-]+19\d{{2}}\b|\b19\d{{2}}-\d{{2}}-\d{{2}}\b|"
        rf"\b(?:{_MONTHS})\s+\d{{1,2}},?\s+19\d{{2}}\b"), "<date>"),
    (_p(r"(\b(?:passport|passeport|carte d'identit[ée]|identity card|id card|national id|cni|"
        r"s[ée]curit[ée] sociale|s[ée]cu|social security|ssn|nir|driving licen[cs]e|driver'?s licen[cs]e|"
        r"permis(?: de conduire)?|titre de s[ée]jour|residence permit|visa)\b\s*"
        r"(?:(?:number|num[ée]ro|no\.?|n°|nr|#|id|is|est|:|de|du|le|mon|my)\s*)*)"
        r"((?=[\w-]*\d)[A-Z0-9][A-Z0-9-]{4,20}[A-Z0-9])\b"), r"\1<id number>"),
    (_p(r"\b\d{2}[A-Z]{2}\d{5}\b|\b\d{3}-\d{2}-\d{4}\b", 0), "<id number>"),          # FR passport, US SSN
    (_p(rf"(\b(?:salary|salaries|salaire|pay|paid|wage|wages|earn|earns|make|income|r[ée]mun[ée]ration|"
        rf"gagne|touche|revenu|brut|net|gross|annual|annuel(?:le)?|per (?:year|month)|par (?:an|mois))\b"
        rf"[^.?!]{{0,25}}?)(?:{_MONEY}|\b\d{{1,3}}(?:[,.\s\u202f]\d{{3}})+\b|\b\d{{4,6}}\b|\b\d{{2,3}}k\b)"),
     r"\1<amount>"),
    (_p(_MONEY), "<amount>"),
    (_p(r"(\b(?:ext|extension|poste|internal number|num[ée]ro interne|ligne directe|direct line|tel|t[ée]l)"
        r"\.?(?:\s+(?:t[ée]l[ée]phonique|fixe|interne|phone|number|direct))?"
        r"\s*(?:(?:no\.?|n°|num[ée]ro|is|est|:|#)\s*)*)(?:\d{1,2}(?:[\s.]?\d{2}){1,3}|\d{2,6})\b"),
     r"\1<extension>"),
    (_p(r"\b(?-i:x)\d{3,5}\b"), _unless_after_vendor("<extension>")),
    (_p(r"(\b(?:employee|staff|personnel|badge|matricule|payroll|employ[ée]|salari[ée]|worker|agent)\s*"
        r"(?:(?:number|num[ée]ro|no\.?|n°|nr|#|id|code|is|est|:|c'est|le|de|mon|my)\s*)*)"
        r"([A-Z]{0,4}[-_]?\d[\d-]{2,}[A-Z0-9]*)\b"), r"\1<employee id>"),
    (_p(r"\b(?:EMP|EMPL|MAT|BDG|EID)[-_]?\d{3,}\b"), "<employee id>"),
    (_p(r"(?<!\w)(?:\d[ -]?){12,18}\d(?!\w)"), "<number>"),                               # cards, accounts
    (_p(r"(?<!\w)(?=(?:[^\d\s]?\s?\d){8})(?:\+|00)?\d[\d ().-]{6,18}\d(?!\w)"),
     _unless_after_code_word("<phone>")),
]

_LOGIN_WORD = (r"(?:login|log-in|logon|username|user name|user id|userid|user|account|compte|identifiant|"
               r"id de connexion|nom d'utilisateur|utilisateur|samaccountname|upn|trigramme)")
_HOST_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (_p(r"\b[A-Za-z][\w-]{1,15}\\[A-Za-z][\w.$-]+"), "<login>"),                             # DOMAIN\user
    (_p(r"\b(?:DESKTOP|LAPTOP|WIN|PC|WS|SRV|SVR|SERVER|VM|HOST|NB|LT|WKS)-[A-Z0-9]{3,15}(?:-[A-Z0-9]+)*\b"),
     _unless_after_vendor("<host>")),
    (_p(r"\b[A-Z]{2,}[A-Z0-9]*(?:-[A-Z0-9]+)*-\d{2,}[A-Z0-9]*\b", 0), _unless_after_vendor("<host>")),  # PC-ACME-0042
    (_p(r"\b(?:srv|svr|serv|fs|dc|sql|db|app|prt|print|nas|fic|file|filer|web|exch|mail|vm|host|pc|ws|ad)"
        r"(?:-?[a-z]+)*-?\d{1,4}[a-z0-9]*\b"), _unless_after_vendor("<host>")),                                   # SRVFIC02, fs01par
    (_p(r"\b(?=[\w-]*\d)[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}\b"), _unless_after_vendor("<host>")),           # prt-lyon-01
    (_p(rf"(\b(?:\w*serv(?:er|eur)s?|machine|poste|host|hostname|computer|ordinateur|pc|laptop|portable|"
        rf"vm|nas)\s+(?:(?:name|nom|named|nomm[ée]|is|est|:)\s*)*)({_DIGITS_AND_LETTERS}[\w-]{{5,}})"),
     r"\1<host>"),
    (_p(rf"(\b{_LOGIN_WORD}(?:\s+(?!is\b|est\b)[\w'’]+){{0,3}}?\s*(?:(?:is|was|est|c'est|of|de|named|called|nomm[ée])\b\s*|[:=]\s*)+)"
        r"([a-z][\w.-]{1,30}[a-z0-9])"), _unless_common_word("<login>")),
    (_p(r"(\b(?:login|log-in|logon|username|user name|user id|userid|identifiant|nom d'utilisateur|"
        r"samaccountname|trigramme)\s+)([a-z][\w.-]{1,30}[a-z0-9])"), _unless_common_word("<login>")),
    (_p(r"(?<![\w.@<])[a-z]\.[a-z][a-z-]{2,}\d*(?![\w.@>])|(?<![\w.@<])[a-z][a-z-]{2,}\.[a-z]\d*(?![\w.@>])"),
     "<login>"),
]

_TITLE = (r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|madam|monsieur|madame|mademoiselle|docteur|professeur|"
          r"mme|mlle|m\.)")
_RELATION = (r"colleague|coworker|co-worker|manager|boss|supervisor|assistant|intern|teammate|coll[eè]gue|"
             r"chef|cheffe|responsable|stagiaire|directeur|directrice|assistante|n\+1")
_ASKING = r"ask|tell|call|contact|email|demander|appeler|pr[ée]venir|contacter"   # both: then a capitalised word


def _fold(text: str) -> str:
    """Lower-case and strip accents: 'Élodie' -> 'elodie'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _bare(word: str) -> str:
    """'Smith's' -> 'smith', 'Dubois,' -> 'dubois'."""
    return _fold(re.sub(r"(?:['’]s)?[^\w]*$", "", word))


def _is_surname(word: str) -> bool:
    bare = _bare(word)
    return (len(bare) >= 2 and bare.isalpha() and bare not in COMMON_WORDS and bare not in IT_WORDS
            and bare not in ACRONYMS and not word.startswith("<"))


def _replace_names(text: str) -> str:
    """People: after a title ("Mme Rousseau"), a capitalised word after "my colleague" or "ask",
    and known given names with the surname that follows."""
    text = re.sub(rf"(?i)(?<!\w){_TITLE}\.?\s+(?!<)([^\W\d_][\w'’-]+)(?:\s+((?-i:[A-Z])[\w'’-]+))?",
                  lambda m: "<name>" if _is_surname(m.group(1)) else m.group(0), text)
    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        word, bare = words[i], _bare(words[i])
        capital = word[:1].isupper()
        previous = _fold(out[-1]).strip(",;") if out else ""
        mid_sentence = bool(out) and not re.search(r"[.!?:]$", out[-1])
        next_word = words[i + 1] if i + 1 < len(words) else ""
        next_is_surname = _is_surname(next_word)
        is_name = not word.startswith("<") and (
            bare in FIRST_NAMES
            or (bare in WORD_NAMES and capital and (mid_sentence or (next_is_surname and next_word[:1].isupper())))
            or (re.fullmatch(f"{_RELATION}|{_ASKING}", previous) is not None and capital and _is_surname(word)))
        if not is_name:
            out.append(word)
            i += 1
            continue
        if next_is_surname and (next_word[:1].isupper() or not capital or bare in FIRST_NAMES):
            i += 1                     # "Marie Dubois", "john smith's": the surname goes too
            word = words[i]
        out.append("<name>" + re.search(r"(?:['’]s)?[^\w]*$", word).group(0))
        i += 1
    return " ".join(out)


def _apply(text: str) -> str:
    """`text` with every piece of personal data replaced by a placeholder; case kept.
    Only the first `MAX_INPUT` characters are read: what is kept is cut to `MAX_LENGTH`
    anyway, and the time stays bounded on hostile input."""
    text = text[:MAX_INPUT]
    for patterns in (_SECRET_PATTERNS, _LOCATION_PATTERNS, _NUMBER_PATTERNS, _HOST_PATTERNS):
        for pattern, placeholder in patterns:
            text = pattern.sub(placeholder, text)
    return _replace_names(re.sub(r"\s+", " ", text).strip())


def _without_own_names(text: str, names: Iterable[str]) -> str:
    """Folded `text` with the user's own names (login, name parts, machine) replaced."""
    folded = _fold(text)
    for name in sorted({_fold(n) for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        folded = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "<name>", folded)
    return folded


def _finish(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:MAX_LENGTH]


def own_names() -> list[str]:
    """This user's login, full name parts and this machine's name, where the OS tells."""
    names: list[str] = []
    try:
        import getpass
        login = getpass.getuser()
        names.append(login)
        import pwd  # POSIX only
        gecos = pwd.getpwnam(login).pw_gecos.split(",")[0]
        names += gecos.split()
    except Exception:  # noqa: BLE001 - Windows, containers: fewer names, still scrubbed by pattern
        pass
    try:
        host = socket.gethostname()
        names += [host, host.split(".")[0]]
    except OSError:
        pass
    return [n for n in names if len(n) >= 2]


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """`text` without personal data; see the module docstring for what goes."""
    return _finish(_without_own_names(_apply(text), names))


def _still_personal(replaced: str) -> bool:
    """True when a scrubbed question (case kept) should not be stored at all."""
    if "<password>" in replaced or len(re.findall(r"<[a-z ]+>", replaced)) >= DROP_AFTER_REPLACEMENTS:
        return True
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", replaced) if len(w) >= 3][1:]
    if words and sum(w[0].isupper() for w in words) > len(words) / 2:
        return False                   # A Title Case Question: capitals say nothing about names
    for run in re.findall(r"(?<![\w<])[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*", replaced):
        pair = run.split()
        if len(pair) == 2 and all(_is_surname(w) and _bare(w) not in WORD_NAMES for w in pair) and (
                all(w[1:].islower() or w.isupper() for w in pair)):
            return True                # two capitalised words no list knows: likely a stranger's name
    return False


def scrub_or_drop(text: str, names: Iterable[str] = ()) -> str:
    """`scrub(text, names)`, or "" when the question still looks personal (see the module docstring)."""
    replaced = _apply(text)
    if _still_personal(replaced):
        return ""
    return _finish(_without_own_names(replaced, names))
