"""The layout of each document, shared by the Word templates and the PDF.

Every text is a Jinja expression over the document's context, so the `.docx` template
(built from this by `templates/build.py`) and the PDF (drawn from this by `pdf.py`) carry the
same words. Widths are millimetres of the 156 mm type area of GB/T 9704.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: 黑体, 2: 楷体


@dataclass(frozen=True)
class Para:
    text: str
    indent: bool = True  # first line indented two characters
    lead: str = ""  # a run-in second-level heading before the text, in 楷体: （一）基础类：


@dataclass(frozen=True)
class Loop:
    """One paragraph per entry of a list in the context."""

    var: str
    items: str
    body: Para


@dataclass(frozen=True)
class Column:
    header: str
    width_mm: float
    cell: str
    align: str = "left"


@dataclass(frozen=True)
class Table:
    """A table with one row per entry of a list (`rows`); no header row when every header is ''."""

    rows: str
    columns: tuple[Column, ...]
    var: str = "r"
    row_height_mm: float = 0  # a minimum height, e.g. room for a signature
    font_pt: float = 12  # 小四; a wide catalogue uses 9 (小五)


@dataclass(frozen=True)
class Signature:
    """Right-aligned closing lines: the issuing unit and the date."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Sides:
    """Two columns side by side, one per party (移交 / 接收), each line a label and a blank or a value;
    part of the closing block: it stays on the page of the date."""

    left: tuple[str, ...]
    right: tuple[str, ...]


Block = Title | Heading | Para | Loop | Table | Signature | Sides
CLOSING = (Sides, Signature)  # the blocks that must share their page with the end of the body

NOTICE = (
    Title("{{ title }}"),
    Para("{{ intro }}"),
    Heading("一、项目概况"),
    Para("{{ overview }}"),
    Heading("二、改造内容"),
    Loop("a", "aspects", Para("{{ a.names }}", lead="{{ a.label }}")),
    Table("items", (Column("序号", 14, "{{ r.no }}", "center"), Column("改造项目", 62, "{{ r.name }}"),
                    Column("类别", 40, "{{ r.aspect }}"), Column("预算（元）", 40, "{{ r.budget }}", "right"))),
    Heading("三、预算及资金筹措"),
    Para("{{ budget_text }}"),
    Heading("四、公示期限"),
    Para("{{ period_text }}"),
    Heading("五、意见反馈"),
    Para("{{ feedback_text }}"),
    Para("特此公示。"),
    Signature(("{{ unit }}", "{{ date_text }}")),
)

CERTIFICATE = (
    Title("{{ title }}"),
    Heading("一、项目基本情况"),
    Table("facts", (Column("", 36, "{{ r.label }}"), Column("", 120, "{{ r.value }}"))),
    Heading("二、完成的改造内容"),
    Table("delivered", (Column("序号", 14, "{{ r.no }}", "center"), Column("改造内容", 52, "{{ r.name }}"),
                        Column("完成工程量", 90, "{{ r.quantity }}"))),
    Heading("三、验收意见"),
    Para("{{ opinion }}"),
    Para("{{ conclusion }}"),
    Heading("四、验收单位签字"),
    Table("participants", (Column("角色", 28, "{{ r.role }}"), Column("单位", 64, "{{ r.organization }}"),
                           Column("代表", 24, "{{ r.representative }}"), Column("签字（盖章）", 40, "")),
          row_height_mm=12),
    Signature(("{{ unit }}", "{{ date_text }}")),
)

HANDOVER = (
    Title("{{ title }}"),
    Para("{{ intro }}"),
    Table("documents", (Column("序号", 7, "{{ r.no }}", "center"), Column("档号", 32, "{{ r.code }}"),
                        Column("类别", 12, "{{ r.category }}"), Column("题名", 30, "{{ r.title }}"),
                        Column("责任者", 16, "{{ r.responsible }}"), Column("日期", 16, "{{ r.date }}"),
                        Column("页数", 8, "{{ r.pages }}", "right"), Column("保管期限", 11, "{{ r.retention }}"),
                        Column("SHA-256", 24, "{{ r.sha }}")), font_pt=9),
    Sides(("移交单位：{{ from_unit }}", "移交人：{{ handed_by }}", "签字：", "日期：　　年　　月　　日"),
          ("接收单位：{{ to_unit }}", "接收人：{{ received_by }}", "签字：", "日期：　　年　　月　　日")),
    Signature(("{{ unit }}", "{{ date_text }}")),
)

SUBSIDY = (
    Title("{{ title }}"),
    Para("{{ intro }}"),
    Table("figures", (Column("项目", 52, "{{ r.label }}"), Column("金额", 40, "{{ r.amount }}", "right"),
                      Column("大写", 64, "{{ r.capital }}"))),
    Para("{{ basis }}"),
    Signature(("{{ unit }}", "{{ date_text }}")),
)

FOUR_PROPERTY = (
    Title("{{ title }}"),
    Para("{{ intro }}"),
    Table("checks", (Column("检测项目", 16, "{{ r.prop }}", "center"), Column("检测对象", 62, "{{ r.item }}"),
                     Column("结果", 12, "{{ r.result }}", "center"), Column("说明", 66, "{{ r.detail }}")), font_pt=9),
    Signature(("{{ date_text }}",)),
)

LAYOUTS = {"notice": NOTICE, "acceptance-certificate": CERTIFICATE, "handover-record": HANDOVER,
           "subsidy-statement": SUBSIDY, "four-property-check": FOUR_PROPERTY}
# The title a template file carries in its properties (a generated document gets its own).
TEMPLATE_TITLES = {"notice": "改造方案公示", "acceptance-certificate": "联合竣工验收证书", "handover-record": "档案移交书",
                   "subsidy-statement": "补助资金核定表"}
