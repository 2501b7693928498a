"""``{{ result|poll_chart }}``: the bar chart of one poll's result (votes, or Borda points)."""

from django import template
from django.utils.translation import gettext as _

from rathaus.participation.charts import BarChart, bar_chart
from rathaus.participation.models import Poll

register = template.Library()


@register.filter
def poll_chart(result) -> BarChart:
    ranking = result.poll.kind == Poll.Kind.RANKING
    return bar_chart(
        f"umfrage-{result.poll.pk}",
        result.poll.question,
        _("Punkte (Borda)") if ranking else _("Stimmen"),
        result.chart_rows,
    )


@register.filter
def get_item(mapping, key):
    """``{{ own_ranks|get_item:option.pk }}``: a participant's earlier answer to show again."""
    return mapping.get(key) if mapping else None
