"""Users stored before roles were checked may hold malformed roles (a number, a string, unknown
codes); keep only the known role codes, as a list."""

from django.db import migrations

KNOWN = {
    "employee", "team_lead", "planner", "clerk", "election_officer", "leadership",
    "municipality_admin", "region_admin", "council_member", "project_owner", "department_head",
    "meetings_office", "moderator", "process_planner", "pool_coordinator", "pool_helper",
    "region_coordinator",
}  # fmt: skip


def clean_roles(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [code for code in dict.fromkeys(value) if isinstance(code, str) and code in KNOWN]


def forwards(apps, schema_editor):
    User = apps.get_model("core", "User")
    for user in User.objects.only("pk", "roles").iterator():
        cleaned = clean_roles(user.roles)
        if cleaned != user.roles:
            User.objects.filter(pk=user.pk).update(roles=cleaned)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
