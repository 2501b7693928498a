from django import template

from rathaus.core.signin import selectors

register = template.Library()


@register.simple_tag
def oidc_providers():
    """The municipalities whose staff may sign in through an OpenID Connect provider."""
    return selectors.oidc_providers_for_login_page()


@register.simple_tag
def directory_sign_in_offered():
    """True when some municipality signs its staff in through LDAP / Active Directory."""
    return selectors.directory_sign_in_offered()
