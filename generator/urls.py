"""Ids, page paths and links: the one place that knows where every page lives."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .chars import bad_character

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Matched in full (`\Z`, not `$`, which also matches before a final newline): an id ends
# where the text ends.
ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
MAX_ID_LENGTH = 64

RESERVED_IDS = frozenset(
    {"index", "briefs", "actors", "glossary", "timeline", "tags", "search", "assets", "feed", "404",
     "stories", "corrections", "pagefind", "page"}
    | {"con", "nul", "aux", "prn"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)

ALLOWED_LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_HOST_RE = re.compile(r"^https?://[^/?#]+", re.IGNORECASE)
# On top of the character rules every text obeys (chars.bad_character: controls, C1
# included, invisible and bidi characters, noncharacters): what ends or quotes a URL.
_URL_FORBIDDEN = re.compile(r"[\s<>\"'`\\]")


@dataclass(frozen=True)
class SiteConfig:
    """What the generator needs to know about the site as a whole."""

    site_name: str
    site_url: str  # absolute and ending with "/", or "" when unknown

    @classmethod
    def of(cls, site_name: str, site_url: str | None) -> SiteConfig:
        url = site_url or ""
        return cls(site_name, url if not url or url.endswith("/") else url + "/")


class Kind(StrEnum):
    BRIEF = "brief"
    ACTOR = "actor"
    TERM = "term"
    STORY = "story"


SECTION = {Kind.BRIEF: "briefs", Kind.ACTOR: "actors", Kind.TERM: "glossary",
           Kind.STORY: "stories"}

# Site sections, as docs-relative Markdown paths.
HOME = "index.md"
BRIEFS_INDEX = "briefs/index.md"
ACTORS_INDEX = "actors/index.md"
GLOSSARY_INDEX = "glossary/index.md"
TAGS_SECTION = "tags"
TAGS_INDEX = "tags/index.md"
TIMELINE_SECTION = "timeline"
TIMELINE = "timeline/index.md"
GUIDE = "contribute/index.md"
STORIES_INDEX = "stories/index.md"
CORRECTIONS = "corrections/index.md"
FEED = "feed.xml"
# Every other feed sits in one folder, named by what it follows: feeds/story-<id>.xml,
# feeds/actor-<id>.xml, feeds/tag-<tag>.xml, feeds/corrections.xml. One folder, because
# Material's theme probes `sitemap.xml` beside the target of every <link rel="alternate">
# of a page (for alternate languages): FEEDS_SITEMAP answers that probe with an empty
# sitemap, where a feed in each page's folder would cost a 404 on every page view.
FEEDS_DIR = "feeds"
CORRECTIONS_FEED = f"{FEEDS_DIR}/corrections.xml"
FEEDS_SITEMAP = f"{FEEDS_DIR}/sitemap.xml"
EMPTY_SITEMAP = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n')
_FEED_PREFIX = {SECTION[Kind.STORY]: "story", SECTION[Kind.ACTOR]: "actor", TAGS_SECTION: "tag"}
_FEED_SECTION = {prefix: section for section, prefix in _FEED_PREFIX.items()}


def id_problem(entity_id: str) -> tuple[str, str] | None:
    """(code, message) when `entity_id` cannot be an id, else None."""
    if len(entity_id) > MAX_ID_LENGTH:
        return "bad-id", f"id '{entity_id}' is longer than {MAX_ID_LENGTH} characters"
    if not ID_RE.match(entity_id):  # anchored at the start by match(), at the end by \Z
        return ("bad-id", f"id '{entity_id}' must be lowercase letters and digits "
                          "separated by single hyphens")
    if entity_id in RESERVED_IDS:
        return "reserved-id", f"id '{entity_id}' is reserved (a site section or device name)"
    return None


def fold_id(name: str) -> str:
    """The form two file names share when they would collide on some file system."""
    return unicodedata.normalize("NFC", name).casefold()


# The layout: every page is the `index.md` of its own folder (`briefs/<id>/index.md`,
# `tags/<tag>/index.md`, `briefs/page/2/index.md`), so its Markdown file sits where its
# URL is (`briefs/<id>/`). Every engine then resolves a relative link in the page the same
# way: MkDocs against the page's URL, Zensical against the Markdown file's folder (with
# `<section>/<id>.md` it added a `../` to every link of a non-index page). MkDocs' output
# is the same either way, since the URLs are.
INDEX_PAGE = "index.md"


def folder_page(folder: str) -> str:
    """The page whose URL is `folder`/ (docs-relative, no trailing slash)."""
    return f"{folder}/{INDEX_PAGE}" if folder else INDEX_PAGE


def page_folder(path: str) -> str:
    """The reverse of folder_page: `briefs/x/index.md` -> `briefs/x`; `index.md` -> ``."""
    if path == INDEX_PAGE:
        return ""
    return path.removesuffix(f"/{INDEX_PAGE}")


def page_path(kind: Kind, entity_id: str) -> str:
    return folder_page(f"{SECTION[kind]}/{entity_id}")


def page_owner(path: str, known_ids: Mapping[str, Kind]) -> tuple[Kind, str] | None:
    """The reverse of page_path: the entity whose own page `path` is, if any."""
    entity_id = page_folder(path).partition("/")[2]
    kind = known_ids.get(entity_id)
    if kind is not None and page_path(kind, entity_id) == path:
        return kind, entity_id
    return None


def tag_path(tag: str) -> str:
    return folder_page(f"{TAGS_SECTION}/{tag}")


def feed_path(page: str) -> str:
    """The Atom feed that follows page `page` (a story, an actor, a tag, the corrections):
    stories/<id>/index.md -> feeds/story-<id>.xml, tags/<tag>/index.md -> feeds/tag-<tag>.xml."""
    if page == CORRECTIONS:
        return CORRECTIONS_FEED
    section, _, name = page_folder(page).partition("/")
    return f"{FEEDS_DIR}/{_FEED_PREFIX[section]}-{name}.xml"


def feed_owner(path: str) -> tuple[str, str] | None:
    """The reverse of feed_path for a story's, an actor's or a tag's feed: (section, id)."""
    folder, _, name = path.partition("/")
    prefix, _, key = name.removesuffix(".xml").partition("-")
    if folder == FEEDS_DIR and name.endswith(".xml") and prefix in _FEED_SECTION \
            and ID_RE.match(key):
        return _FEED_SECTION[prefix], key
    return None


