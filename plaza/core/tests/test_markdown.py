"""The two Markdown profiles: rich for pages officials write, strict for comments anyone writes."""

import re

import pytest

from plaza.core.markdown import render_comment_markdown, render_markdown


def test_comments_keep_paragraphs_emphasis_lists_code_and_quotes():
    html = render_comment_markdown("We need **more** *trees*\n\n- oaks\n- limes\n\n> said someone\n\n`x = 1`")
    for fragment in ("<strong>more</strong>", "<em>trees</em>", "<li>oaks</li>", "<blockquote>", "<code>x = 1</code>"):
        assert fragment in html


def test_comment_links_are_marked_user_generated_and_not_followed():
    html = render_comment_markdown("See [the plan](https://paris.example/plan) or <https://a.example/>")
    assert '<a href="https://paris.example/plan" rel="nofollow ugc noopener noreferrer">the plan</a>' in html
    assert html.count('rel="nofollow ugc noopener noreferrer"') == 2


@pytest.mark.parametrize(
    "text",
    [
        "![pixel](https://track.example/p.gif)",
        "![pixel][1]\n\n[1]: https://track.example/p.gif",
        '<img src="https://track.example/p.gif">',
        '<p><img src="https://track.example/p.gif"></p>',
    ],
)
def test_comments_never_load_an_image(text):
    assert "<img" not in render_comment_markdown(text)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<div onclick="alert(1)">click</div>',
        '<a href="https://x.example" onmouseover="alert(1)">x</a>',
        "<iframe src='https://x.example'></iframe>",
        "<!-- hidden -->",
    ],
)
def test_raw_html_in_a_comment_is_shown_as_text(text):
    html = render_comment_markdown(text)
    assert "<script" not in html and "<div" not in html and "<iframe" not in html and "<!--" not in html
    assert not re.search(r"<[a-z]+[^>]*\son\w+=", html)  # no real tag carries an event handler
    assert "&lt;" in html  # what the resident typed is visible, not interpreted


def test_comment_links_to_scripts_lose_their_address():
    html = render_comment_markdown("[win](javascript:alert(1)) [data](data:text/html,hi)")
    assert "javascript:" not in html and "data:" not in html


def test_headings_in_a_comment_stay_text():
    html = render_comment_markdown("# Shouting\n\nTitle\n=====")
    assert "<h1" not in html and "# Shouting" in html


def test_pages_keep_the_rich_profile():
    html = render_markdown("# Plan\n\n![map](/media/map.png)\n\n<script>alert(1)</script>")
    assert "<h1>Plan</h1>" in html and '<img alt="map" src="/media/map.png">' in html
    assert "<script" not in html
