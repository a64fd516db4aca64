"""Unit: how a member is named to others."""

from accounts.models import User


def test_member_without_any_name_gets_a_neutral_label_not_their_username():
    label = User(pk=7, username="elena.rossi").get_display_name()

    assert label.startswith("Member ")
    assert "elena" not in label.lower()


def test_neutral_label_is_the_same_wherever_the_member_is_built_from():
    # The comment thread builds members from a few columns, without their primary key.
    assert User(username="u-1").get_display_name() == User(pk=3, username="u-1").get_display_name()
    assert User(username="u-1").get_display_name() != User(username="u-2").get_display_name()


def test_chosen_or_provider_name_comes_before_the_label():
    assert User(username="u-1", display_name="Elena", first_name="E").get_display_name() == "Elena"
    assert User(username="u-1", first_name="Ada", last_name="Okafor").get_display_name() == (
        "Ada Okafor"
    )
