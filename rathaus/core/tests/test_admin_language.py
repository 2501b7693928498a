"""Every admin list and form speaks German: no column, filter or field label is an untranslated
field name."""

import pytest
from django.contrib.admin.templatetags.admin_list import result_headers
from django.urls import reverse
from django.utils.text import capfirst

from rathaus.core.admin import site
from rathaus.core.tests.admin_forms import form_labels

pytestmark = pytest.mark.django_db

# Django heads a field without a verbose_name by its English name; these read the same in German
SAME_IN_GERMAN = {"Name", "Code", "Status", "Region", "Position", "Plan"}


def _admin_models() -> set:
    """Every model with an admin page, and the models of their inline rows."""
    inlines = {
        inline.model for model_admin in site._registry.values() for inline in model_admin.inlines
    }
    return set(site._registry) | inlines


def _english_headings() -> set[str]:
    """The headings Django would make up from field names, over every model in the admin, and
    the one every tenant's row would show without its name."""
    names = {"Municipality"}
    for model in _admin_models():
        for field in model._meta.get_fields():
            default = getattr(field, "name", "").replace("_", " ")
            if getattr(field, "verbose_name", None) == default:
                names.add(capfirst(default))
    return names - SAME_IN_GERMAN


def _filter_titles(model, request) -> list:
    """Every filter's title — also of filters an empty list hides (no rows, nothing to pick)."""
    model_admin = site._registry[model]
    titles = []
    for entry in model_admin.get_list_filter(request):
        if isinstance(entry, tuple):
            field = model._meta.get_field(entry[0])
            titles.append(entry[1](field, request, {}, model, model_admin, entry[0]).title)
        elif isinstance(entry, str) and "__" not in entry:
            titles.append(model._meta.get_field(entry).verbose_name)
    return titles


def test_every_admin_list_is_headed_in_german(client, make_user, town):
    english = _english_headings()
    assert "Municipality" in english  # the check knows the heading the first issue named
    client.force_login(make_user(municipality=town, is_superuser=True, is_staff=True))
    found = {}
    for model in site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code == 200, url
        changelist = response.context["cl"]
        headings = [str(h["text"]) for h in result_headers(changelist)]
        headings += [str(title) for title in _filter_titles(model, response.wsgi_request)]
        wrong = [h for h in headings if capfirst(h) in english]
        if wrong:
            found[model._meta.label] = wrong
    assert found == {}


def test_every_admin_form_names_its_fields_in_german(client, make_user, town):
    english = _english_headings()
    superuser = make_user(municipality=town, is_superuser=True, is_staff=True)
    client.force_login(superuser)
    found = {}
    for model in site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
        if response.status_code == 403:  # nobody adds rows here (audit log, measured figures)
            continue
        assert response.status_code == 200, url
        wrong = [label for label in form_labels(response.content.decode()) if label in english]
        if wrong:
            found[model._meta.label] = wrong
    assert found == {}
