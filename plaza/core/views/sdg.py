"""The Sustainable Development Goals pages of a jurisdiction: goals with counts, and content per goal."""

from django.http import Http404
from django.shortcuts import render

from plaza.core.models import SDGGoal
from plaza.core.queries import sdg as queries


def sdg_index(request, jurisdiction):
    return render(request, "core/sdg_index.html", {"goals": queries.goals_with_counts(request.jurisdiction)})


def sdg_goal(request, jurisdiction, number):
    try:
        goal = queries.goal(number)
    except SDGGoal.DoesNotExist as missing:
        raise Http404("No such goal.") from missing
    content = queries.objects_tagged_with_goal(request.jurisdiction, number)
    return render(request, "core/sdg_goal.html", {"goal": goal, "content": content})
