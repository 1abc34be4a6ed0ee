"""The office's citation: the suggestion made from a submitter's text keeps the deed and drops
money, and a citation staff wrote wins over it."""

import pytest

from domain.citation import shown, suggest


@pytest.mark.parametrize(
    "typed, expected",
    [
        (
            "tháng 5 vừa rồi hiến 150m2 đất làm đường, thu nhập hơn 200 triệu/năm. Hay giúp đỡ hàng xóm. "
            "Tham gia tổ hòa giải.",
            "Tháng 5 hiến 150 m² đất làm đường. Hay giúp đỡ hàng xóm.",
        ),
        (
            "Trong 3 ha hoi, thu nhap 120 trieu/nam, hien 200 m2 dat lam duong be tong cua thon.",
            "Trong 3 ha hoi, hien 200 m² dat lam duong be tong cua thon.",
        ),
        ("nuôi 50 con lợn, bán được 1,2 tỷ đồng", "Nuôi 50 con lợn, bán được."),
        ("Lãi 60tr mỗi năm từ nuôi lợn", ""),
        ("", ""),
    ],
)
def test_suggestion_keeps_the_deed_and_drops_money(typed, expected):
    assert suggest(typed) == expected


def test_the_office_citation_wins_over_the_suggestion():
    assert (
        shown("  Hiến 150 m² đất  làm đường thôn. ", "thu nhập 200 triệu")
        == "Hiến 150 m² đất làm đường thôn."
    )
    assert shown(None, "hiến đất làm đường") == "Hiến đất làm đường."
