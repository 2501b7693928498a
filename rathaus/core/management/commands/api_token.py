"""Issue, list and revoke staff API tokens from the command line (operators)."""

from django.core.management.base import BaseCommand, CommandError

from rathaus.core.api.tokens import api_token_issue, api_token_revoke
from rathaus.core.models import ApiToken, User
from rathaus.core.problems import DomainError


class Command(BaseCommand):
    help = "API-Schlüssel ausstellen (issue), auflisten (list) oder widerrufen (revoke)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue")
        issue.add_argument("username")
        issue.add_argument("name")
        sub.add_parser("list").add_argument("username")
        sub.add_parser("revoke").add_argument("token_id", type=int)

    def handle(self, *args, action, **options):
        try:
            if action == "issue":
                user = User.objects.get(username=options["username"])
                # operators act with the user's own right to hold a token
                token, raw = api_token_issue(actor=user, user=user, name=options["name"])
                self.stdout.write(f"{token.pk} {raw}")
            elif action == "list":
                for token in ApiToken.objects.filter(user__username=options["username"]):
                    self.stdout.write(f"{token.pk}\t{token.name}\t{token.created:%Y-%m-%d}")
            else:
                token = ApiToken.objects.select_related("user").get(pk=options["token_id"])
                token_id = token.pk
                api_token_revoke(actor=token.user, token=token)
                self.stdout.write(f"{token_id} widerrufen")
        except (User.DoesNotExist, ApiToken.DoesNotExist) as exc:
            raise CommandError("Nicht gefunden.") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
