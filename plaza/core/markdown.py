"""Safe Markdown: rendered, then sanitised with nh3 so no script reaches a page.

Two profiles: pages written by officials keep the richer one (headings, tables, images);
comments written by anyone get a strict one (no images, no raw HTML, so no tracking pixels).
"""

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

COMMENT_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "code", "pre", "blockquote"}
COMMENT_LINK_REL = "nofollow ugc noopener noreferrer"
COMMENT_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Pages: the rich profile."""
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return mark_safe(nh3.clean(html, link_rel="noopener noreferrer nofollow"))  # noqa: S308 - nh3 sanitised it


def _comment_parser() -> md.Markdown:
    parser = md.Markdown(extensions=["sane_lists", "fenced_code"], output_format="html")
    # Raw HTML in a comment is not markup: it is shown as the text the resident typed.
    parser.preprocessors.deregister("html_block")
    parser.inlinePatterns.deregister("html")
    # An image would load from anyone's server as the page is read; a heading would shout. Both stay text.
    for name in ("image_link", "image_reference", "short_image_ref"):
        parser.inlinePatterns.deregister(name)
    for name in ("hashheader", "setextheader", "hr"):
        parser.parser.blockprocessors.deregister(name)
    return parser


def render_comment_markdown(text: str) -> SafeString:
    """Comments: paragraphs, emphasis, lists, links (rel=nofollow ugc), code and quotes; nothing else."""
    html = _comment_parser().convert(text or "")
    cleaned = nh3.clean(
        html,
        tags=COMMENT_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes=COMMENT_URL_SCHEMES,
        link_rel=COMMENT_LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 sanitised it
