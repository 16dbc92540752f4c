"""Synthetic reports in the sample's newspaper layout, for benchmarks and batch tests.

``synth_report(departments, items, seed)`` returns text with hard line breaks every 14
characters, U+3000 indents, ``十三、…`` headings, ``1.`` items, quotes, numbers with units,
a column break (blank line in mid-sentence) every few items and page markers.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from reportexport.ingest.numerals import int_to_cn  # noqa: E402

UNITS = ("篇", "个", "项", "件", "名", "人次", "万元", "亿元", "场", "家", "期", "%")
VERBS = ("组织开展", "扎实推进", "持续深化", "创新实施", "全面提升", "高标准建设", "聚焦")
TOPICS = ("“红色智库”建设", "营商环境优化", "新媒体矩阵", "乡村振兴示范", "职工创新创效工程", "青年发展友好型城市",
          "儿童友好城市", "文艺精品创作", "科普示范基地", "侨界创新创业", "数字政府建设", "城市更新行动", "绿色低碳转型",
          "公共文化服务", "基层治理创新", "智慧口岸建设", "职业教育改革", "重点项目攻坚", "民生实事落地", "安全生产监管")
CLAUSES = ("经验做法被《学习时报》刊发报道", "获市委主要领导批示肯定", "在全省评比中获一等奖", "入选全国典型案例",
           "居全省第一", "群众满意度达到98.5%", "累计服务群众10万+人次", "形成可复制推广的经验",
           "省委、省政府领导签批6篇次", "完成投资3.38亿元", "新增就业岗位1.2万余个", "带动周边农户增收30%以上",
           "在《中国改革报》等国家级媒体刊发理论文章10余篇", "10月上旬通过省级验收", "2023-2025年度建设任务提前完成")
PLACES = ("奎文区", "潍城区", "寒亭区", "坊子区", "青州市", "诸城市", "寿光市", "安丘市", "高密市", "昌邑市", "临朐县", "昌乐县")
DEPTS = ("市委办公室", "市政府办公室", "市发展改革委", "市教育局", "市科技局", "市工业和信息化局", "市民政局",
         "市财政局", "市人社局", "市自然资源局", "市生态环境局", "市住房城乡建设局", "市交通运输局", "市农业农村局")


def _sentence(rng: random.Random) -> str:
    n = rng.choice((3, 12, 36, 120, 1.2, 9378.72, 87, 2000, 45, 6))
    unit = rng.choice(UNITS)
    place = rng.choice(PLACES)
    return f"{place}全年完成{rng.choice(TOPICS)}相关工作{n}{unit}，{rng.choice(CLAUSES)}，{rng.choice(CLAUSES)}。"


def _wrap(text: str, width: int = 14, indent: bool = True) -> list[str]:
    text = ("\u3000\u3000" if indent else "") + text
    return [text[i : i + width] for i in range(0, len(text), width)]


def synth_report(departments: int, items: int, seed: int = 0, title: str = "市直部门（单位）2023年度重点工作开展情况") -> str:
    """A report of ``departments`` × ``items`` in the newspaper layout."""
    rng = random.Random(seed)
    lines = [f" {title}", "（上接5版）"]
    count = 0
    for d in range(1, departments + 1):
        name = DEPTS[d % len(DEPTS)] + ("" if d <= len(DEPTS) else f"第{d}分局")
        lines += ["", f"{int_to_cn(d)}、{name}", ""]
        for i in range(1, items + 1):
            count += 1
            head = f"{i}.{rng.choice(VERBS)}{rng.choice(TOPICS)}。"
            body = "".join(_sentence(rng) for _ in range(rng.randint(3, 6)))
            wrapped = _wrap(head + body)
            if count % 7 == 0 and len(wrapped) > 4:  # a column break in mid-sentence
                wrapped.insert(len(wrapped) // 2, "")
            lines += wrapped
    lines.append("            （下转7版）")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    deps, its = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (27, 4)
    sys.stdout.write(synth_report(deps, its))
