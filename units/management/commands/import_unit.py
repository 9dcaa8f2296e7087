from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from units.importing import parse_unit_source
from units.services import UnitImportError, import_unit


class Command(BaseCommand):
    help = (
        "Import units of competency from files: the portal's JSON, training.gov.au's unit XML, "
        "or plain text copied from a unit's page (first line 'CODE - Title', or give --code and "
        "--title). Each file is all or nothing; importing a release that is already in the "
        "catalogue changes nothing and says so; a new release marks older ones superseded."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--code", help="unit code, when the text does not start with it")
        parser.add_argument("--title", help="unit title, when the text does not start with it")
        parser.add_argument("--release", type=int, help="release number (default: from the file, else 1)")

    def handle(self, *args, files, code, title, release, **options):
        failed = 0
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}") from None
            parsed = parse_unit_source(data, filename=path.name, code=code, title=title, release=release)
            for warning in parsed.warnings:
                self.stdout.write(self.style.WARNING(f"{path}: {warning}"))
            for skipped in parsed.skipped:
                self.stdout.write(f"{path}: {skipped.where}: skipped ({skipped.reason}): {skipped.text[:80]}")
            if parsed.errors:
                failed += 1
                for error in parsed.errors:
                    self.stderr.write(self.style.ERROR(f"{path}: {error}"))
                continue
            try:
                outcome = import_unit(parsed)
            except UnitImportError as error:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{path}: {error}"))
                continue
            style = self.style.SUCCESS if outcome.created else self.style.NOTICE
            self.stdout.write(style(f"{path}: {outcome.message}"))
        if failed:
            raise CommandError(f"{failed} of {len(files)} files were not imported.")
