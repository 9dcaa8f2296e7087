from django.core.management.base import BaseCommand, CommandError

from units.importing import dump_unit_json
from units.models import Unit
from units.services import unit_snapshot


class Command(BaseCommand):
    help = "Print a unit release in the portal's JSON format (the format import_unit reads)."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--release", type=int, help="default: the current release")

    def handle(self, *args, code, release, **options):
        units = Unit.objects.filter(code=code.upper())
        unit = units.filter(release=release).first() if release else units.order_by("-release").first()
        if unit is None:
            raise CommandError(f"{code} is not in the catalogue.")
        self.stdout.write(dump_unit_json(unit_snapshot(unit)), ending="")
