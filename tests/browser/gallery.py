"""Writes docs/screenshots/README.md, the index of the pictures `make screenshots` took (run by
that target after the browser tests)."""
import sys
from pathlib import Path

CAPTIONS = {
    "login": "工作人员登录", "public-portal": "公开门户：已公布文件和正在征求意见的草案",
    "public-document": "公开门户：已公布文件", "public-consultation": "公开门户：征求意见与提交意见",
    "drafter-home": "起草人员的待办", "drafter-new": "新建草案", "drafter-document-precheck": "草案与合法性预检（规则名称与依据）",
    "drafter-edit": "修改草案", "drafter-consultation": "公开征求意见中的草案", "drafter-returned": "被退回的草案与具体修改意见",
    "drafter-inbox": "消息", "reviewer-home": "承办人的案件", "reviewer-document": "承办人审核文件",
    "reviewer-returned": "已退回文件的审核记录", "head-home": "审核负责人的工作台", "head-document": "审核负责人查看案件",
    "adviser-home": "法律顾问/公职律师的待办", "registrar-home": "登记人员的待办", "registrar-dashboard": "统计看板（登记人员）",
    "registrar-document": "待登记公布的文件", "auditor-home": "监督人员：文件一览、导出与操作日志",
    "auditor-dashboard": "统计看板（监督人员）", "auditor-verify": "操作日志校验", "auditor-document": "已公布文件的全部记录",
    "auditor-opinion": "审核意见书", "keyboard-focus-ring": "仅用键盘操作：焦点清晰可见",
    "phone-portal": "手机（390像素）：公开门户", "phone-document": "手机：已公布文件", "phone-consultation": "手机：征求意见",
    "phone-search": "手机：搜索", "tablet-drafter": "平板（768像素）：起草人员", "tablet-reviewer": "平板：承办人",
    "tablet-registrar": "平板：登记人员", "tablet-auditor": "平板：监督人员",
}


def main(folder: str) -> None:
    root = Path(folder)
    pictures = sorted(root.glob("*.jpg"), key=lambda p: (list(CAPTIONS).index(p.stem) if p.stem in CAPTIONS else 99, p.stem))
    lines = ["# 页面截图 · Screenshots", "",
             "Taken by the browser tests in Debian's Chromium (`make screenshots` regenerates this folder:",
             "tests/browser/test_accessibility.py, test_phones.py, test_keyboard.py). Every page here passed",
             "axe-core (WCAG 2.1 AA) with no serious or critical violation when it was taken.", ""]
    for p in pictures:
        lines += [f"## {CAPTIONS.get(p.stem, p.stem)}", "", f"![{CAPTIONS.get(p.stem, p.stem)}]({p.name})", ""]
    (root / "README.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
