"""Search across components: accents, ranking, tenancy, the network search, and the pages."""

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from plaza.core.models import Process, SearchDocument
from plaza.core.queries.search import _ranked, search_jurisdiction, search_network, type_facets
from plaza.core.search import SearchFields, fold, index_object, unindex_object
from plaza.core.tenancy import across_jurisdictions
from plaza.core.tests.factories import JurisdictionFactory, ProcessFactory

pytestmark = pytest.mark.django_db


def titles(results):
    return [doc.title for doc in results]


@pytest.fixture
def processes(paris, madrid, unscoped):
    return {
        "budget": ProcessFactory(
            jurisdiction=madrid,
            title="Presupuestos participativos",
            description="La participación ciudadana decide el gasto.",
        ),
        "climate": ProcessFactory(
            jurisdiction=madrid, title="Plan de clima", description="Participación en el plan climático."
        ),
        "hidden": ProcessFactory(
            jurisdiction=madrid, title="Participación interna", description="Borrador.", is_published=False
        ),
        "paris_public": ProcessFactory(jurisdiction=paris, title="Participation citoyenne", description="Budget."),
        "paris_private": ProcessFactory(jurisdiction=paris, title="Participación secreta de París", is_published=False),
    }


def test_fold_removes_case_and_accents_but_keeps_words():
    assert fold("Participación CIUDADANA, Bogotá!") == "participacion ciudadana bogota"
    assert fold("Straße") == "strasse"
    assert fold("서울 열린데이터광장") == "서울 열린데이터광장"


def test_processes_are_indexed_when_saved_and_removed_when_deleted(processes):
    with across_jurisdictions():
        document = SearchDocument.objects.get(object_id=processes["budget"].pk, content_type__model="process")
        assert document.url == processes["budget"].get_absolute_url()
        assert document.is_public and "decide el gasto" in document.body
        processes["budget"].title = "Presupuestos 2026"
        processes["budget"].save()
        document.refresh_from_db()
        assert document.title == "Presupuestos 2026"
        processes["budget"].delete()
        assert not SearchDocument.objects.filter(pk=document.pk).exists()


def test_accent_and_case_insensitive(madrid, processes):
    results = search_jurisdiction(madrid, "participacion")
    # Both bodies say "participación"; the unpublished process is not shown.
    assert set(titles(results)) == {"Presupuestos participativos", "Plan de clima"}
    ranked = titles(search_jurisdiction(madrid, "PARTICIPACIÓN"))
    assert ranked == titles(results)
    assert titles(search_jurisdiction(madrid, "presupuestos")) == ["Presupuestos participativos"]


def test_title_match_outranks_body_match(madrid, unscoped):
    ProcessFactory(jurisdiction=madrid, title="Movilidad", description="Un plan para la movilidad y los árboles.")
    ProcessFactory(jurisdiction=madrid, title="Árboles de la ciudad", description="Plantar en cada barrio.")
    assert titles(search_jurisdiction(madrid, "arboles")) == ["Árboles de la ciudad", "Movilidad"]


def test_every_word_must_match_and_words_match_as_prefixes(madrid, processes):
    assert titles(search_jurisdiction(madrid, "plan climatico")) == ["Plan de clima"]
    assert titles(search_jurisdiction(madrid, "plan presupuestos")) == []
    assert titles(search_jurisdiction(madrid, "presu")) == ["Presupuestos participativos"]
    assert titles(search_jurisdiction(madrid, "  ¿?  ")) == []


def test_query_syntax_is_never_interpreted(madrid, processes):
    for text in ['"plan', "plan OR clima", "plan*", "NEAR(plan clima)", "plan & !clima", "a:b", "-plan"]:
        list(search_jurisdiction(madrid, text))  # no database error, whatever people type


def test_madrid_never_sees_paris_documents(madrid, paris, processes):
    found = titles(search_jurisdiction(madrid, "participacion", include_private=True))
    assert "Participation citoyenne" not in found
    assert "Participación secreta de París" not in found
    assert "Participación interna" in found  # Madrid's own private process, for its officials
    assert titles(search_jurisdiction(paris, "particip")) == ["Participation citoyenne"]


def test_network_search_finds_public_documents_of_every_jurisdiction(processes, unscoped):
    closed = JurisdictionFactory(slug="closed", is_active=False)
    ProcessFactory(jurisdiction=closed, title="Participación cerrada")
    found = titles(search_network("particip"))
    assert set(found) == {
        "Presupuestos participativos",
        "Plan de clima",
        "Participation citoyenne",
    }  # not the closed one


