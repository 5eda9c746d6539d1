"""Organisations (with their hierarchy and jurisdiction, R14) and users with their roles.

Above ``core``, below everything else: ``accounts.jurisdiction`` answers which organisation
reviews, registers and oversees what; the review and registry apps ask it."""
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from core.numbering import template_problem


class Organisation(models.Model):
    """机构 (DESIGN §3): a department, a justice bureau or legal office, a government and its
    office, an oversight body, a people's congress standing committee, or a law firm.

    Jurisdiction (R14) is read through ``accounts.jurisdiction``: the fields below hold only what
    was set explicitly; the defaults are resolved when used, so organisations may be created in
    any order."""

    class Kind(models.TextChoices):
        DRAFTING = "drafting", "起草单位"
        JUSTICE = "justice", "司法行政部门"
        OFFICE = "office", "人民政府（办公室）"
        AUDIT = "audit", "监督机构"
        CONGRESS = "congress", "人大常委会"
        LAW_FIRM = "law_firm", "律师事务所"

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        COUNTY = "county", "县级"
        TOWNSHIP = "township", "乡镇级"

    code = models.SlugField("机构代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", verbose_name="上级（所属政府）", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    level = models.CharField("层级", max_length=20, choices=Level.choices, blank=True)
    # R14, for issuers: who reviews their documents and who registers them (empty: the default).
    review_body = models.ForeignKey("self", verbose_name="合法性审核机构", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    registry_office = models.ForeignKey("self", verbose_name="登记机构", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    # R11, for issuers: the bodies they file with (empty: the default of DESIGN §3).
    files_with = models.ManyToManyField("self", verbose_name="备案机关", symmetrical=False, blank=True,
                                        related_name="+")
    # R15, for review bodies: their opinion letters' prefix, and whether a head signs each opinion.
    opinion_prefix = models.CharField("审核意见书编号前缀", max_length=30, blank=True)
    signoff_required = models.BooleanField("审核意见须经负责人签发", default=True)
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


class Role(models.TextChoices):
    """DESIGN §3: what a staff user may do. The public has no account."""

    DRAFTER = "drafter", "起草人员"
    REVIEWER = "reviewer", "审核人员（承办人）"
    REVIEW_HEAD = "review_head", "审核负责人"
    ADVISER = "adviser", "法律顾问/公职律师"
    REGISTRAR = "registrar", "登记人员"
    AUDITOR = "auditor", "监督人员"


# Those who act on review rounds (a head may do all a handler may, on any round of its body).
REVIEW_ROLES = (Role.REVIEWER, Role.REVIEW_HEAD)


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
