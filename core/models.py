"""The two tables of the bottom layer: the holiday schedule and the gapless sequences."""
from django.db import models


class HolidayOverride(models.Model):
    """The State Council's holiday schedule for a year chinese-calendar does not know (R5)."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = "节假日安排"

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '休息'} {self.name}".rstrip()


class NumberSequence(models.Model):
    """The last number one owner used in one year, per scope (core.numbering).

    ``owner_id`` is the organisation that numbers (an issuer for R9 numbers, a review body for
    opinion letters); it is a plain integer because this layer knows no organisations."""

    scope = models.CharField("编号种类", max_length=40)
    owner_id = models.PositiveBigIntegerField("编号机构")
    year = models.PositiveSmallIntegerField("年度")
    last_seq = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "编号序列"
        constraints = [models.UniqueConstraint(fields=["scope", "owner_id", "year"],
                                               name="sequence_scope_owner_year_unique")]
