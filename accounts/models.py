"""Organisations and users: the bottom layer that review/ and registry/ both stand on."""
import string

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


class Organisation(models.Model):
    """机构: a drafting department, the justice bureau, the government office, or an auditor."""

    class Kind(models.TextChoices):
        DRAFTING = "drafting", "起草单位"
        JUSTICE = "justice", "司法行政部门"
        OFFICE = "office", "政府办公室"
        AUDIT = "audit", "审计监督"

    code = models.SlugField("机构代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    # R9: the issuer's own number sequence, e.g. 春府规 → 春府规〔2026〕3号.
    number_prefix = models.CharField("文号前缀", max_length=30, blank=True)
    number_template = models.CharField(
        "文号模板", max_length=80, blank=True,
        help_text="空则使用默认模板 {prefix}〔{year}〕{seq}号",
    )
    # Some issuers add a registration code beside the number, e.g. HFGS-{year}-{seq} → HFGS-2022-7.
    registration_code_template = models.CharField("登记号模板", max_length=80, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "机构"

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def clean(self):
        for field in ("number_template", "registration_code_template"):
            problem = template_problem(getattr(self, field))
            if problem:
                raise ValidationError({field: problem})

    @property
    def effective_number_template(self):
        return self.number_template or settings.RULE_R9_NUMBER_TEMPLATE


TEMPLATE_FIELDS = {"prefix", "year", "seq"}


def template_problem(template: str) -> str | None:
    """R9 templates may use {prefix}, {year} and {seq}, plainly: the database formats numbers
    with the same template (registry.services), so no format specs such as {seq:03d}."""
    try:
        parts = list(string.Formatter().parse(template or ""))
    except ValueError as error:
        return f"文号模板格式错误：{error}"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS or spec or conversion:
            return "文号模板只能使用 {prefix}、{year}、{seq} 三个占位符"
    return None


class Role(models.TextChoices):
    """DESIGN §3: what a staff user may do. The public has no account."""

    DRAFTER = "drafter", "起草人员"
    REVIEWER = "reviewer", "合法性审核人员"
    REGISTRAR = "registrar", "登记人员"
    AUDITOR = "auditor", "审计人员"


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def has_role(self, *roles):
        return self.is_authenticated and self.is_active and self.role in roles
