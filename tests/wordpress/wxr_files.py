"""Small WordPress exports written for the tests: a WXR document from a few keyword arguments,
with the namespaces and element names WordPress's own exporter uses."""

from xml.sax.saxutils import escape

NAMESPACES = {
    "1.0": "http://wordpress.org/export/1.0/",
    "1.1": "http://wordpress.org/export/1.1/",
    "1.2": "http://wordpress.org/export/1.2/",
}


def cdata(text: str) -> str:
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def author(login="ada", *, wp_id=1, email="ada@example.org", name="Ada Lovelace"):
    return (
        f"<wp:author><wp:author_id>{wp_id}</wp:author_id>"
        f"<wp:author_login>{cdata(login)}</wp:author_login>"
        f"<wp:author_email>{cdata(email)}</wp:author_email>"
        f"<wp:author_display_name>{cdata(name)}</wp:author_display_name>"
        "<wp:author_first_name></wp:author_first_name><wp:author_last_name></wp:author_last_name>"
        "</wp:author>"
    )


def comment(
    wp_id,
    *,
    parent=0,
    text="A thoughtful comment.",
    name="Guest Reader",
    email="guest@example.org",
    url="https://guest.example.org",
    approved="1",
    kind="",
    user_id=0,
    date_gmt="2019-05-13 09:00:00",
):
    return (
        f"<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>"
        f"<wp:comment_author>{cdata(name)}</wp:comment_author>"
        f"<wp:comment_author_email>{cdata(email)}</wp:comment_author_email>"
        f"<wp:comment_author_url>{escape(url)}</wp:comment_author_url>"
        "<wp:comment_author_IP>192.0.2.7</wp:comment_author_IP>"
        f"<wp:comment_date>{date_gmt}</wp:comment_date>"
        f"<wp:comment_date_gmt>{date_gmt}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(text)}</wp:comment_content>"
        f"<wp:comment_approved>{approved}</wp:comment_approved>"
        f"<wp:comment_type>{kind}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent>"
        f"<wp:comment_user_id>{user_id}</wp:comment_user_id>"
        "</wp:comment>"
    )


def item(
    wp_id,
    *,
    title="On moving house",
    slug=None,
    body="<p>First paragraph.</p>",
    excerpt="",
    kind="post",
    status="publish",
    date="2019-05-12 14:03:00",
    date_gmt="2019-05-12 13:03:00",
    creator="ada",
    comment_status="open",
    categories=(),
    tags=(),
    comments=(),
    meta=None,
    link=None,
    password="",
    attachment_url="",
):
    slug = slug if slug is not None else f"post-{wp_id}"
    link = link or f"https://old.example.org/{date[:4]}/{date[5:7]}/{slug}/"
    terms = "".join(
        f'<category domain="category" nicename="{escape(s)}">{cdata(n)}</category>'
        for s, n in categories
    ) + "".join(
        f'<category domain="post_tag" nicename="{escape(s)}">{cdata(n)}</category>' for s, n in tags
    )
    metas = "".join(
        f"<wp:postmeta><wp:meta_key>{cdata(k)}</wp:meta_key>"
        f"<wp:meta_value>{cdata(v)}</wp:meta_value></wp:postmeta>"
        for k, v in (meta or {}).items()
    )
    attachment = (
        f"<wp:attachment_url>{escape(attachment_url)}</wp:attachment_url>" if attachment_url else ""
    )
    return (
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
        "<pubDate>Sun, 12 May 2019 13:03:00 +0000</pubDate>"
        f"<dc:creator>{cdata(creator)}</dc:creator>"
        f'<guid isPermaLink="false">https://old.example.org/?p={wp_id}</guid>'
        "<description></description>"
        f"<content:encoded>{cdata(body)}</content:encoded>"
        f"<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>"
        f"<wp:post_id>{wp_id}</wp:post_id>"
        f"<wp:post_date>{cdata(date)}</wp:post_date>"
        f"<wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt>"
        f"<wp:comment_status>{cdata(comment_status)}</wp:comment_status>"
        "<wp:ping_status>open</wp:ping_status>"
        f"<wp:post_name>{cdata(slug)}</wp:post_name>"
        f"<wp:status>{cdata(status)}</wp:status>"
        "<wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>"
        f"<wp:post_type>{cdata(kind)}</wp:post_type>"
        f"<wp:post_password>{cdata(password)}</wp:post_password>"
        "<wp:is_sticky>0</wp:is_sticky>"
        f"{attachment}{terms}{metas}{''.join(comments)}</item>"
    )


def export(*parts, version="1.2", site="https://old.example.org", head=""):
    wp = NAMESPACES[version]
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        f"{head}"
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:wp="{wp}">\n<channel><title>Old blog</title><link>{site}</link>'
        "<description>Essays</description><language>en-GB</language>"
        f"<wp:wxr_version>{version}</wp:wxr_version>"
        f"<wp:base_site_url>{site}</wp:base_site_url><wp:base_blog_url>{site}</wp:base_blog_url>"
        f"{''.join(parts)}</channel></rss>\n"
    )
