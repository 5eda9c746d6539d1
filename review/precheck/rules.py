"""Rule R1 of the design (国办发〔2018〕37号 第一条（一）): what a normative document may not do.

Each ``Rule`` below is one kind of finding.  A rule has *triggers* (regular expressions that
find the suspect wording inside one sentence of the normalised, simplified text) and a few
small knobs that say when a trigger is *not* a finding:

* ``negatable``: the trigger names an act of the administration (a fine, a licence, a fee, a
  seizure, a certificate demand, a designated supplier).  If the same clause says that act is
  forbidden or removed before the trigger (不得 / 严禁 / 取消 / 免收 ...), the clause protects
  citizens rather than burdening them: "行政机关不得向企业收取费用" is not a fee.
* ``skip_before`` / ``skip_after``: the trigger is used descriptively, e.g. "被吊销营业执照的企业"
  or "对查封、扣押的财物" describe an existing measure, they do not create one.
* ``sentence_exempt``: rule-specific descriptive contexts (罚没收入 "上缴国库").
* ``subject``: for the duty rule, the clause's grammatical subject must be a private party
  (企业、申请人、居民 ...), not an organ of government (行政机关、有关部门、工作人员 ...);
  for some other rules, a government subject means an internal procedure, not a burden.

Across all rules, a sentence that cites its legal basis (依照《…》第…条 / 按照有关法律、法规
规定 / 依法 ...) is exempt: R1 forbids such measures *without* a basis; when the draft cites
one the reviewer checks the citation, not this pre-check.  A reference to the draft itself
(依照本办法第十条) is not a basis.

The patterns run on text that has been through ``normalize`` (simplified characters), and
they are deliberately bounded (``{0,25}`` rather than ``*``) so that scanning stays linear on
large inputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Rule",
    "RULES",
    "RULES_BY_ID",
    "NAMES",
    "name",
    "CITATION",
    "LOCAL_BASIS",
    "NEGATION",
    "GOV_SUBJECT",
    "PRIVATE_SUBJECT",
    "OBJECT_MARKER",
]

_C = re.compile

# A clause-internal stretch: no sentence or clause punctuation.
_NP = r"[^，,。；;：:！!？?\n]"
# Within one sentence (may cross commas).
_NS = r"[^。；;！!？?\n]"
_NUM = r"[0-9一二三四五六七八九十百千万两零〇.]"

# --- Legal basis ------------------------------------------------------------------------------
# A sentence-level citation of a law, regulation or "the relevant provisions" exempts the whole
# sentence.  Self-references (本办法、本规定、前款、上述) are never a basis.
CITATION = _C(
    "|".join(
        [
            # 依照《中华人民共和国行政处罚法》… / 按照《城市道路管理条例》有关规定
            r"(?:依照|依据|根据|按照|遵照|参照|依|按)" + _NP + r"{0,6}?《[^》\n]{1,40}(?:法|条例|规定|办法|决定|细则|规则|通知|意见)》",
            # 《…法》第二十八条 / 《…条例》的有关规定
            r"《[^》\n]{1,40}(?:法|条例|规定|办法|决定|细则|规则)》(?:第" + _NUM + r"{1,6}条|(?:的)?(?:有关|相关)?规定)",
            # 依照有关法律、法规的规定 / 按照国家有关规定 / 根据相关规定
            r"(?:依照|依据|根据|按照|遵照|按)(?:国家|有关|相关|国家有关|上级)?(?:的)?"
            r"(?:法律|法规|行政法规|规章|地方性法规|法定|有关规定|相关规定|国家规定)",
            # 法律、法规另有规定的 / 由法律规定的行政机关实施 / 法律、法规规定以外的
            r"(?:法律|行政法规|法规)(?:、(?:行政)?法规)?(?:另有|已有|已经)?(?:" + _NP + r"{0,4}?)规定",
            # 遵守安全生产法律法规
            r"遵守" + _NP + r"{0,15}?(?:法律|法规)",
        ]
    )
)

# "依法" (according to law) exempts only the clause it stands in.
LOCAL_BASIS = _C(r"依法|依规")

# --- Negation / removal ------------------------------------------------------------------------
# Words before a trigger, in the same clause, that turn "set a fee" into "forbid / remove a fee".
NEGATION = _C(
    r"不得|不准|不能|不应|不予|不再|无权|禁止|严禁|杜绝|防止|避免|免于|免予|免收|减免|无需|无须|不需|不必|"
    r"取消|废止|废除|清理|纠正|查处|整治|制止|破除|打破|消除|反对|慎用|滥用|解除|退还|自愿|自主选择|"
    # Non-discrimination wording ("平等对待外地企业，不得…") protects.
    r"平等|一视同仁|同等对待"
)

# --- Subjects ------------------------------------------------------------------------------------
# Organs of government and their staff.  Listed before private parties so that "工作人员" is
# read as government, not as the private "人员".
GOV_SUBJECT = _C(
    r"行政机关|行政执法机关|执法机关|审批机关|登记机关|公安机关|国家机关|机关|各级人民政府|人民政府|政府|"
    r"有关部门|相关部门|主管部门|职能部门|监管部门|各部门|部门|工作人员|执法人员|执法队员|经办人员|公务员|窗口|"
    r"政务服务中心|街道办事处|办事处|管委会|委员会|各区|各地|各级|各单位|居委会|村委会|社区|"
    r"[市区县镇乡省][^\s，,。；;、的]{0,8}?(?:局|厅|委(?!托|屈)|办公室|中心)"
)
PRIVATE_SUBJECT = _C(
    r"公民|法人|其他组织|物业服务企业|生产经营单位|用人单位|建设单位|施工单位|排污单位|任何单位|单位和个人|"
    r"企业|公司|经营者|经营户|个体工商户|商户|摊贩|摊主|个人|业主|居民|村民|市民|群众|家长|学生|考生|家庭|农户|"
    r"从业人员|外来人员|务工人员|当事人|驾驶人|驾驶员|骑手|车主|房东|出租人|承租人|养犬人|举办人|设置人|购房人|"
    r"投资者|投资人|申请人|市场主体|中介机构|培训机构|医疗机构|养老机构|开发商|人员"
)
# A noun right after one of these is an object ("保障公民权益", "向企业收取"), not the subject.
OBJECT_MARKER = _C(
    r"(?:向|对|为|给|保障|服务|帮助|支持|要求|督促|指导|引导|鼓励|允许|帮扶|告知|通知|责令|对于|涉及|针对)"
    r"[^，,。；;：:]{0,8}$"
    # The approving or acting authority ("须经区卫生健康局…", "由城管部门…") is not the subject.
    r"|(?:经|报经|报|由)$"
)


@dataclass(frozen=True)
class Rule:
    """One kind of R1 finding."""

    id: str
    severity: str  # "high" | "medium" | "low"
    explanation: str  # one line, Chinese, shown to the drafter
    basis: str  # the legal basis of the prohibition
    triggers: tuple[re.Pattern[str], ...]
    negatable: bool = True
    skip_before: re.Pattern[str] | None = None  # searched in the 6 characters before a trigger
    skip_after: re.Pattern[str] | None = None  # matched right after a trigger
    sentence_exempt: re.Pattern[str] | None = None
    # "private": a finding only if the subject is a private party (duty rule);
    # "not_gov": no finding if the subject is an organ of government (internal procedure).
    # "not_gov_issuer": a trigger led by 出具/开具 is a finding only when the clause demands it
    # (应当/须/由 …) and the issuer is not the government itself ("市公安局负责出具…").
    subject: str | None = None


_BASIS_37 = "国办发〔2018〕37号 第一条（一）"

PENALTY = Rule(
    id="R1.penalty",
    severity="high",
    explanation="疑似设定行政处罚（罚款、没收、吊销证照、责令停产停业等），规范性文件不得设定行政处罚",
    basis=_BASIS_37 + "；《中华人民共和国行政处罚法》第十六条",
    triggers=(
        # 处五百元以上二千元以下罚款 / 并处违法所得一倍以上三倍以下的罚款 / 予以罚款
        # ("加处罚款" is a coercive execution measure, see COERCION.)
        _C(r"(?<!加)(?:处以|并处|可处|处|予以|给予)" + _NP + r"{0,25}?罚款"),
        # 每日罚款五百元 / 罚款2000元
        _C(r"罚款" + _NUM + r"{1,8}(?:元|万元)"),
        # 没收违法所得 / 没收其经营工具和商品
        _C(r"没收(?:违法所得|非法财物|其" + _NP + r"|" + _NP + r"{0,8}?(?:工具|商品|物品|设备|财物|车辆|货物|产品))"),
        # 吊销营业执照 / 暂扣其从业资格证
        _C(r"(?:吊销|暂扣)" + _NP + r"{0,10}?(?:营业执照|许可证|执照|资格证|资质证书|证书|驾驶证)"),
        _C(r"责令(?:其)?(?:停产停业|停业整顿|停业|关闭|停止营业)"),
        _C(r"(?:给予|予以|并予)(?:警告|通报批评)"),
        _C(r"降低(?:其)?资质等级|限制(?:其)?从业"),
        _C(r"(?:处以?|予以)" + _NP + r"{0,6}?拘留"),
    ),
    skip_before=_C(r"(?:被|已|已被|已经)$"),
    # How fines are handled after the fact (罚没收入上缴国库) is not the setting of a fine.
    sentence_exempt=_C(r"上缴国库|罚没收入|罚缴分离"),
)

LICENCE = Rule(
    id="R1.licence",
    severity="high",
    explanation="疑似设定行政许可、审批或增设许可条件，规范性文件不得设定行政许可",
    basis=_BASIS_37 + "；《中华人民共和国行政许可法》第十七条",
    triggers=(
        # 未经…批准，不得… / 未取得…许可证的，不得…
        _C(
            r"(?:未经|未取得|未获得|未办理|没有取得)" + _NP + r"{0,20}?"
            r"(?:批准|许可|审批|核准|同意|准许|登记|备案|许可证|准运证|准营证|上岗证|资格证|审核|凭证)"
            + _NS + r"{0,12}?(?:不得|禁止|严禁|一律不|不准|擅自)"
        ),
        # 须经…批准 / 应当事先向…申请办理…许可证 / 应当取得…上岗证
        _C(
            r"(?:须|需|应当|必须)(?:先|事先|预先|另行|首先|提前" + _NP + r"{0,8}?)?"
            r"(?:经|报经|报请|报|取得|获得|(?:向|到|在)" + _NP + r"{1,15}?(?:申请|申领|申办|办理))" + _NP + r"{0,20}?"
            r"(?:批准|许可|审批|核准|同意|准许|许可证|准运证|准营证|上岗证|登记证|经营证|资格审核|审核意见|审定)"
        ),
        # 实行…许可管理 / 实行备案准入制度 / 实行年检制度
        _C(r"实行" + _NP + r"{0,12}?(?:许可|审批|准入|核准|准运证|准营证|年检|年审)(?:制度|管理|制)"),
        # …后方可营业 / 方可从事
        _C(
            r"(?:方可|才能|方能|才可)(?:从事|经营|开展|营业|开业|施工|上岗|销售|举办|运营|招生|投放|"
            r"设置|入场|实施|生产|营运)"
        ),
        _C(r"(?:申请|参加|办理|进行|接受)(?:年检|年审)"),
        # Extra licence conditions: 还应当具备… / 申请从事…应当拥有不少于…
        _C(r"还(?:应当|须|需|必须)(?:具备|符合|满足|拥有|取得|提供)(?!" + _NP + r"{0,20}证明)"),
        _C(
            r"(?:申请|从事|设立|开办)" + _NS + r"{0,25}?(?:应当|须|必须|需)" + _NP + r"{0,10}?"
            r"(?:具备|拥有|配备|达到)" + _NP + r"{0,15}?(?:不少于|不低于|以上|至少)"
        ),
    ),
    # Approval of a plan, budget or document is an internal procedure of government
    # ("分配方案须经市政府批准", "规范性文件，未经合法性审核的，不得…").
    skip_before=_C(r"(?:方案|计划|预算|规划|报告|文件|名单|结果|草案)[，,]?$"),
    # "须经批准的事项" describes, it does not require.
    skip_after=_C(r"的"),
    # "各区报送的计划须经市政府批准" is an internal procedure of government.
    subject="not_gov",
)

COERCION = Rule(
    id="R1.coercion",
    severity="high",
    explanation="疑似设定行政强制措施或强制执行（查封、扣押、冻结、强制拆除、停水停电等），规范性文件不得设定行政强制",
    basis=_BASIS_37 + "；《中华人民共和国行政强制法》第十条、第十三条",
    triggers=(
        _C(r"查封|扣押|冻结|扣留"),
        # 暂扣 goods or vehicles (暂扣 a licence is a penalty, see PENALTY).
        _C(r"暂扣(?:其)?" + _NP + r"{0,6}?(?:工具|商品|物品|设备|车辆|财物|货物|原材料)"),
        _C(
            r"强制(?:拆除|执行|清除|清理|搬迁|搬离|迁离|带离|隔离|检测|进行|关闭|收回|扣缴|划拨|拍卖|腾退|处置)"
        ),
        # Cutting utilities to force compliance (行政强制法 第四十三条 forbids it for homes).
        _C(r"断水|断电|停水|停电|断气|停止(?:供水|供电|供气|供热|供燃气)"),
        # Late-payment surcharges are a coercive execution measure (行政强制法 第十二条).
        _C(r"滞纳金|加处罚款"),
        _C(r"拖移|拖离|拖走|锁车|扣车"),
        # Demolition by the administration itself (not 强制拆除 wording, same effect).
        _C(r"(?:予以|直接|组织)拆除"),
        # 代履行
        _C(r"代为(?:清除|拆除|清理|履行|恢复|处置)"),
    ),
    # "被查封的", "解除冻结", "行政强制执行" (the noun), "申请人民法院强制执行" (the lawful route)
    skip_before=_C(r"(?:被|已|已被|解除|行政|法院)$"),
    # "对查封、扣押的财物" / "实施查封、扣押时" describe an existing measure.
    skip_after=_C(r"(?:、(?:查封|扣押|冻结|扣留))*(?:的|时|期间|期限|决定|清单|笔录|案件)"),
)

FEE = Rule(
    id="R1.fee",
    severity="high",
    explanation="疑似设定收费项目、保证金或要求缴纳费用，收费须有法律、法规或国家规定依据",
    basis=_BASIS_37 + "；《优化营商环境条例》第六十四条",
    triggers=(
        _C(
            r"(?:缴纳|交纳|缴交|缴付|预缴|预交|交存|缴存|收取|征收|收缴|计收|代收|承担|负担|分摊)" + _NP + r"{0,18}?"
            r"(?:费|押金|保证金|基金|会费)"
        ),
        # 考核费用由参训人员自行承担.  Not "费用由当事人承担": the cost of 代履行 is borne by the
        # party under 行政强制法 第五十一条 (and is flagged as coercion).
        _C(
            r"(?<!所需)(?<!相关)费用?由(?!当事人)" + _NP + r"{0,4}?(?:" + PRIVATE_SUBJECT.pattern + r")"
            + _NP + r"{0,6}?(?:承担|负担|缴纳|支付)"
        ),
        _C(r"收费标准(?:为|是|按|：|:)"),
        _C(r"摊派|集资|赞助"),
    ),
    skip_before=_C(r"(?:已|被|已经)$"),
    # "违规收取押金的培训机构" names who did it; it sets no fee.
    skip_after=_C(r"的"),
)

CERTIFICATE = Rule(
    id="R1.certificate",
    severity="medium",
    explanation="疑似要求提交无法律依据的证明材料（无谓证明、循环证明、重复证明）",
    basis=_BASIS_37,
    triggers=(
        _C(
            r"(?:提交|提供|出具|开具|携带|附具|附(?!近|加|属|件|则|表|录)|出示|交验|递交|补交|补充|索要|索取)"
            + _NP + r"{0,25}?证明(?!其|自己|没有|不存在|确有|已经)"
        ),
    ),
    # "市公安局负责为申请人出具证明" describes a government service, not a demand.
    subject="not_gov_issuer",
)

COMPETITION = Rule(
    id="R1.competition",
    severity="high",
    explanation="疑似排除、限制公平竞争（指定或限定经营者、商品，地方保护、歧视外地经营者）",
    basis=_BASIS_37 + "；《优化营商环境条例》第六十四条；《中华人民共和国反垄断法》第五章",
    triggers=(
        # 指定的供应商 / 指定的检测机构 (not 指定专人, 指定的部门)
        _C(
            r"(?:指定|定点)(?:的)?" + _NP + r"{0,6}?(?:经营者|企业|公司|供应商|服务商|供货商|商家|品牌|产品|商品|厂家|厂商|中介|"
            r"(?:检测|检验|培训|审图|体检|医疗|鉴定|评估|认证|代理|中介|服务)机构|驾校|网点|银行|保险|设备|材料|施工队|检测单位|服务单位|施工单位)"
        ),
        _C(
            r"限定|限制" + _NP + r"{0,6}?(?:购买|使用|经营|选择)|只能(?:向|从|在|委托|使用|购买|选择|选用)|"
            r"仅限(?:于)?(?:本地|本市|本区|本县|本省|指定)|独家|唯一(?:指定|供应|承建|经营)"
        ),
        # 优先采购本地企业… / 应当使用本市…企业生产的
        _C(
            r"(?:优先(?:由|采购|使用|选用|选择|购买|录用|聘用|委托)?|(?:只能|仅|必须|应当|须|统一)"
            r"(?:由|采购|使用|选用|选择|购买|录用|聘用|委托|从|向|在))" + _NP + r"{0,6}?"
            r"(?:本地|本市|本区|本县|本省|当地)" + _NP + r"{0,8}?"
            r"(?:企业|公司|供应商|产品|品牌|商品|生产|医药|建材|经营者|机构)"
        ),
        # 由市粮食集团统一配送: one named company supplies everyone.
        _C(r"由" + _NP + r"{1,12}?(?:集团|公司|企业)统一(?:配送|供应|提供|承建|安装|代理|经营|销售)"),
        _C(r"统一由" + _NP + r"{1,16}?(?:集团|公司|企业)" + _NP + r"{0,8}?(?:配送|供应|提供|承建|安装|代理|经营|销售)"),
        # 外地企业…须在本区注册 / 非本地注册的…不得参与 / 外地…收取
        _C(
            r"(?:外地|非本地|非本市|外省|外埠)" + _NS + r"{0,20}?"
            r"(?:不得|须|必须|应当|禁止|限制|重新|另行|收取|额外|不予)"
        ),
        _C(r"(?:须|应当|必须|需)在(?:本市|本区|本地|本县|本省)(?:注册|设立|纳税|缴纳社保)"),
        # 对在本市纳税的企业…给予价格扣除优惠
        _C(r"在本(?:市|区|地|县|省)(?:纳税|注册)的" + _NS + r"{0,25}?(?:优惠|扣除|加分|优先)"),
        _C(
            r"本(?:地|市|区|县|省)" + _NP + r"{0,4}?(?:企业|供应商|产品)" + _NS + r"{0,25}?"
            r"(?:加分|价格扣除|优先中标|优先采购|优先选用|优先使用)"
        ),
        _C(r"本(?:市|区|地|县|省)(?:完成|承接|实施)的" + _NP + r"{0,8}?业绩|本地业绩"),
    ),
)

DUTY = Rule(
    id="R1.duty",
    severity="medium",
    explanation="疑似无法律依据减损公民、法人和其他组织权利或者增加其义务",
    basis=_BASIS_37 + "；《优化营商环境条例》第六十四条",
    triggers=(
        # Obligation on a private party: 企业应当… / 居民必须… / 商户不得…
        _C(r"应当|必须|务必|(?<![无毋必所])须|不得|不准|严禁|禁止|一律"),
        # Reduction of rights: 不予办理… / 不得参加评优 / 取消其享受的补贴 / 列入黑名单
        _C(
            r"(?:不予|不得|取消|暂停|停止|限制)(?:其(?:子女)?" + _NP + r"{0,3}?)?(?:办理|享受|参加|参与|申请|就读|入学|落户|评优|"
            r"申报|获得|领取|报名)|(?:列入|纳入)" + _NP + r"{0,6}?黑名单"
        ),
    ),
    negatable=False,
    # "任何单位不得限定投标人所在地" forbids an R1 act: it protects, it adds no duty.
    skip_after=_C(r"(?:擅自|违规|随意|变相|以任何" + _NP + r"{0,4}?)?(?:限定|指定|收取|索要|索取|要求|排斥|限制|设置|增设|摊派|阻挠|阻碍|妨碍)"),
    subject="private",
)

# Order matters only for readability of reports; DUTY is the catch-all and is dropped for a
# sentence when a more specific rule already fires there.
RULES: tuple[Rule, ...] = (PENALTY, LICENCE, COERCION, FEE, CERTIFICATE, COMPETITION, DUTY)
RULES_BY_ID = {r.id: r for r in RULES}


#: What users read for a rule id (the id stays in code, tests and machine columns).
NAMES: dict[str, str] = {
    "R1.penalty": "设定行政处罚",
    "R1.licence": "设定行政许可",
    "R1.coercion": "设定行政强制",
    "R1.fee": "设定收费",
    "R1.certificate": "要求无依据的证明材料",
    "R1.competition": "排除、限制公平竞争",
    "R1.duty": "减损权利或者增加义务",
}


def name(rule_id: str) -> str:
    """The rule's Chinese name; an id not known here is shown as the generic pre-check finding."""
    return NAMES.get(rule_id, "合法性预检提示")
