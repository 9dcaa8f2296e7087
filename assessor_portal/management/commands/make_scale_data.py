import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from assessor_portal.scale import SCALE_PASSWORD, ScaleDataError, ScaleSize, make_scale_data


class Command(BaseCommand):
    help = (
        "Fill an empty database with the benchmarks' scale data: by default 10,000 students in 300 "
        "cohorts, 40 units with published tools, about 100,000 attempts in every status and 300,000 "
        "pieces of evidence; every judged attempt with its signed judgement (a few corrected, checked "
        "or waiting for a quality check), about 1,800 signed unit results and a few open appeals. "
        "Everything happened in the year before --until (default today): about half the judgements "
        "are older than the six months evidence is kept. The same seed and --until always make the "
        f"same data. Meant for PostgreSQL; the people it makes sign in with the password {SCALE_PASSWORD!r}."
    )

    def add_arguments(self, parser):
        defaults = ScaleSize()
        for name in ("students", "cohorts", "units", "assessors", "seed"):
            parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            help="The last day of the data, YYYY-MM-DD (default: today in Sydney).",
        )

    def handle(self, *args, **options):
        size = ScaleSize(
            **{name: options[name] for name in ("students", "cohorts", "units", "assessors", "seed")},
            until=options["until"],
        )
        if size.cohorts > size.students:
            raise CommandError("Give at least one student per cohort.")
        started = time.perf_counter()
        try:
            report = make_scale_data(size, progress=lambda message: self.stdout.write(f"  {message}"))
        except ScaleDataError as error:
            raise CommandError(str(error)) from None
        for name, count in sorted(report.counts.items()):
            self.stdout.write(f"{name:<28} {count:>9,}")
        self.stdout.write(f"Built in {time.perf_counter() - started:.0f} s.")
