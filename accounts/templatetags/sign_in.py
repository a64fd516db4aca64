from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def use_sign_in_forms(context) -> str:
    """Ask the layout to render the page-level sign-in forms (see accounts/_sign_in_forms.html).

    Only pages showing a sign-in fragment get them, so that other anonymous pages stay free of
    CSRF tokens and cookies (and cacheable).
    """
    request = context.get("request")
    if request is not None:
        request.lectern_sign_in_forms = True
    return ""