def test_components_index_their_own_content(madrid, unscoped):
    """A component indexes any model with SearchFields; here a process stands in for its content."""
    process = ProcessFactory(jurisdiction=madrid, title="Something else")
    index_object(process, SearchFields(title="Fuente rota en la plaza", body="Reportada", url="/madrid/r/1/"))
    assert titles(search_jurisdiction(madrid, "fuente")) == []  # not public unless it says so
    index_object(
        process, SearchFields(title="Fuente rota en la plaza", body="Reportada", url="/madrid/r/1/", is_public=True)
    )
    [doc] = search_jurisdiction(madrid, "fuente")
    assert doc.url == "/madrid/r/1/"
    unindex_object(process)
    assert titles(search_jurisdiction(madrid, "fuente")) == []


def test_type_facets_count_each_kind_of_content(madrid, processes):
    facets = type_facets(search_jurisdiction(madrid, "participacion"))
    assert [(f.value, f.count) for f in facets] == [("core.process", 2)]


def test_the_full_text_index_of_the_database_is_used(madrid, processes):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM core_searchdocument_fts WHERE core_searchdocument_fts MATCH 'clima*'")
            assert cursor.fetchone()[0] == 1
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'core_searchdocument_vector'")
            assert "gin (search_vector)" in cursor.fetchone()[0].lower()
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'core_searchdocument_fts'")
            assert cursor.fetchone()[0] == 0  # the expression index it replaced
            cursor.execute("SET LOCAL enable_seqscan = off")  # on a tiny table the planner would rather scan
            cursor.execute("SET LOCAL enable_indexscan = off")  # nor walk another index and filter row by row
        # The GIN index serves the match: the very column search ranks with (`_ranked`), without the page's other
        # filters and joins, whose plans turn on table statistics that earlier tests' ANALYZE leaves behind.
        with scopes_disabled():
            plan = _ranked(SearchDocument.objects.all(), ["clima"]).explain()
        assert "core_searchdocument_vector" in plan and "to_tsvector" not in plan  # ranked from the kept vector
        assert [d.title for d in search_network("clima")] == ["Plan de clima"]


def test_search_page_lists_results_with_filters_and_pages(client, madrid, processes, unscoped):
    for n in range(23):
        ProcessFactory(jurisdiction=madrid, title=f"Consulta {n}", description="participación")
    page = client.get("/madrid/search/?q=participacion")
    html = page.content.decode()
    assert page.status_code == 200
    assert "25 results" in html and "Page 1 of 2" in html
    assert "Participation citoyenne" not in html and "Participación interna" not in html
    assert 'href="?q=participacion&amp;type=core.process"' in html
    second = client.get("/madrid/search/?q=participacion&type=core.process&page=2").content.decode()
    assert "Page 2 of 2" in second
    assert 'href="?q=participacion&amp;page=2" rel="next"' in html
    assert 'href="?q=participacion&amp;type=core.process&amp;page=1" rel="prev"' in second
    empty = client.get("/madrid/search/?q=zzzz").content.decode()
    assert "Nothing matches" in empty


def test_search_page_query_count_is_fixed(client, madrid, processes, django_assert_max_num_queries, unscoped):
    for n in range(10):
        ProcessFactory(jurisdiction=madrid, title=f"Consulta {n}", description="participación")
    with django_assert_max_num_queries(5):
        assert client.get("/madrid/search/?q=participacion").status_code == 200


def test_officials_find_their_unpublished_content(client, madrid, madrid_admin, processes):
    assert "Participación interna" not in client.get("/madrid/search/?q=interna").content.decode()
    client.force_login(madrid_admin)
    assert "Participación interna" in client.get("/madrid/search/?q=interna").content.decode()


def test_network_search_page_and_header_box(client, processes):
    html = client.get("/search/?q=participation").content.decode()
    assert "Participation citoyenne" in html and "Paris" in html
    assert "Participación secreta" not in html
    home = client.get("/madrid/").content.decode()
    assert 'action="/madrid/search/"' in home and '<label for="site-search">' in home
    assert Process.objects.with_scopes_disabled().count() == 5


def test_the_kept_vector_follows_every_write_bulk_or_not(madrid, processes, unscoped):
    """PostgreSQL's trigger keeps `search_vector` whatever writes the row; SQLite's FTS5 triggers do the same."""
    process = processes["budget"]
    index_object(process, SearchFields(title="Plan de movilidad", body="bicicletas", url="/m/", is_public=True))
    assert [d.title for d in search_jurisdiction(madrid, "bicicletas")] == ["Plan de movilidad"]
    SearchDocument.objects.filter(title="Plan de movilidad").update(folded_body="tranvias")  # no save(), no signal
    assert search_jurisdiction(madrid, "bicicletas").count() == 0
    assert [d.title for d in search_jurisdiction(madrid, "tranvias")] == ["Plan de movilidad"]
