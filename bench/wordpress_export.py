# ruff: noqa: E501 (the XML written reads better one element to a line)
"""Writes a realistic WordPress export (WXR 1.2), streamed to disk, of any size.

    python -m bench.wordpress_export out.xml --comments 400            # a few hundred comments
    python -m bench.wordpress_export big.xml --megabytes 200           # the memory benchmark's

What an association's blog of some years holds: authors, categories and tags, posts written in
the classic editor (blank-line paragraphs, [caption], bare embed URLs) and in the block editor
(<!-- wp:… --> comments), accented and non-Latin text, a page or two, image attachments, and
comments in threads up to eight replies deep, most approved, some held, spam, trashed, and a few
pingbacks. Deterministic: the same arguments write the same file."""

import argparse
import random
from xml.sax.saxutils import escape

WORDS = [
    "practice",
    "members",
    "association",
    "evidence",
    "clinical",
    "standards",
    "review",
    "policy",
    "patient",
    "care",
    "learning",
    "community",
    "annual",
    "meeting",
    "survey",
    "results",
    "guidance",
    "training",
    "research",
    "ethics",
    "board",
    "committee",
    "report",
    "budget",
    "volunteer",
    "workshop",
    "conference",
    "mentor",
    "career",
    "growth",
    "quality",
    "data",
]
ACCENTED = [
    "café",
    "naïve",
    "Zürich",
    "São Paulo",
    "Ελληνικά",
    "日本語の文章",
    "Кириллица",
    "עברית",
]
NAMES = ["Amira Haddad", "Ben Okafor", "Chloé Martin", "Dmitri Ivanov", "Emma Lindqvist",
         "Farid Rahman", "Grace Liu", "Hiro Tanaka", "Isabel Costa", "Jonas Weber"]  # fmt: skip
SITE = "https://blog.association.example"
AUTHORS = [("editor", 1, "Pat Editor"), ("maria", 2, "Maria Gómez"), ("sam", 3, "Sam Patel")]
COMMENT_STATUSES = ["1"] * 85 + ["0"] * 7 + ["spam"] * 5 + ["trash"] * 3


def cdata(text) -> str:
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng, words=12) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    if rng.random() < 0.15:
        chosen.insert(rng.randrange(len(chosen)), rng.choice(ACCENTED))
    return " ".join(chosen).capitalize() + "."


def paragraph(rng) -> str:
    return " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 6)))


def image(rng, post_id, n) -> str:
    url = f"{SITE}/wp-content/uploads/2019/{post_id % 12 + 1:02d}/photo-{post_id}-{n}.jpg"
    return f'<img class="size-large" src="{url}" alt="{escape(sentence(rng, 4))}" width="800" height="533" />'


