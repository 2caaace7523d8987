"""The HTML a tenant writes is cut down to safe email markup; the text part is generated."""

import pytest
from django.core.exceptions import ValidationError

from emails.services import html_to_text, render_email, sanitize_html
from emails.tests.factories import EmailTemplateFactory

EMAIL = """<html><head><style>p { color: red }</style><script>steal()</script></head>
<body><table width="600" cellpadding="0" style="border-collapse:collapse;position:fixed">
<tr><td style="color:#333" onclick="evil()">Hi there</td></tr></table>
<img src="http://track.example/p.gif"><img src="https://cdn.example/logo.png" alt="Logo">
<a href="javascript:alert(1)">bad</a> <a href="https://shop.example/sale" onmouseover="x()">Sale</a>
<form action="https://evil.example"><input name="card"></form><iframe src="https://e.example"></iframe>
</body></html>"""


def test_sanitiser_keeps_email_markup_and_strips_scripts_and_handlers():
    clean = sanitize_html(EMAIL)
    assert "<script" not in clean and "steal()" not in clean
    assert "onclick" not in clean and "onmouseover" not in clean and "evil()" not in clean
    assert "javascript:" not in clean
    assert "<form" not in clean and "<input" not in clean and "<iframe" not in clean
    assert "<style" not in clean and "color: red" not in clean
    assert '<table width="600" cellpadding="0" style="border-collapse:collapse">' in clean
    assert '<td style="color:#333">Hi there</td>' in clean
    assert '<img src="https://cdn.example/logo.png" alt="Logo">' in clean
    assert "http://track.example" not in clean  # images only over https
    assert 'href="https://shop.example/sale"' in clean


def test_text_part_keeps_the_links():
    text = html_to_text(sanitize_html(EMAIL))
    assert "Hi there" in text
    assert "[Sale](https://shop.example/sale)" in text
    assert "<" not in text


@pytest.mark.django_db
def test_template_renders_with_escaped_values_and_fallbacks():
    template = EmailTemplateFactory(
        subject="Hello {{first_name|friend}}", html="<p>Dear {{first_name}}, {{code}}</p>"
    )
    subject, html, text = render_email(template, {"first_name": "<b>Ana</b>", "code": "42"})
    assert subject == "Hello <b>Ana</b>"
    assert html == "<p>Dear &lt;b&gt;Ana&lt;/b&gt;, 42</p>"
    assert text == "Dear <b>Ana</b>, 42"
    subject, _, _ = render_email(template, {"code": "1", "first_name": ""})
    assert subject == "Hello friend"


def test_missing_variable_is_refused_naming_it():
    with pytest.raises(ValidationError) as err:
        render_email({"subject": "Hi {{name}}", "html": "<p>{{code}}</p>"}, {"code": "1"})
    assert err.value.message_dict == {"variables": ["Give a value for: name."]}


def test_subject_values_cannot_inject_headers():
    subject, _, _ = render_email({"subject": "Hi {{n}}", "text": "x"}, {"n": "a\r\nBcc: x@y.z"})
    assert "\n" not in subject and "\r" not in subject
