"""Personal data is masked in the query before it leaves the machine, and the user is told."""

import pytest

from rag.web.privacy import luhn_ok, mask_query


@pytest.mark.parametrize("query, sent, found", [
    ("email kim.lee+news@example.co.kr about the bridge", "email [email] about the bridge", ("e-mail address",)),
    ("call 010-1234-5678 for tickets", "call [phone] for tickets", ("phone number",)),
    ("call (415) 555-2671 or +44 20 7946 0958", "call [phone] or [phone]", ("phone number", "phone number")),
    ("주민등록번호 900101-1234567 조회", "주민등록번호 [id-number] 조회", ("resident registration number",)),
    ("rrn 0203154123456 lookup", "rrn [id-number] lookup", ("resident registration number",)),
    ("card 4111 1111 1111 1111 expired", "card [card-number] expired", ("card number",)),
    ("card 5500-0000-0000-0004 limit", "card [card-number] limit", ("card number",)),
])
def test_personal_data_is_replaced_by_placeholders(query, sent, found):
    masked = mask_query(query)
    assert masked.text == sent
    assert masked.found == found


@pytest.mark.parametrize("query", [
    "how high is mount everest 8,849 metres",
    "python 3.11.4 released 2023-06-06",
    "top 10 movies of 2024",
    "order number 4111 1111 1111 1112",  # fails the Luhn check: not a card number
    "isbn 978-0-306-40615-7",
    "에펠탑은 언제 완공되었나?",
])
def test_ordinary_queries_pass_unchanged(query):
    masked = mask_query(query)
    assert masked.text == query and masked.found == () and masked.notice() is None


def test_the_notice_says_what_was_masked_and_what_was_sent():
    masked = mask_query("write to a@b.org and c@d.org from 010-1234-5678")
    assert masked.notice() == ("Personal data was masked before searching the web "
                               "(2 e-mail addresses, a phone number); "
                               "the search engine was sent: 'write to [email] and [email] from [phone]'.")


def test_luhn():
    assert luhn_ok("4111111111111111") and luhn_ok("79927398713")
    assert not luhn_ok("4111111111111112") and not luhn_ok("79927398710")
