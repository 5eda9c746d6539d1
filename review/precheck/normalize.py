"""Offset-preserving normalisation of draft text for the R1 pre-check.

The pre-check reports findings as character offsets into the text the drafter wrote, so the
normalised text must have exactly the same length, character for character.  Phrase-level
traditional→simplified conversion (OpenCC's t2s chain) may in principle change length and
re-segments the text, so we do NOT call ``OpenCC.convert``; instead we build a one-to-one
character map from OpenCC's own dictionaries (``TSCharacters.txt`` plus the Taiwan / Hong Kong
variant tables) and apply it with ``str.translate``.  Where a traditional character has several
simplified readings (乾 → 干/乾, 著 → 着/著) we take OpenCC's first candidate; the pre-check's
patterns never hinge on those characters.

Full-width ASCII digits and letters (０-９, Ａ-Ｚ, ａ-ｚ) are folded to ASCII so that amounts such as
"５００元" match the same patterns as "500元".  Chinese punctuation is left alone: the
segmenter and the patterns know both forms.

If the ``opencc`` package (``opencc-python-reimplemented``) is not installed, a small built-in
map covering the characters used by the rules is used instead, so that the pre-check degrades
gracefully rather than failing.
"""

from __future__ import annotations

import os
from functools import lru_cache

__all__ = ["normalize", "char_table"]

# Fallback: traditional → simplified pairs for the characters the rule patterns rely on,
# generated from the OpenCC map above (every pair whose simplified side occurs in rules.py or
# __init__.py).  Used only when opencc is missing.
_FALLBACK_PAIRS = (
    "並并併并來来侷局個个備备傢家僅仅價价優优兩两冊册凍冻則则劃划務务勵励區区參参員员單单噹当"
    "嚮向嚴严國国圖图團团埰采執执報报場场壟垄學学寀采實实審审專专對对導导屬属崗岗帶带幫帮庫库"
    "廠厂廢废廳厅弔吊強强彔录後后從从復复徵征憑凭應应戶户採采損损撓挠撥拨擁拥擇择擔担據据攜携"
    "攤摊斷断於于時时暫暂曏向書书會会東东査查條条業业構构標标機机檢检權权氣气汙污決决沒没減减"
    "測测準准滯滞滿满濫滥為为無无熱热營营爭争爲为獨独獲获環环產产産产當当療疗發发監监眾众確确"
    "礙碍稅税穫获競竞筆笔箇个範范糧粮糰团糾纠納纳級级細细組组結结絕绝給给統统絶绝經经網网縣县"
    "績绩織织繳缴纔才罰罚羣群義义職职與与舉举華华萬万葯药蔘参藥药處处號号衆众衕同衛卫衞卫補补"
    "裝装製制複复覈核見见規规視视計计訓训託托記记設设許许註注証证評评認认請请謂谓證证護护讀读"
    "變变讚赞負负財财貨货販贩責责買买費费貼贴資资賣卖質质購购贊赞車车輛辆辦办農农迴回進进運运"
    "達达違违遞递遷迁選选還还鄉乡醫医針针釦扣銀银銷销錄录録录錶表鍼针鎖锁鎭镇鎮镇鑑鉴鑒鉴長长"
    "門门閉闭開开間间閤合關关隊队隨随險险隻只離离電电韆千項项須须預预頓顿領领額额願愿養养駕驾"
    "駛驶騎骑騰腾驗验體体髮发鬚须點点齣出"
)


def _fallback_map() -> dict[str, str]:
    pairs = _FALLBACK_PAIRS
    return {pairs[i]: pairs[i + 1] for i in range(0, len(pairs) - 1, 2) if pairs[i] != pairs[i + 1]}


def _read_dict(path: str) -> dict[str, str]:
    """Read an OpenCC dictionary file, keeping single-character → single-character entries."""
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            key, _, values = line.rstrip("\n").partition("\t")
            if not values:
                continue
            first = values.split(" ")[0]
            if len(key) == 1 and len(first) == 1:
                out[key] = first
    return out


def _opencc_map() -> dict[str, str] | None:
    try:
        import opencc  # opencc-python-reimplemented
    except ImportError:  # pragma: no cover - exercised only without the package
        return None
    folder = os.path.join(os.path.dirname(opencc.__file__), "dictionary")
    ts_path = os.path.join(folder, "TSCharacters.txt")
    if not os.path.exists(ts_path):  # pragma: no cover - another "opencc" distribution
        return None
    ts = _read_dict(ts_path)
    mapping = {k: v for k, v in ts.items() if k != v}
    # Regional variants (e.g. 啟 → 啓, 衞 → 衛) first go to OpenCC's standard traditional
    # form, then through TSCharacters; only characters TSCharacters does not know are mapped
    # this way, so a character that is already a valid simplified form is never changed.
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            continue
        for variant, standard in _read_dict(path).items():
            if variant in ts or variant in mapping:
                continue
            target = ts.get(standard)
            if target and target != variant:
                mapping[variant] = target
    return mapping


@lru_cache(maxsize=1)
def char_table() -> dict[int, str]:
    """The ``str.translate`` table: every value is exactly one character."""
    mapping = _opencc_map()
    if mapping is None:
        mapping = _fallback_map()
    table = {ord(k): v for k, v in mapping.items() if len(k) == 1 and len(v) == 1}
    # Full-width ASCII digits and letters → ASCII (one character each).
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)):
        for cp in range(lo, hi + 1):
            table[cp] = chr(cp - 0xFEE0)
    return table


def normalize(text: str) -> str:
    """Return ``text`` with traditional characters replaced by simplified ones.

    ``len(normalize(t)) == len(t)`` always holds, and the character at index i of the result
    corresponds to the character at index i of the input.
    """
    out = text.translate(char_table())
    if len(out) != len(text):  # pragma: no cover - guarded by construction of the table
        raise AssertionError("normalisation changed the text length")
    return out
