import pytest
from django import forms
from django.utils.safestring import mark_safe

from comments.forms import CommentForm, FastCheckboxInput, FastHiddenInput, FastTextarea

ATTRS = [
    None,
    {"id": "id_body", "required": True, "aria-invalid": "true", "aria-describedby": "id_help"},
    {"id": 'say "<hi>" & go', "disabled": False, "data-x": mark_safe("&amp;")},
    # Equal as keys (True == 1), not as markup: an empty field's markup is kept per process.
    {"required": True},
    {"required": 1},
]
VALUES = [None, "", "plain", "a <b>\"quoted\"</b> & 'more'\r\nnext", 0, 42, True, False]


@pytest.mark.parametrize(
    ("fast", "django_widget"),
    [
        (FastTextarea, forms.Textarea),
        (FastHiddenInput, forms.HiddenInput),
        (FastCheckboxInput, forms.CheckboxInput),
    ],
)
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", VALUES)
def test_template_free_widgets_write_exactly_what_djangos_templates_write(
    fast, django_widget, attrs, value
):
    expected = django_widget(attrs={"rows": 6}).render("body", value, attrs=attrs)

    assert fast(attrs={"rows": 6}).render("body", value, attrs=attrs) == expected


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"body": "", "parent": "x", "token": "not-a-uuid"},
        {"body": "<b>bold</b>", "parent": "3", "notify": "on", "follow": "on"},
    ],
)
def test_comment_form_fields_render_as_with_djangos_stock_widgets(data):
    class StockCommentForm(CommentForm):
        pass

    stock = StockCommentForm(data) if data is not None else StockCommentForm()
    for name, widget in [
        ("body", forms.Textarea(attrs={"rows": 6})),
        ("parent", forms.HiddenInput()),
        ("token", forms.HiddenInput()),
        ("notify", forms.CheckboxInput()),
        ("follow", forms.CheckboxInput()),
    ]:
        widget.attrs.update(stock.fields[name].widget_attrs(widget))  # as Field.__init__ does
        stock.fields[name].widget = widget
    form = CommentForm(data) if data is not None else CommentForm()

    assert [str(form[name]) for name in form.fields] == [str(stock[name]) for name in form.fields]
