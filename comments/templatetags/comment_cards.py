"""{% comment_card node %}: the comment card (comments/render.py) inside Django templates."""

from django import template

from comments.render import render_card

register = template.Library()


@register.simple_tag
def comment_card(node):
    """The card of one prepared comment (a comments.tree.Node); runs no queries."""
    return render_card(node)
