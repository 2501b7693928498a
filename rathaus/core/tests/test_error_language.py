"""Errors of the shared import and API-key code read in the user's language."""

import pytest
from django.utils import translation

from rathaus.core.api.tokens import api_token_issue
from rathaus.core.models import Role
from rathaus.core.problems import DomainError
from rathaus.core.tabular import TabularError, read_table


@pytest.mark.parametrize(
    ("language", "message"), [("de", "Die Datei ist leer."), ("en", "The file is empty.")]
)
def test_an_empty_upload_is_refused_in_the_users_language(language, message):
    with translation.override(language), pytest.raises(TabularError) as refused:
        read_table(b"", "leer.csv", required=["name"], optional=[])
    assert str(refused.value) == message


@pytest.mark.django_db
def test_a_refused_api_key_is_explained_in_english(town, other_town, make_user):
    clerk = make_user(Role.CLERK, municipality=town)
    stranger = make_user(Role.CLERK, municipality=other_town)
    with translation.override("en"), pytest.raises(DomainError) as refused:
        api_token_issue(actor=clerk, user=stranger, name="Kasse")
    assert refused.value.message == "You may not issue an API key for this person."
