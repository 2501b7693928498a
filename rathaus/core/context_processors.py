"""What every page's shell shows: the municipality (or region) in view, the region admin's
switcher, and the footer's links to the legal pages."""

from django.urls import reverse

from rathaus.core.tenancy import chosen_municipality, is_region_admin, region_municipalities

LEGAL_KINDS = ("impressum", "datenschutz", "barrierefreiheit")


def _legal_links(request, municipality) -> dict[str, str]:
    slug = getattr(municipality, "slug", None) if municipality else None
    match = getattr(request, "resolver_match", None)
    if slug is None and match is not None:
        # a public page of one municipality (elections, participation) names it in its URL
        slug = match.kwargs.get("municipality_slug")
    if slug:
        return {kind: reverse("legal_page", args=[kind, slug]) for kind in LEGAL_KINDS}
    return {kind: reverse("legal_choose", args=[kind]) for kind in LEGAL_KINDS}


def tenant(request):
    municipality = getattr(request, "municipality", None)
    user = getattr(request, "user", None)
    region_scope = None
    if is_region_admin(user):
        # the header names what the lists show: one municipality, or the whole region
        municipality = chosen_municipality(user)
        region_scope = {
            "region": user.region,
            "chosen": municipality,
            "choices": list(region_municipalities(user)),
        }
    return {
        "municipality": municipality,
        "region_scope": region_scope,
        "legal_links": _legal_links(request, municipality),
    }
