"""Realistic Chinese personal names: weighted common surnames (heteronyms included), 1-2 char given names."""

from __future__ import annotations

import random
from itertools import accumulate

# (surname, relative frequency per mille, roughly after the national census ranking).
# 曾 单 解 仇 区 朴 查 覃 are read differently as surnames; they must survive every layer.
_SURNAMES: list[tuple[str, float]] = [
    ("王", 72), ("李", 72), ("张", 68), ("刘", 54), ("陈", 46), ("杨", 32), ("黄", 24),
    ("赵", 23), ("吴", 20), ("周", 19), ("徐", 14), ("孙", 14), ("马", 12), ("朱", 12),
    ("胡", 11), ("郭", 11), ("何", 10), ("林", 10), ("高", 10), ("罗", 9), ("郑", 9),
    ("梁", 9), ("谢", 7), ("宋", 7), ("唐", 6), ("许", 6), ("韩", 6), ("邓", 6), ("冯", 6),
    ("曹", 5), ("彭", 5), ("曾", 5), ("肖", 5), ("田", 4), ("董", 4), ("潘", 4), ("袁", 4),
    ("蔡", 4), ("蒋", 4), ("余", 4), ("于", 4), ("杜", 4), ("叶", 4), ("程", 3), ("魏", 3),
    ("苏", 3), ("吕", 3), ("丁", 3), ("任", 3), ("卢", 3), ("姚", 3), ("沈", 3), ("钟", 3),
    ("姜", 3), ("崔", 3), ("谭", 3), ("陆", 3), ("范", 2), ("汪", 2), ("廖", 2), ("石", 2),
    ("金", 2), ("韦", 2), ("贾", 2), ("夏", 2), ("付", 2), ("方", 2), ("邹", 2), ("熊", 2),
    ("白", 2), ("孟", 2), ("秦", 2), ("邱", 2), ("侯", 2), ("江", 2), ("尹", 2), ("薛", 2),
    ("闫", 2), ("段", 2), ("雷", 2), ("龙", 2), ("黎", 2), ("史", 2), ("陶", 2), ("贺", 2),
    ("毛", 2), ("郝", 2), ("顾", 2), ("龚", 2), ("邵", 1.5), ("万", 1.5), ("覃", 1.5),
    ("武", 1.5), ("钱", 1.5), ("戴", 1.5), ("严", 1.5), ("莫", 1.5), ("孔", 1.2), ("向", 1.2),
    ("常", 1.2), ("汤", 1.2), ("温", 1.2), ("赖", 1.2), ("洪", 1.0), ("单", 0.8), ("解", 0.6),
    ("仇", 0.4), ("区", 0.4), ("朴", 0.4), ("查", 0.4), ("欧阳", 0.6), ("司马", 0.1),
    ("上官", 0.1), ("诸葛", 0.1),
]  # fmt: skip
HETERONYM_SURNAMES = ("曾", "单", "解", "仇", "区", "朴", "查", "覃")

_MALE = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清"
    "飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善"
    "厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家"
    "致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘宇轩睿"
)
_FEMALE = (
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺"
    "媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹"
    "蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓"
    "欢霄枫芸菲寒伊亚宜可姬舒影荔丽阳妮宝贝初恒鸿桦娇纪灵玛琪晴容烁唯雯苇萱阅彦雨洋曼紫逸贤蝶"
    "菡绿蓝"
)
# Roughly a quarter of given names are a single character.
_SINGLE_RATIO = 0.28

_LATIN_GIVEN = ("JOHN", "MICHAEL", "DAVID", "ANNA", "MARIA", "KENJI", "MINJUN", "SOPHIE", "LUCAS")
_LATIN_FAMILY = ("SMITH", "JOHNSON", "MUELLER", "TANAKA", "KIM", "NGUYEN", "GARCIA", "MARTIN")


class NameGenerator:
    """Draws names from a seeded random.Random; the same generator state gives the same names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._surnames = [s for s, _ in _SURNAMES]
        self._cum = list(accumulate(w for _, w in _SURNAMES))

    def surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._cum)[0]

    def given(self, gender: str) -> str:
        pool = _MALE if gender == "男" else _FEMALE
        rng = self.rng
        if rng.random() < _SINGLE_RATIO:
            return rng.choice(pool)
        return rng.choice(pool) + rng.choice(pool)

    def full(self, gender: str) -> str:
        return self.surname() + self.given(gender)

    def foreign(self) -> str:
        return f"{self.rng.choice(_LATIN_GIVEN)} {self.rng.choice(_LATIN_FAMILY)}"


def surnames() -> list[str]:
    """Every surname the generator can produce."""
    return [s for s, _ in _SURNAMES]
