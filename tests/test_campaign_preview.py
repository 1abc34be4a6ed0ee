"""«Xem trước» shows what the chat really asks: each bubble of the preview is a question the bot
sends, with the same buttons, when a resident plays the nomination for the same campaign."""

from __future__ import annotations

from handlers.campaign_preview import campaign_preview

from .conftest import ACHIEVEMENTS, Player, register_resident


def questions(p: Player) -> list[tuple[str, tuple[str, ...]]]:
    return [(q.text, tuple(o.label for o in q.options)) for q in p.last if hasattr(q, "options")]


def test_the_preview_is_what_a_resident_is_asked(core, campaign):
    greeting, *_ = campaign_preview(campaign)[0].bubbles
    newcomer = Player(core, "new1")
    newcomer.say("/start")
    assert newcomer.question.text == greeting.text

    household = next(
        part for part in campaign_preview(campaign) if part.title == campaign.category("household").label
    )
    asked = [(b.text, b.options) for b in household.bubbles]
    p = Player(core, "res1")
    register_resident(p)
    p.press("nominate")
    seen = questions(p)
    p.say("Nguyễn Văn A")  # a name that does not say its category: the category is asked
    seen += questions(p)
    kinds = next(options for text, options in seen if "thuộc đối tượng nào" in text)
    assert kinds == tuple(c.label for c in campaign.categories)
    for answer in ("ho gia dinh", ACHIEVEMENTS):
        p.say(answer)
        seen += questions(p)
    p.say("1")  # one content chosen (none was suggested for the plain words above, or some were)
    seen += questions(p)
    p.say("20 triệu")  # below the 50 million of the household's income check
    seen += questions(p)
    p.say("Vẫn gửi")
    seen += questions(p)
    texts = [text for text, _ in seen]
    for text, options in asked:
        if text.startswith("Tiêu chí: thu nhập từ"):  # the low-income question names the typed value
            low = next(t for t in texts if t.startswith("Tiêu chí: thu nhập từ 50 triệu đồng/năm"))
            assert "(20 triệu đồng)" in low and options == next(o for t, o in seen if t == low)
            continue
        if text == campaign_preview(campaign)[1].bubbles[1].text:  # the contents: preset or not
            assert any(t in (text, "Nội dung thi đua (gợi ý theo thành tích bạn kể):") for t in texts)
            continue
        assert text in texts, (text, texts)
        if options:
            assert options == next(o for t, o in seen if t == text)
