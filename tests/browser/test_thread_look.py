"""The comment thread reads like a conversation: no boxes, light rules, and a deep reply still
has most of a phone's width. Screenshots at 375 and 1280 px of a thread five levels deep."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import make_comment, make_post, make_user

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ["Priya Raman", "Tomasz Wójcik", "Leila Haddad", "Ama Mensah", "Jonas Berg"]
LINES = [
    "We turned half of the alarms off on nights and nobody missed them.",
    "Which half? The choice matters more than the number, in my experience.",
    "The ones nobody had ever answered in under five minutes: we counted for a month.",
    "Counting first is the part most units skip. Did the night staff agree with the list?",
    "Mostly. Two alarms came back after a week, and we were glad they did.",
]


@pytest.fixture
def deep_thread():
    post = make_post(title="Alarm fatigue is a design problem")
    parent = None
    chain = []
    for name, line in zip(NAMES, LINES, strict=True):
        parent = make_comment(
            post=post, author=make_user(display_name=name), parent=parent, body=line
        )
        chain.append(parent)
    make_comment(post=post, author=make_user(display_name="Sam Okoro"), body="A thread apart.")
    return post, chain


@pytest.mark.parametrize("width", [375, 1280])
def test_a_five_level_thread_keeps_its_text_readable_at_every_width(
    page, screenshot, deep_thread, width
):
    post, chain = deep_thread
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(post.get_absolute_url())
    deepest = page.locator(f"#comment-{chain[-1].pk}")
    assert (
        deepest.locator("xpath=ancestor::ol[@class='comment__replies']").count() == 4
    )  # 5th level
    screenshot(page, f"comments-thread-5-levels-{width}")

    text = deepest.locator(".comment__text").bounding_box()
    top = page.locator(f"#comment-{chain[0].pk} > .comment__card .comment__text").bounding_box()
    if width == 375:
        assert text["width"] >= 260
    # Indentation grows for two levels, then only a thin rule marks the deeper ones.
    assert text["x"] - top["x"] <= 90
    blocking = [
        v["id"]
        for v in Axe().run(page).response["violations"]
        if v["impact"] in {"critical", "serious"}
    ]
    assert blocking == []


def test_comments_are_not_boxed_but_separated_by_light_rules(page, deep_thread):
    post, chain = deep_thread
    page.goto(post.get_absolute_url())
    card = page.locator(f"#comment-{chain[0].pk} > .comment__card")
    assert card.evaluate("(el) => getComputedStyle(el).borderTopStyle") == "none"
    second = page.locator(".comment-list > .comment").nth(1)
    assert second.evaluate("(el) => getComputedStyle(el).borderTopWidth") == "1px"