def classic_body(rng, post_id) -> str:
    parts = [paragraph(rng) for _ in range(rng.randint(4, 10))]
    parts.insert(2, f'[caption id="attachment_{post_id}" width="800"]{image(rng, post_id, 1)} '
                    f"{sentence(rng, 6)}[/caption]")  # fmt: skip
    parts.insert(4, "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    parts.insert(1, f"<blockquote>{sentence(rng)}\n<cite>{rng.choice(NAMES)}</cite></blockquote>")
    parts.append(
        "<ul>\n<li>" + "</li>\n<li>".join(sentence(rng, 5) for _ in range(3)) + "</li>\n</ul>"
    )
    return "\n\n".join(parts)


def block_body(rng, post_id) -> str:
    blocks = []
    for n in range(rng.randint(4, 10)):
        blocks.append(f"<!-- wp:paragraph -->\n<p>{paragraph(rng)}</p>\n<!-- /wp:paragraph -->")
        if n == 1:
            blocks.append(f"<!-- wp:heading -->\n<h2>{sentence(rng, 4)}</h2>\n<!-- /wp:heading -->")
        if n == 2:
            blocks.append(
                '<!-- wp:image {"id":1} -->\n<figure class="wp-block-image">'
                f"{image(rng, post_id, 2)}<figcaption>{sentence(rng, 5)}</figcaption></figure>\n"
                "<!-- /wp:image -->"
            )
    blocks.append("<!-- wp:table --><figure class=\"wp-block-table\"><table><tbody><tr><td>Year"
                  "</td><td>Members</td></tr><tr><td>2019</td><td>1,204</td></tr></tbody></table>"
                  "</figure><!-- /wp:table -->")  # fmt: skip
    return "\n\n".join(blocks)


def comment_xml(rng, comment_id, parent, day) -> str:
    name = rng.choice(NAMES)
    kind = "pingback" if rng.random() < 0.02 else ""
    user_id = AUTHORS[rng.randrange(3)][1] if rng.random() < 0.05 else 0
    text = " ".join(sentence(rng, rng.randint(6, 16)) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.2:
        text += "\n\n" + paragraph(rng)
    if rng.random() < 0.2:
        text = f"<blockquote>{sentence(rng)}</blockquote>\n\n" + text
    if rng.random() < 0.2:
        text += ' See <a href="https://example.org/reading" rel="nofollow">this reading</a>.'
    date = f"2019-{day // 28 % 12 + 1:02d}-{day % 28 + 1:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
    return (
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
        f"<wp:comment_author>{cdata(name)}</wp:comment_author>"
        f"<wp:comment_author_email>{cdata(name.split()[0].lower() + '@example.org')}</wp:comment_author_email>"
        f"<wp:comment_author_url>https://example.org/~{comment_id}</wp:comment_author_url>"
        f"<wp:comment_author_IP>{cdata('192.0.2.' + str(comment_id % 250))}</wp:comment_author_IP>"
        f"<wp:comment_date>{cdata(date)}</wp:comment_date>"
        f"<wp:comment_date_gmt>{cdata(date)}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(text)}</wp:comment_content>"
        f"<wp:comment_approved>{cdata(rng.choice(COMMENT_STATUSES))}</wp:comment_approved>"
        f"<wp:comment_type>{cdata(kind)}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent>"
        f"<wp:comment_user_id>{user_id}</wp:comment_user_id></wp:comment>"
    )


def item_xml(rng, post_id, *, comments, first_comment_id, kind="post") -> str:
    title = sentence(rng, rng.randint(3, 8)).rstrip(".")
    slug = f"{'-'.join(title.lower().split()[:6])}-{post_id}"
    day = post_id % 336
    date = f"2019-{day // 28 + 1:02d}-{day % 28 + 1:02d} 10:{post_id % 60:02d}:00"
    status = "publish" if rng.random() < 0.92 else rng.choice(["draft", "future", "private"])
    body = (classic_body if post_id % 2 else block_body)(rng, post_id)
    ids, xml_comments = [], []
    for n in range(comments):
        comment_id = first_comment_id + n
        # Threads: most comments answer the post, the rest answer a recent comment.
        parent = rng.choice(ids[-8:]) if ids and rng.random() < 0.45 else 0
        ids.append(comment_id)
        xml_comments.append(comment_xml(rng, comment_id, parent, day))
    terms = (
        f'<category domain="category" nicename="cat-{post_id % 7}">{cdata(f"Category {post_id % 7}")}</category>'
        f'<category domain="post_tag" nicename="tag-{post_id % 23}">{cdata(f"Tag {post_id % 23}")}</category>'
    )
    return (
        f"<item><title>{escape(title)}</title><link>{SITE}/{date[:4]}/{date[5:7]}/{slug}/</link>"
        f"<pubDate>Mon, 01 Jan 2019 10:00:00 +0000</pubDate><dc:creator>{cdata(AUTHORS[post_id % 3][0])}</dc:creator>"
        f'<guid isPermaLink="false">{SITE}/?p={post_id}</guid><description></description>'
        f"<content:encoded>{cdata(body)}</content:encoded>"
        f"<excerpt:encoded>{cdata(sentence(rng) if post_id % 3 == 0 else '')}</excerpt:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_date>{cdata(date)}</wp:post_date>"
        f"<wp:post_date_gmt>{cdata(date if status != 'draft' else '0000-00-00 00:00:00')}</wp:post_date_gmt>"
        f"<wp:comment_status>{cdata('open' if post_id % 5 else 'closed')}</wp:comment_status>"
        f"<wp:ping_status>{cdata('open')}</wp:ping_status><wp:post_name>{cdata(slug)}</wp:post_name>"
        f"<wp:status>{cdata(status)}</wp:status><wp:post_parent>0</wp:post_parent>"
        f"<wp:menu_order>0</wp:menu_order><wp:post_type>{cdata(kind)}</wp:post_type>"
        f"<wp:post_password>{cdata('')}</wp:post_password><wp:is_sticky>0</wp:is_sticky>"
        f"{terms}{''.join(xml_comments)}</item>\n"
    )


def write_export(stream, *, comments: int, comments_per_post: int = 100, seed: int = 2019) -> None:
    """Write an export with `comments` comments in all to a text stream."""
    rng = random.Random(seed)
    stream.write(
        '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Association blog</title>'
        f"<link>{SITE}</link><description>Essays</description><language>en-GB</language>"
        f"<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{SITE}</wp:base_site_url>"
        f"<wp:base_blog_url>{SITE}</wp:base_blog_url>\n"
    )
    for login, wp_id, name in AUTHORS:
        stream.write(
            f"<wp:author><wp:author_id>{wp_id}</wp:author_id><wp:author_login>{cdata(login)}"
            f"</wp:author_login><wp:author_email>{cdata(login + '@association.example')}"
            f"</wp:author_email><wp:author_display_name>{cdata(name)}</wp:author_display_name>"
            "<wp:author_first_name></wp:author_first_name><wp:author_last_name></wp:author_last_name>"
            "</wp:author>\n"
        )
    stream.write(item_xml(rng, 1, comments=0, first_comment_id=0, kind="page"))
    post_id, comment_id, left = 10, 1, comments
    while left > 0:
        count = min(left, max(1, int(rng.gauss(comments_per_post, comments_per_post / 3))))
        stream.write(item_xml(rng, post_id, comments=count, first_comment_id=comment_id))
        post_id, comment_id, left = post_id + 1, comment_id + count, left - count
    stream.write("</channel></rss>\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--comments", type=int, default=400)
    parser.add_argument("--megabytes", type=int, help="instead of --comments: about this size")
    args = parser.parse_args()
    # About a kilobyte of export per comment, with its share of the posts.
    comments = args.megabytes * 1000 if args.megabytes else args.comments
    with open(args.path, "w", encoding="utf-8") as stream:
        write_export(stream, comments=comments)


if __name__ == "__main__":
    main()
