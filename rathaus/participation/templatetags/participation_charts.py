"""``{{ result|poll_chart }}``: the bar chart of one poll's result (votes, or Borda points),
drawn by ``core/_bar_chart.html``."""

from django import template
from django.utils.translation import gettext as _

from rathaus.core.charts import BarChart, bar_chart
from rathaus.participation.models import Poll

register = template.Library()


@register.filter
def poll_chart(result) -> BarChart:
    ranking = result.poll.kind == Poll.Kind.RANKING
    return bar_chart(
        id=f"umfrage-{result.poll.pk}",
        title=result.poll.question,
        series=(_("Punkte (Borda)") if ranking else _("Stimmen"),),
        category_label=_("Antwort"),
        data=result.chart_rows,
    )


@register.filter
def get_item(mapping, key):
    """``{{ own_ranks|get_item:option.pk }}``: a participant's earlier answer to show again."""
    return mapping.get(key) if mapping else None
