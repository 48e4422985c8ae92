"""The web pages and the SDK come from the server itself, with content types and
revalidation a browser relies on."""
from e2e_support import http_request


def test_the_board_page_and_the_sdk_are_served_with_types_and_etags(server):
    status, headers, body = http_request(server.http, "GET", "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8", headers
    assert headers["cache-control"] == "no-cache" and headers["etag"].startswith('"'), headers
    assert b"<html" in body
    status, headers, body = http_request(server.http, "GET", "/sdk/stockpush.js")
    assert status == 200 and headers["content-type"] == "text/javascript; charset=utf-8", headers
    assert b"export class StockPushClient" in body
    # Revalidation: the same version is a 304 without a body.
    status, again, body = http_request(server.http, "GET", "/sdk/stockpush.js", headers={"If-None-Match": headers["etag"]})
    assert status == 304 and body == b"" and again["etag"] == headers["etag"], again
    status, _, _ = http_request(server.http, "GET", "/sdk/stockpush.js", headers={"If-None-Match": '"other"'})
    assert status == 200
    status, _, _ = http_request(server.http, "GET", "/no-such-page.html")
    assert status == 404


def test_the_board_page_loads_in_a_real_browser(server, page):
    page.goto(server.http + "/")
    assert page.title() == "StockPush"
