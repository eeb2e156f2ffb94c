"""The page component's one page."""

from django.shortcuts import render

from plaza.core.markdown import render_markdown
from plaza.pages.queries import page_for


def page_detail(request):
    page = page_for(request.component)
    return render(
        request,
        "pages/page.html",
        {
            "process": request.process,
            "component": request.component,
            "body": render_markdown(page.body if page else ""),
        },
    )