def feed_page(path: str) -> str:
    """The page a feed follows (its `<link rel="alternate">` and "Follow" link)."""
    if path == CORRECTIONS_FEED:
        return CORRECTIONS
    if path == FEED:
        return HOME
    section, key = feed_owner(path) or ("", "")
    return folder_page(f"{section}/{key}")


def timeline_year_path(year: int) -> str:
    return folder_page(f"{TIMELINE_SECTION}/{year}")


# A paginated listing: page 1 at its own path, page n at `<its folder>/page/<n>/index.md`
# (briefs/page/2/, tags/<tag>/page/2/, timeline/<year>/page/2/, actors/<id>/briefs/page/2/).
# "page" is a reserved id, so no entity's page is one of them.
PAGE_FOLDER = "page"
_PAGE_NUMBER_RE = re.compile(r"[1-9][0-9]*\Z")


def numbered_path(first: str, number: int) -> str:
    """Page `number` (from 1) of the listing whose first page is `first`."""
    if number == 1:
        return first
    return folder_page(f"{page_folder(first)}/{PAGE_FOLDER}/{number}")


def numbered_first(path: str) -> tuple[str, int]:
    """The reverse of numbered_path: (first page, number); (path, 1) for any other page."""
    stem, sep, number = page_folder(path).rpartition(f"/{PAGE_FOLDER}/")
    if not sep or not path.endswith(f"/{INDEX_PAGE}") or not _PAGE_NUMBER_RE.match(number) \
            or int(number) < 2:
        return path, 1
    return folder_page(stem), int(number)


# The full lists an actor's or term's own page shows the newest few of, by name.
MENTIONS_LIST = "briefs"  # the briefs an actor appears in or a term is used in
EVENTS_LIST = "events"  # an actor's timeline events


def mentions_path(kind: Kind, entity_id: str) -> str:
    """The full list of the briefs an actor appears in or a term is used in (page 1)."""
    return folder_page(f"{SECTION[kind]}/{entity_id}/{MENTIONS_LIST}")


def events_path(actor_id: str) -> str:
    """The full list of an actor's timeline events (page 1)."""
    return folder_page(f"{SECTION[Kind.ACTOR]}/{actor_id}/{EVENTS_LIST}")


def list_owner(path: str) -> tuple[str, str] | None:
    """The reverse of mentions_path and events_path: (entity id, list name), if any."""
    if not path.endswith(f"/{INDEX_PAGE}"):
        return None
    section, _, name = page_folder(path).partition("/")
    owner, slash, rest = name.partition("/")
    lists = {SECTION[Kind.ACTOR]: (MENTIONS_LIST, EVENTS_LIST), SECTION[Kind.TERM]: (MENTIONS_LIST,)}
    if slash and rest in lists.get(section, ()) and ID_RE.match(owner):
        return owner, rest
    return None


def page_url(path: str) -> str:
    """The directory URL MkDocs gives a Markdown page (use_directory_urls), relative to the root."""
    if not path.endswith(".md"):
        return path
    stem = path[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(from_page: str, to: str, anchor: str = "") -> str:
    """A link from page `from_page` to page or file `to` (both docs-relative paths)."""
    depth = page_url(from_page).count("/")
    target = page_url(to)
    rel = "../" * depth + target if depth or target else "./"
    return rel + (f"#{anchor}" if anchor else "")


def link_scheme_problem(url: str, schemes: tuple[str, ...] = ALLOWED_LINK_SCHEMES) -> str | None:
    """Why `url` may not be used as a link target, or None when it may."""
    if not url or _URL_FORBIDDEN.search(url) or bad_character(url, multiline=False):
        return ("a URL must not be empty or hold spaces, quotes, backslashes, control or "
                "invisible characters")
    match = _SCHEME_RE.match(url)
    if match is None or match.group(1).lower() not in schemes:
        return f"only {', '.join(s + ':' for s in schemes)} URLs are allowed"
    if match.group(1).lower() in ("http", "https") and not _HOST_RE.match(url):
        return "an http(s) URL needs a host"
    return None
