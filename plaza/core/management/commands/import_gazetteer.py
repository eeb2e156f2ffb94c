"""Load a jurisdiction's gazetteer from an OpenAddresses CSV or GeoJSON file, as one of its admins."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from plaza.core.models import Jurisdiction
from plaza.core.operations.gazetteer import GazetteerFileInvalid, import_gazetteer


class Command(BaseCommand):
    help = (
        "Import addresses and named places (OpenAddresses CSV columns LON, LAT, NUMBER, STREET, UNIT, CITY, "
        "DISTRICT, REGION, POSTCODE, optional NAME; or GeoJSON Points) into a jurisdiction's gazetteer. "
        "Any bad row rejects the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("jurisdiction", help="the jurisdiction's slug")
        parser.add_argument("file", help="a .csv, .geojson or newline-delimited GeoJSON file")
        parser.add_argument("--as", dest="email", required=True, help="e-mail of the jurisdiction admin importing")
        parser.add_argument("--replace", action="store_true", help="remove the current entries first")

    def handle(self, *args, **options):
        jurisdiction = Jurisdiction.objects.filter(slug=options["jurisdiction"]).first()
        if jurisdiction is None:
            raise CommandError(f"No jurisdiction {options['jurisdiction']!r}.")
        actor = get_user_model().objects.filter(email__iexact=options["email"]).first()
        if actor is None:
            raise CommandError(f"No account with the e-mail address {options['email']!r}.")
        try:
            with open(options["file"], "rb") as stream:
                result = import_gazetteer(
                    actor=actor,
                    jurisdiction=jurisdiction,
                    file_name=options["file"],
                    stream=stream,
                    replace=options["replace"],
                )
        except PermissionDenied as refused:
            raise CommandError(f"{actor.email} is not an admin of {jurisdiction.slug}.") from refused
        except OSError as unreadable:
            raise CommandError(f"Cannot read {options['file']}: {unreadable.strerror}") from unreadable
        except GazetteerFileInvalid as invalid:
            for error in invalid.row_errors:
                self.stderr.write(str(error))
            raise CommandError(f"{invalid.total} errors in the file; nothing was imported.") from invalid
        self.stdout.write(f"{result.created} entries imported ({result.replaced} replaced).")
