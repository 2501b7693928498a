"""Staff and rooms of the municipalities the user may see."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from rathaus.core import selectors
from rathaus.core.tenancy import spans_towns
from rathaus.core.views.common import require_perm


@login_required
def employees(request):
    require_perm(request.user, "core.manage_people")
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.employees_for(request.user, search=search), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/employees.html",
        {
            "page": page,
            "search": search,
            "org_units": selectors.org_units_for(request.user),
            "spans_towns": spans_towns(request.user),
        },
    )


@login_required
def rooms(request):
    require_perm(request.user, "core.manage_people")
    page = Paginator(selectors.rooms_for(request.user), 100).get_page(request.GET.get("page"))
    return render(
        request, "core/rooms.html", {"page": page, "spans_towns": spans_towns(request.user)}
    )
