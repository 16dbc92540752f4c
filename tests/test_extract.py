"""Fact extraction: metrics, dates and recognitions in item text (reportexport.extract)."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from reportexport.extract import extract_facts, extract_item_facts, parse_chinese_number
from reportexport.model import DateRef, Metric, Recognition, RecognitionType, Report

REPO = Path(__file__).resolve().parent.parent
ANNOTATION = REPO / "tests" / "fixtures" / "sample_metrics.json"
SAMPLE_TXT = REPO / "src" / "reportexport" / "samples" / "000_cf88b61c2d238c02.txt"


def _metrics(text: str) -> list[Metric]:
    return [f for f in extract_item_facts(text, 2023) if isinstance(f, Metric)]


def _dates(text: str, year: int | None = 2023) -> list[DateRef]:
    return [f for f in extract_item_facts(text, year) if isinstance(f, DateRef)]


def _recognitions(text: str) -> list[Recognition]:
    return [f for f in extract_item_facts(text, 2023) if isinstance(f, Recognition)]


# --------------------------------------------------------------------------- metrics

# (context text, raw, value, unit, qualifier); the first block is quoted from the sample.
METRICS = [
    ("编报《决策参阅》12期，", "12期", 12, "期", None),
    ("省委、省政府领导签批6篇次，", "6篇次", 6, "篇次", None),
    ("在市级以上报刊发表文章36篇，", "36篇", 36, "篇", None),
    ("2名教师分别荣获二等奖", "2名", 2, "名", None),
    ("选取70余首与潍坊有关的古诗词", "70余首", 70, "首", "余"),
    ("阅读量10万+及播放量", "10万+", 100000, "", "以上"),
    ("播放量100万以上的作品", "100万以上", 1000000, "", "以上"),
    ("头条号等30多个平台", "30多个", 30, "个", "多"),
    ("综合粉丝量超过2000万。", "超过2000万", 20000000, "", "超过"),
    ("委员18名，", "18名", 18, "名", None),
    ("福建四省先进地区", "四省", 4, "省", None),
    ("音乐会等7项活动", "7项", 7, "项", None),
    ("刊发理论文章10余篇。", "10余篇", 10, "篇", "余"),
    ("形成了10余个宣讲课件", "10余个", 10, "个", "余"),
    ("开展党史宣讲20余场，", "20余场", 20, "场", "余"),
    ("接待参观团队600余批次，", "600余批次", 600, "批次", "余"),
    ("培训4万余人次，", "4万余人次", 40000, "人次", "余"),
    ("订单化接团率达87%以上，", "87%以上", 0.87, "%", "以上"),
    ("参观人员满意度达100%。", "100%", 1.0, "%", None),
    ("先后两次专题听取", "两次", 2, "次", None),
    ("作为全国6个地级市之一", "6个", 6, "个", None),
    ("杨东奇7次批示肯定", "7次", 7, "次", None),
    ("建设代表联络站72个。", "72个", 72, "个", None),
    ("9260多名五级代表", "9260多名", 9260, "名", "多"),
    ("等七个方面发挥标杆作用", "七个", 7, "个", None),
    ("整改落实四个阶段，", "四个", 4, "个", None),
    ("开展专项监督20余次，", "20余次", 20, "次", "余"),
    ("项目概算投资3.38亿元。", "3.38亿元", 338000000, "元", None),
    ("济南三市入选", "三市", 3, "市", None),
    ("最快较平时缩短20天，", "20天", 20, "天", None),
    ("占地50000平方米，", "50000平方米", 50000, "平方米", None),
    ("总投资9378.72万元的", "9378.72万元", 93787200, "元", None),
    ("一次存储10.5万吨、", "10.5万吨", 105000, "吨", None),
    ("进境粮食900万吨的生产能力", "900万吨", 9000000, "吨", None),
    ("参与活动2503人次，", "2503人次", 2503, "人次", None),
    ("关注清单1373条、", "1373条", 1373, "条", None),
    ("全年共开展活动60余次，", "60余次", 60, "次", "余"),
    ("分工联系178家委员企业", "178家", 178, "家", None),
    ("近千名领导干部", "近千名", 1000, "名", "近"),
    ("司法修复基地15处，", "15处", 15, "处", None),
    ("3起案例入选", "3起", 3, "起", None),
    ("两案例入选最高检典型案例", "两案例", 2, "案例", None),
    ("给予3万元至5万元专项补助资金", "3万元至5万元", (30000, 50000), "元", None),
    ("宣讲活动300余场次，", "300余场次", 300, "场次", "余"),
    ("覆盖职工近50余万人次。", "近50余万人次", 500000, "人次", "近、余"),
    ("吸引全国3500个优质项目，", "3500个", 3500, "个", None),
    ("1.2万余名创业青年", "1.2万余名", 12000, "名", "余"),
    ("发放文明婚俗倡议书1800余份，", "1800余份", 1800, "份", "余"),
    ("调解申请离婚夫妻14941对。", "14941对", 14941, "对", None),
    ("招募巾帼志愿服务队伍75支，", "75支", 75, "支", None),
    ("百个巾帼志愿服务项目", "百个", 100, "个", None),
    ("百堂巾帼志愿赋能培训课程", "百堂", 100, "堂", None),
    ("第二批114人评审入库", "114人", 114, "人", None),
    ("3部作品获泰山文学奖", "3部", 3, "部", None),
    ("公益展演培训超200场次。", "超200场次", 200, "场次", "超"),
    ("完成过亿元招商引资项目2个", "过亿元", 100000000, "元", "过"),
    ("到位资金2000万元；", "2000万元", 20000000, "元", None),
    ("计划总投资10亿元，", "10亿元", 1000000000, "元", None),
    # texts of my own
    ("补助标准为3-5万元。", "3-5万元", (30000, 50000), "元", None),
    ("增速提高1.7个百分点。", "1.7个百分点", 1.7, "个百分点", None),
    ("PM2.5平均浓度降到32.4微克/立方米。", "32.4微克/立方米", 32.4, "微克/立方米", None),
    ("吞吐量增长1.6倍。", "1.6倍", 1.6, "倍", None),
    ("受理诉求4000多万件。", "4000多万件", 40000000, "件", "多"),
    ("粮食总产稳定在1100亿斤以上。", "1100亿斤以上", 110000000000, "斤", "以上"),
    ("财政民生支出突破万亿元。", "突破万亿元", 10**12, "元", "突破"),
    ("节约资金约20万元。", "约20万元", 200000, "元", "约"),
    ("增长１２％。", "１２％", 0.12, "%", None),
    ("新增就业124.9万人，", "124.9万人", 1249000, "人", None),
    ("近3年年均增速", "近3年", 3, "年", "近"),
]


@pytest.mark.parametrize(("text", "raw", "value", "unit", "qualifier"), METRICS, ids=[m[1] for m in METRICS])
def test_metric_table(text: str, raw: str, value: object, unit: str, qualifier: str | None) -> None:
    found = [m for m in _metrics(text) if m.raw == raw]
    assert found, f"{raw!r} not found in {text!r}: {_metrics(text)}"
    metric = found[0]
    assert metric.kind == "metric"
    if isinstance(value, tuple):
        assert metric.value == pytest.approx(value)
    else:
        assert metric.value == pytest.approx(value, rel=1e-12)
    assert (metric.unit, metric.qualifier) == (unit, qualifier)
    assert text[metric.start:metric.end] == raw


def test_metric_table_is_large_enough() -> None:
    assert len(METRICS) >= 60


# Texts in which no metric may be found: names, dates, ordinals, labels, formulas, vague amounts.
NOT_METRICS = [
    "深化拓展“三个模式”再作潍坊新贡献",
    "紧扣市委“七个加力突破”要求",
    "全面启用“潍县战役”“十大工程”等应用场景",
    "主题教育、五大优势、文化潍坊",
    "党的二十大精神、中国工会十八大精神",
    "构建六大服务平台",
    "创新开展“两官”评议",
    "“五强”目标",
    "在全省首创“1+1+N”工会社工工作室建设模式",
    "实施“百名作家写潍坊”",
    "《她的三重奏》",
    "在“建设更好潍坊·金点子”第一期评选中",
    "在《今日信息》第52期刊发",
    "在第十一次全国归侨侨眷代表大会上",
    "稻田法庭入选全国法院第五批新时代人民法庭建设案例",
    "潍坊日报社位居第三名",
    "2023年9月，",
    "12月24日，全国人大召开",
    "2023-2025年度创新驱动示范市",
    "以改革开放45周年、潍坊国际风筝会40周年为契机",
    "市、县、镇三级人大",
    "市、县两级委员参与活动",
    "推出一批特色法庭",
    "观摩了中院一起庭审",
    "形成一次存储能力",
    "在一个多月的深入调查研究基础上",
    "全市已有潍坊1532文化产业园",
    "全省PM2.5平均浓度",
    "作品达到数百件",
    "目前已多次到团中央汇报对接",
    "贯彻落实习近平总书记关于党史史志工作的重要指示批示精神",
    "新签约作家",
    "济南机场二期",
    "沿海港口万吨级以上泊位",
    "建设10万吨级泊位",
    "千人口床位数",
    "万元生产总值能耗",
    "深入贯彻中央八项规定精神",
    "千家万户",
]


@pytest.mark.parametrize("text", NOT_METRICS)
def test_not_metrics(text: str) -> None:
    assert _metrics(text) == []


def test_list_label_is_not_a_metric() -> None:
    text = "1.围绕中心发出正能量最强音。阅读量10万+"
    assert [m.raw for m in _metrics(text)] == ["10万+"]


# --------------------------------------------------------------------------- dates

DATES = [
    ("2023年11月，该公司被命名", "2023年11月", "2023-11", None, None, False),
    ("12月24日，全国人大召开", "12月24日", "2023-12-24", None, None, True),
    ("9月，中共中央政治局常委", "9月", "2023-09", None, None, True),
    ("10月上旬，海关总署正式批复", "10月上旬", "2023-10", None, "上旬", True),
    ("7月7日，顺利完成海关总署验收", "7月7日", "2023-07-07", None, None, True),
    ("已于12月中旬正式颁布施行", "12月中旬", "2023-12", None, "中旬", True),
    ("开展了2023-2025年度创新驱动示范市创建工作", "2023-2025年度", "2023", "2025", None, False),
    ("成功推荐诸城市为“2023年度国务院综合督查予以支持单位”", "2023年度", "2023", None, None, False),
    ("2023年9月，在省委宣传部", "2023年9月", "2023-09", None, None, False),
    ("2023年以来，已累计接待", "2023年", "2023", None, None, False),
    ("2024年3月5日召开", "2024年3月5日", "2024-03-05", None, None, False),
]


@pytest.mark.parametrize(("text", "raw", "value", "until", "part", "inferred"), DATES, ids=[d[1] for d in DATES])
def test_date_table(text: str, raw: str, value: str, until: str | None, part: str | None, inferred: bool) -> None:
    dates = [d for d in _dates(text) if d.raw == raw]
    assert dates, f"{raw!r} not found in {text!r}: {_dates(text)}"
    d = dates[0]
    assert d.kind == "date"
    assert (d.value, d.until, d.part, d.year_inferred) == (value, until, part, inferred)
    assert text[d.start:d.end] == raw


def test_two_dates_in_a_row() -> None:
    assert [d.value for d in _dates("10月、12月，全国人大研究室")] == ["2023-10", "2023-12"]


def test_date_without_report_year() -> None:
    (d,) = _dates("12月24日，", year=None)
    assert (d.value, d.year_inferred) == ("--12-24", False)


def test_invalid_month_is_not_a_date() -> None:
    assert _dates("共13月") == []


# --------------------------------------------------------------------------- recognitions

RECOGNITIONS = [
    ("市委领导批示肯定，", "批示肯定", RecognitionType.endorsement, "市委领导", None),
    ("省委、省政府领导签批6篇次，", "签批", RecognitionType.endorsement, "省委、省政府领导", None),
    ("市委、市政府主要领导分别签批7篇次", "签批", RecognitionType.endorsement, "市委、市政府主要领导", None),
    ("获省委主要领导批示。", "批示", RecognitionType.endorsement, "省委主要领导", None),
    ("相关经验做法分别得到省政协主席葛慧君、市委主要领导批示肯定，", "批示肯定",
     RecognitionType.endorsement, "省政协主席葛慧君、市委主要领导", None),
    ("省政协主席葛慧君来潍坊调研期间，对我市政协“界别同心汇”创建工作给予充分肯定。", "给予充分肯定",
     RecognitionType.endorsement, "省政协主席葛慧君", None),
    ("各项工作得到全国人大和省人大高度肯定。", "高度肯定", RecognitionType.endorsement, "全国人大和省人大", None),
    ("“四解工作法”获省委政法委通报表扬。", "通报表扬", RecognitionType.endorsement, "省委政法委", None),
    ("省人大常委会主任杨东奇7次批示肯定我市人大相关做法", "批示肯定", RecognitionType.endorsement,
     "省人大常委会主任杨东奇", None),
    ("省委常委、政法委书记李猛来潍调研时给予肯定。", "给予肯定", RecognitionType.endorsement,
     "省委常委、政法委书记李猛", None),
    ("在全市市直机关党建品牌“擂台赛”中荣获二等奖，", "二等奖", RecognitionType.award, None, None),
    ("2名教师分别荣获二等奖和优秀奖。", "优秀奖", RecognitionType.award, None, None),
    ("项目斩获大赛金奖，", "金奖", RecognitionType.award, None, None),
    ("在评比中获优秀等次。", "优秀等次", RecognitionType.award, None, None),
    ("市侨联被人社部、中国侨联表彰为“全国侨联系统先进集体”", "先进集体", RecognitionType.award, "人社部、中国侨联", None),
    ("3件作品入选全国摄影艺术展", "入选全国摄影艺术展", RecognitionType.selection, None, None),
    ("两案例入选最高检典型案例。", "入选最高检典型案例", RecognitionType.selection, None, None),
    ("潍坊港智慧口岸建设项目列入国家试点。", "列入国家试点", RecognitionType.selection, None, None),
    ("经验做法被《学习时报》刊发报道，", "被《学习时报》刊发", RecognitionType.publication, None, "学习时报"),
    ("在《中国改革报》等国家级媒体刊发理论文章10余篇。", "在《中国改革报》等国家级媒体刊发",
     RecognitionType.publication, None, "中国改革报"),
    ("被省政协《工作交流》《人民政协报》《联合日报》等刊发推介。", "《联合日报》等刊发",
     RecognitionType.publication, None, "工作交流、人民政协报、联合日报"),
    ("3项工作获督查激励，居全省第一。", "居全省第一", RecognitionType.ranking, None, None),
    ("为全省唯一。", "全省唯一", RecognitionType.ranking, None, None),
    ("34人当选理事会理事，居全省前列。", "居全省前列", RecognitionType.ranking, None, None),
    ("潍坊日报社位居第三名。", "第三名", RecognitionType.ranking, None, None),
    ("该创新举措走在了全省的前列，", "走在了全省的前列", RecognitionType.ranking, None, None),
]


@pytest.mark.parametrize(("text", "part", "type_", "by", "outlet"), RECOGNITIONS, ids=[r[0][:12] for r in RECOGNITIONS])
def test_recognition_table(text: str, part: str, type_: RecognitionType, by: str | None, outlet: str | None) -> None:
    found = [r for r in _recognitions(text) if r.type is type_ and part in r.raw]
    assert found, f"no {type_.value} containing {part!r} in {text!r}: {_recognitions(text)}"
    rec = found[0]
    assert rec.kind == "recognition"
    assert rec.by == by
    assert rec.outlet == outlet
    assert text[rec.start:rec.end] == rec.raw


@pytest.mark.parametrize("text", [
    "贯彻落实习近平总书记关于党史史志工作的重要指示批示精神，",
    "深入学习贯彻习近平总书记重要指示批示精神",
    "泰山文艺奖获奖数量居全省前列",
    "分别获得省赛奖项。",
    "以市委、市政府名义印发《关于成立市决策咨询委员会的通知》3个文件。",
])
def test_not_endorsements_or_awards(text: str) -> None:
    recs = _recognitions(text)
    assert not [r for r in recs if r.type in (RecognitionType.endorsement, RecognitionType.award,
                                               RecognitionType.publication)], recs


def test_a_recognition_inside_a_longer_one_of_its_type_is_dropped_not_one_of_another_type() -> None:
    # 一等奖 is found alone and as the end of 市社科优秀成果一等奖 (the second prize of a list)
    awards = [(r.raw, r.start) for r in _recognitions("获评全省优秀调研成果奖、市社科优秀成果一等奖，另一课题获二等奖。")]
    assert awards == [("获评全省优秀调研成果奖", 0), ("市社科优秀成果一等奖", 12), ("获二等奖", 27)]
    # a ranking inside a selection stays: they say different things
    kinds = [(r.type, r.raw) for r in _recognitions("该项目入选全国唯一试点。")]
    assert kinds == [(RecognitionType.selection, "入选全国唯一试点"), (RecognitionType.ranking, "全国唯一")]


def test_facts_are_built_as_the_model_classes_and_the_builders_follow_their_fields() -> None:
    from pydantic.dataclasses import dataclass

    from reportexport import extract

    metric = extract._metric("36篇", 0, 3, 36.0, "篇", None)
    assert type(metric) is Metric and metric == Metric(raw="36篇", start=0, end=3, value=36.0, unit="篇")
    date = extract._date("12月24日", 0, 6, "2023-12-24", year_inferred=True)
    assert date == DateRef(raw="12月24日", start=0, end=6, value="2023-12-24", year_inferred=True)

    @dataclass(frozen=True, slots=True, kw_only=True)
    class Odd:  # a builder takes the fields in order: an optional one cannot come first
        kind: str = "odd"
        note: str = ""
        start: int

    with pytest.raises(AssertionError, match="a required field follows an optional one"):
        extract._builder(Odd)


def test_facts_are_sorted_and_metrics_do_not_overlap_dates() -> None:
    text = "2023年9月，省人大常委会主任杨东奇7次批示肯定，投资3.38亿元，12月24日召开，居全省第一。"
    facts = extract_item_facts(text, 2023)
    assert [f.start for f in facts] == sorted(f.start for f in facts)
    spans = [(f.start, f.end) for f in facts if f.kind in ("metric", "date")]
    for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
        assert a1 <= b0
    assert {f.kind for f in facts} == {"metric", "date", "recognition"}


def test_parse_chinese_number() -> None:
    cases = {"两": 2, "十": 10, "十三": 13, "二十一": 21, "百": 100, "三千五百": 3500, "一万二千": 12000,
             "千": 1000, "亿": 100000000, "万亿": 10**12, "九千九百九十九": 9999}
    assert {k: parse_chinese_number(k) for k in cases} == cases


# --------------------------------------------------------------------------- offsets property

_ALPHABET = st.sampled_from(list(
    "0123456789０１２.．%％+＋-~至余多近超过以上万亿千百十一二两三四五六七八九年月日旬上中下度第"
    "个项件人名次元吨对期篇场家条份部首批处起支天级口民，。、；：“”《》（）被在获荣评为入选列刊发报道批示肯定"
    "签居全省市国唯一前列首创奖等金优秀潍坊 \n"
))


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join), st.one_of(st.none(), st.integers(1990, 2100)))
def test_offsets_slice_back_to_raw_on_generated_text(text: str, year: int | None) -> None:
    facts = extract_item_facts(text, year)
    assert [f.start for f in facts] == sorted(f.start for f in facts)
    for f in facts:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end] == f.raw


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_any_text_extracts_without_error(text: str) -> None:
    for f in extract_item_facts(text, 2023):
        assert text[f.start:f.end] == f.raw


def test_extract_facts_fills_every_item_and_leaves_input_alone(tiny_report: Report) -> None:
    out = extract_facts(tiny_report)
    assert all(item.facts == () for _d, item in tiny_report.items())
    first = out.departments[0].items[0]
    assert [(f.raw, f.value) for f in first.facts if isinstance(f, Metric)] == [("10万+", 100000), ("100万以上", 1000000)]
    second = out.departments[0].items[1]
    kinds = {(f.kind, f.raw) for f in second.facts}
    assert ("metric", "超过2000万") in kinds and ("recognition", "居全省第一") in kinds
    # The copy round-trips through JSON with its facts (the interchange format).
    again = Report.model_validate_json(out.model_dump_json())
    assert again == out
    assert [d.id for d in out.departments] == [d.id for d in tiny_report.departments]


# --------------------------------------------------------------------------- the sample

def _load_eval_tool():
    spec = importlib.util.spec_from_file_location("facts_eval", REPO / "tools" / "facts_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("facts_eval", module)  # dataclasses look their module up
    spec.loader.exec_module(sys.modules["facts_eval"])
    return sys.modules["facts_eval"]


@pytest.fixture(scope="module")
def sample_with_facts() -> Report:
    from reportexport.api import load_report

    return extract_facts(load_report([SAMPLE_TXT]))


def test_annotation_covers_all_61_items() -> None:
    annotation = json.loads(ANNOTATION.read_text(encoding="utf-8"))["items"]
    assert len(annotation) == 61
    assert sum(len(v) for v in annotation.values()) >= 100


def test_sample_metrics_precision_and_recall(sample_with_facts: Report) -> None:
    tool = _load_eval_tool()
    annotation = tool.load_annotation(ANNOTATION)
    assert {i.id for _d, i in sample_with_facts.items()} == set(annotation)
    score = tool.score(sample_with_facts, annotation)
    assert score.precision >= 0.95, score.false_positives
    assert score.recall >= 0.95, score.false_negatives


def test_eval_tool_repeats_the_work_it_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    tool = _load_eval_tool()
    calls: list[str] = []
    monkeypatch.setattr(tool, "load_sample", lambda: calls.append("read") or "report")
    monkeypatch.setattr(tool, "extract_facts", lambda report: calls.append(f"extract {report}"))
    tool._repeat("extract", 3)
    assert calls == ["read"] + ["extract report"] * 4  # one of each first, then the runs counted
    calls.clear()
    tool._repeat("read", 2)
    assert calls == ["read", "extract report", "read", "read"]
    monkeypatch.setattr(tool.shutil, "which", lambda name: None)
    assert tool.count_instructions() is None  # no valgrind: nothing counted, nothing made up


def test_sample_offsets_slice_back(sample_with_facts: Report) -> None:
    count = 0
    for _dep, item in sample_with_facts.items():
        for f in item.facts:
            assert item.text[f.start:f.end] == f.raw, (item.id, f)
            count += 1
    assert count > 250


def test_sample_annotated_raws_are_in_item_texts(sample_with_facts: Report) -> None:
    annotation = json.loads(ANNOTATION.read_text(encoding="utf-8"))["items"]
    texts = {i.id: i.text for _d, i in sample_with_facts.items()}
    for item_id, metrics in annotation.items():
        for m in metrics:
            assert m["raw"] in texts[item_id], (item_id, m["raw"])


# --------------------------------------------------------------------------- fact objects

def _same_as_validated(fact) -> None:
    """A fact built by the extractor equals the one pydantic validates from its fields."""
    adapter = TypeAdapter(type(fact))
    again = adapter.validate_python(dataclasses.asdict(fact))
    assert again == fact
    assert repr(again) == repr(fact)
    assert adapter.dump_json(again) == adapter.dump_json(fact)
    assert [type(getattr(again, f.name)) for f in dataclasses.fields(fact)] == [
        type(getattr(fact, f.name)) for f in dataclasses.fields(fact)]
    assert type(fact)(**dataclasses.asdict(fact)) == fact
    assert hash(again) == hash(fact)


_ALL_TABLE_TEXTS = [row[0] for row in METRICS] + [row[0] for row in RECOGNITIONS]


@pytest.mark.parametrize("text", _ALL_TABLE_TEXTS, ids=[t[:12] for t in _ALL_TABLE_TEXTS])
def test_table_facts_equal_validated_models(text: str) -> None:
    facts = extract_item_facts(text, 2023)
    assert facts
    for fact in facts:
        _same_as_validated(fact)
    with pytest.raises(Exception):
        facts[0].raw = "changed"  # still frozen


def test_sample_facts_equal_validated_models(sample_with_facts: Report) -> None:
    count = 0
    for _dep, item in sample_with_facts.items():
        for fact in item.facts:
            _same_as_validated(fact)
            count += 1
    assert count > 250


# --------------------------------------------------------------------------- the fast search

def _reference_facts(text: str, year: int | None) -> list[tuple[str, int, int]]:
    """Dates and metrics found the plain way: ``finditer`` / ``search`` over every position."""
    from reportexport import extract as x

    dates = [m.span() for m in x._DATE_RX.finditer(text)]
    taken = dates + x._quote_spans(text) + x._idiom_spans(text)  # names paired on a stack, every idiom
    found = [("date", a, b) for a, b in dates]

    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in taken)

    for m in x._RANGE_RX.finditer(text):
        if free(*m.span()) and x._range_metric(m):
            found.append(("metric", *m.span()))
            taken.append(m.span())
    pos = 0
    while (m := x._METRIC_RX.search(text, pos)) is not None:
        start, end = m.span()
        if free(start, end) and not x._CLASS_AFTER_RX.match(text, end) and x._single_metric(m):
            found.append(("metric", start, end))
            taken.append((start, end))
            pos = end
        else:
            pos = start + 1
    return sorted(found)


_NUMBER_ALPHABET = st.one_of(
    st.sampled_from(list("0123456789０１.%+-至到余多万亿千百十零一二两三四五六年月日号旬第个项人次元吨级口，。“”《》 \n")),
    st.sampled_from(["接近", "将近", "超过", "突破", "不足", "不到", "近", "超", "逾", "约", "过", "最近", "赶超",
                     "节约", "2023年", "12月24日", "2023-2025年度", "3万元至5万元", "千家万户", "人口"]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_NUMBER_ALPHABET, max_size=40).map("".join), st.one_of(st.none(), st.just(2023)))
def test_number_start_search_finds_what_a_full_search_finds(text: str, year: int | None) -> None:
    facts = extract_item_facts(text, year)
    got = sorted((f.kind, f.start, f.end) for f in facts if f.kind in ("date", "metric"))
    assert got == _reference_facts(text, year)


def test_number_start_search_on_corpus_lines() -> None:
    texts = [line for line in SAMPLE_TXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    corpus = REPO.parent / "shared" / "corpus"
    for path in sorted(corpus.glob("*.txt")):
        texts += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 100
    for text in texts:
        got = sorted((f.kind, f.start, f.end) for f in extract_item_facts(text, 2023)
                     if f.kind in ("date", "metric"))
        assert got == _reference_facts(text, 2023), text


# --------------------------------------------------------------------------- exact arithmetic and rewrites

_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=9)


@settings(max_examples=500, deadline=None)
@given(_DIGITS, st.one_of(st.none(), _DIGITS), st.sampled_from([None, "百", "千", "万", "亿", "万亿"]),
       st.sampled_from(["", "个", "%", "‰"]), st.booleans())
def test_metric_value_is_the_exact_decimal_rounded_once(whole: str, fraction: str | None, mag: str | None,
                                                        unit: str, fullwidth: bool) -> None:
    from decimal import Decimal, localcontext

    from reportexport import extract as x

    num = whole + ("." + fraction if fraction else "")
    with localcontext() as ctx:
        ctx.prec = 60  # exact for these sizes
        exact = Decimal(num) * x._MAGNITUDE.get(mag or "", 1) / {"%": 100, "‰": 1000}.get(unit, 1)
    if fullwidth:
        num = num.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    assert float(x._metric_value(num, mag, unit)) == float(exact)


def test_unit_trie_matches_what_the_plain_alternation_matches() -> None:
    import re

    from reportexport import extract as x

    plain = re.compile("(?:" + "|".join(re.escape(u) for u in x._UNITS) + ")")
    trie = re.compile(x._UNIT_RX)
    for unit in x._UNITS:
        for tail in ("", "次", "米", "级", "月", "分点"):
            text = unit + tail
            assert trie.match(text).group() == plain.match(text).group(), text  # type: ignore[union-attr]
    assert trie.match("两") is None and plain.match("两") is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab，,。；;：:！!？?\n领导", max_size=30), st.data())
def test_clause_start_is_after_the_last_clause_end(text: str, data: st.DataObject) -> None:
    from reportexport import extract as x

    at = data.draw(st.integers(0, len(text)))
    assert x._clause_start(text, at) == max(text.rfind(ch, 0, at) for ch in x._CLAUSE_END) + 1


def test_extract_facts_copies_as_model_copy_does(tiny_report: Report) -> None:
    fields_before = [set(item.model_fields_set) for _d, item in tiny_report.items()]
    out = extract_facts(tiny_report)
    assert any(item.facts for _d, item in out.items())
    for (_d, before), (_e, after), fields in zip(tiny_report.items(), out.items(), fields_before, strict=True):
        assert after == before.model_copy(update={"facts": after.facts})
        assert after.model_fields_set == fields | {"facts"}
        assert before.facts == () and before.model_fields_set == fields  # the input is left alone


# --------------------------------------------------------------------------- fast paths against the plain way

_QUOTE_ALPHABET = st.sampled_from(list('“”《》「」『』〈〉"ab3个') + ["x" * 41])


@settings(max_examples=600, deadline=None)
@given(st.lists(_QUOTE_ALPHABET, max_size=30).map("".join))
@example("“" + "x" * 41 + "”")  # too long for a name: speech
@example("《a“3个”b》")  # nested
def test_quote_pairs_regex_finds_what_the_stack_pairing_finds(text: str) -> None:
    from reportexport import extract as x

    assert x._name_spans(text) == x._quote_spans(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_facts_are_in_the_full_sort_order(text: str) -> None:
    order = {"recognition": 0, "metric": 1, "date": 2}
    facts = list(extract_item_facts(text, 2023))
    assert facts == sorted(facts, key=lambda f: (f.start, order[f.kind], -f.end))


def test_fact_order_on_corpus_lines() -> None:
    order = {"recognition": 0, "metric": 1, "date": 2}
    texts = [line for line in SAMPLE_TXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in sorted((REPO.parent / "shared" / "corpus").glob("*.txt")):
        texts += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for text in texts:
        facts = list(extract_item_facts(text, 2023))
        assert facts == sorted(facts, key=lambda f: (f.start, order[f.kind], -f.end)), text


_IDIOM_ALPHABET = st.one_of(
    st.sampled_from(list("0123456789.至-万亿千百十一两三四五个项人次元年月级“”")),
    st.sampled_from(["千家万户", "亿万", "两个一百年", "两个毫不动摇", "三大攻坚战", "一举两得", "近", "超过", "3万元至5万元"]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_IDIOM_ALPHABET, max_size=25).map("".join))
def test_idioms_marked_on_demand_block_what_all_idioms_block(text: str) -> None:
    facts = extract_item_facts(text, 2023)
    got = sorted((f.kind, f.start, f.end) for f in facts if f.kind in ("date", "metric"))
    assert got == _reference_facts(text, 2023)


# --------------------------------------------------------------------------- recognition patterns that start with a literal

# The patterns as they were written with their optional front parts (a lookahead first, so
# sre tried them at every position); the extractor now finds the part after those and looks
# back for the front (``_back_over``, ``_pub_lead``).  Both must find the same spans.
_FRONT_FIRST = {
    "endorsement": (
        r"(?=[作做重批签给予高充通肯])(?:作出|做出)?(?:重要)?"
        r"(?P<t>批示肯定|签批|批示|给予了?充分肯定|予以充分肯定|给予了?高度肯定|给予了?肯定|予以肯定|"
        r"高度肯定|充分肯定|通报表扬|高度评价|(?<=[到受获])肯定|(?<=领导)肯定)"),
    "publication": (
        r"(?=[被在《“])(?P<lead>(?:被|在)[^，。；《》“”]{0,6})?"
        r"(?P<titles>(?:《[^《》]{1,40}》[、和及]?)+|(?<=被)(?:“[^“”]{1,20}”[、和及]?)+)"
        r"[^，。；《》“”]{0,8}?"
        r"(?=[专刊转推报发])(?:专版报道|专题报道|刊发报道|刊发推介|刊发|刊登|刊载|转发|推介|报道|发表)"),
    "ranking": (
        r"(?=[位居系为均列全省市走第])(?:(?:位?居|系|为|均居|列)?(?:全国|全省|全市|全球|全县|全区|省内|市内)"
        r"(?:各市|各地市|同类城市)?(?:第[一二三四五六七八九十0-9]+名?|前列|唯一|首位|首创|首家)"
        r"|走在了?(?:全国|全省|全市)的?前列|(?:位?居)?第[一二三四五六七八九十0-9]+名)"),
    "award": (
        r"(?=[荣斩获一二三四特优金银铜提推])(?:(?P<named>(?:荣获|斩获|获得|获评|获)"
        r"[^\s，。；、“”《》（）()]{2,20}?奖(?![项励金补品状]))"
        r"|(?:[一二三四特]等奖|优秀奖|金奖|银奖|铜奖|优胜奖|提名奖|推荐奖))"),
}


def _front_first_spans(kind: str, text: str) -> list[tuple[int, int]]:
    import re

    from reportexport import extract as x

    spans = []
    for m in re.finditer(_FRONT_FIRST[kind], text):
        if kind == "endorsement":
            t0 = m.start("t")
            if (t0 >= 2 and text.startswith("指示", t0 - 2)) or text.startswith("批示精神", t0):
                continue
            spans.append((x._who_before(text, m.start())[1], m.end()))
        else:
            spans.append(m.span())
    return spans


def _found_spans(kind: str, text: str) -> list[tuple[int, int]]:
    from reportexport import extract as x

    out: list[Recognition] = []
    if kind == "endorsement":
        x._endorsements(text, out)
    elif kind == "publication":
        x._publications(text, out)
    elif kind == "ranking":
        x._rankings(text, out)
    else:
        return [m.span() for m in x._AWARD_PRIZE_RX.finditer(text)]
    return [(r.start, r.end) for r in out]


_RECOGNITION_ALPHABET = st.one_of(
    st.sampled_from(list("作做出重要批示签肯定给予了充分高度通报表扬评价到受获领导指精神被在《》“”学习时报刊发登转推介、和及"
                         "，。；位居系为均列全国省市内球县区各地同类城第一二三十0名前唯首创家走的荣斩得奖优秀金银项")),
    st.sampled_from(["作出重要批示", "做出", "重要指示批示精神", "给予充分肯定", "领导肯定", "《学习时报》", "“学习强国”",
                     "刊发报道", "位居全省第一", "均居全市前列", "走在全国前列", "居第三名", "全省各地市第一名",
                     "荣获", "一等奖", "获评优秀奖", "在国家级媒体", "被", "省委主要领导"]),
)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(sorted(_FRONT_FIRST)), st.lists(_RECOGNITION_ALPHABET, max_size=30).map("".join))
@example("publication", "被省委主要领导《学习时报》刊发")  # six characters between: the lead reaches
@example("publication", "被省委主要领导一《学习时报》刊发")  # seven: it does not
@example("publication", "在，被《学习时报》刊发《学习时报》报道")
@example("endorsement", "作出重要批示作出重要批示")
@example("ranking", "位居全省第一位居第三名")
def test_literal_first_recognition_patterns_find_what_the_front_first_ones_found(kind: str, text: str) -> None:
    assert _found_spans(kind, text) == _front_first_spans(kind, text)


def test_recognition_patterns_start_with_a_literal() -> None:
    """sre skips to the candidates of a pattern whose first item is a literal or a class
    (its compiled INFO block carries a literal prefix or a charset); these are the ones that
    run on most texts."""
    import re._compiler as compiler
    import re._parser as parser

    from reportexport import extract as x

    for rx in (x._ENDORSE_RX, x._PUB_RX, x._RANK_RX, x._AWARD_PRIZE_RX, x._AWARD_HONOUR_RX, x._SELECT_RX,
               x._NUM_START_RX, x._QUOTE_TOKEN_RX):
        code = compiler._code(parser.parse(rx.pattern, rx.flags), rx.flags)
        assert code[0] == compiler.INFO and code[2] & (compiler.SRE_INFO_PREFIX | compiler.SRE_INFO_CHARSET), rx.pattern[:40]
