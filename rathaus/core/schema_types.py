"""Pydantic types for API input shared by all apps (django-ninja schemas and parameters)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from rathaus.core.forms import DATE_MAX, DATE_MIN

# A date the API accepts: adding a day, a week or a month to it never overflows
# (9999-12-31 and 0001-01-01 are 422, not a server error).
ApiDate = Annotated[date, Field(ge=DATE_MIN, le=DATE_MAX)]
