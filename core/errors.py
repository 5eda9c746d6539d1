"""The one application error type, with stable codes (DESIGN §4). ``core.api`` maps it to HTTP;
pages show its ``message``. A refused act changes nothing: services raise these inside
``transaction.atomic()``.

``Code`` enumerates every code the system answers with, each with what it means to a clerk;
``tests/test_error_codes.py`` fails on a code raised anywhere that is not listed here.
"""
from django.db import models


class Code(models.TextChoices):
    # input (400, 413)
    VALIDATION_ERROR = "validation_error", "输入不符合要求"
    PAYLOAD_TOO_LARGE = "payload_too_large", "提交的内容过大"
    UNSUPPORTED_FILE = "unsupported_file", "不支持的文件类型"
    UNREADABLE_FILE = "unreadable_file", "文件无法读取"
    # who (401, 403, 404, 429)
    NOT_AUTHENTICATED = "not_authenticated", "未登录"
    AUTHENTICATION_FAILED = "authentication_failed", "登录凭据无效"
    TOKEN_EXPIRED = "token_expired", "登录凭据已过期"
    CSRF_FAILED = "csrf_failed", "安全校验（CSRF）失败"
    PERMISSION_DENIED = "permission_denied", "无权执行此操作"
    NOT_FOUND = "not_found", "不存在或无权查看"
    METHOD_NOT_ALLOWED = "method_not_allowed", "不支持该请求方法"
    NOT_ACCEPTABLE = "not_acceptable", "无法提供所请求的格式"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", "不支持的提交格式"
    THROTTLED = "throttled", "请求过于频繁"
    TOO_MANY_ATTEMPTS = "too_many_attempts", "登录失败次数过多"
    # state and rules (409)
    CONFLICT = "conflict", "与现有数据冲突"
    INVALID_TRANSITION = "invalid_transition", "当前状态不允许此操作"
    CONCURRENT_CHANGE = "concurrent_change", "已被他人同时处理"
    NOT_EDITABLE = "not_editable", "文本不可修改"
    COMMENT_REQUIRED = "comment_required", "应当公开征求意见（R2）"
    COMMENT_PERIOD_TOO_SHORT = "comment_period_too_short", "征求意见期限不足（R3）"
    COMMENT_PERIOD_OPEN = "comment_period_open", "征求意见期尚未结束（R3）"
    COMMENT_PERIOD_CLOSED = "comment_period_closed", "征求意见期已结束（R3）"
    MATERIALS_INCOMPLETE = "materials_incomplete", "报送材料不全（R4）"
    UNRESOLVED_FINDINGS = "unresolved_findings", "具体修改意见尚未修改（R6）"
    REVIEW_REQUIRED = "review_required", "未经合法性审核通过（R7）"
    TEXT_CHANGED_SINCE_REVIEW = "text_changed_since_review", "文本在审核后被修改（R7）"
    DELIBERATION_REQUIRED = "deliberation_required", "未记录集体审议（R8）"
    ALREADY_REGISTERED = "already_registered", "已登记编号（R9）"
    NUMBER_NOT_VOIDED = "number_not_voided", "编号未作废（R9）"
    NO_NUMBER_PREFIX = "no_number_prefix", "未设置文号前缀（R9）"
    NOT_REGISTERED = "not_registered", "尚未登记编号（R10）"
    ALREADY_FILED = "already_filed", "已备案（R11）"
    VALIDITY_TOO_LONG = "validity_too_long", "有效期超过上限（R12）"
    STILL_VALID = "still_valid", "仍在有效期内（R12）"
    OUTSIDE_JURISDICTION = "outside_jurisdiction", "不属于本机构的管辖范围（R14）"
    REVIEW_TOO_EARLY = "review_too_early", "审核时间不足且未说明紧急理由（R5）"
    ALREADY_EXTENDED = "already_extended", "本轮审核已延长过（R5）"
    AWAITING_SIGNOFF = "awaiting_signoff", "审核意见待签发（R15）"
    ADVISER_OPINION_REQUIRED = "adviser_opinion_required", "须有法律顾问意见（R16）"
    TEXT_UNCHANGED = "text_unchanged", "上传文件的正文与当前版本相同"
    NOT_APPLICABLE = "not_applicable", "该类文件不适用此程序（R13、R17、R18）"
    PROCEDURE_INCOMPLETE = "procedure_incomplete", "决策程序未完成（R17）"
    NO_FILING_RECIPIENT = "no_filing_recipient", "该文件没有备案审查机关（R11）"
    NOT_IN_FORCE = "not_in_force", "文件已废止或失效（R19）"
    VALIDITY_AMBIGUOUS = "validity_ambiguous", "有效期年数与有效期截止日期只能填写一项（R12）"
    VALIDITY_BEFORE_EFFECTIVE = "validity_before_effective", "有效期截止日期早于施行日期（R12）"
    UNDECIDED_ITEMS = "undecided_items", "清理事项尚未全部作出清理意见（R20）"
    CLEANUP_PUBLISHED = "cleanup_published", "清理结果已公布，不能再修改（R20）"
    # the system (500, 503)
    SERVER_ERROR = "server_error", "系统内部错误"
    SERVICE_UNAVAILABLE = "service_unavailable", "暂时无法访问数据库"
    NOT_AVAILABLE = "not_available", "本系统未安装所需的转换程序"



class DomainError(Exception):
    status = 409
    code = Code.CONFLICT

    def __init__(self, message, *, code=None, status=None, details=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details

    def as_dict(self):
        error = {"code": str(self.code), "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"error": error}


class RuleViolation(DomainError):
    """A rule of DESIGN §1 forbids this act now (409)."""


class InvalidTransition(DomainError):
    code = Code.INVALID_TRANSITION


class ConcurrentChange(DomainError):
    code = Code.CONCURRENT_CHANGE


class Forbidden(DomainError):
    status = 403
    code = Code.PERMISSION_DENIED


class NotFound(DomainError):
    status = 404
    code = Code.NOT_FOUND


class InvalidInput(DomainError):
    status = 400
    code = Code.VALIDATION_ERROR
