"""A scripted person at Draxis's consent page: signs in, picks a tenant, approves.

Two uses:

* imported by ``oauth_flow.py``, whose OAuthClientProvider hands it the authorization
  URL (``complete_consent`` returns where the server sends the browser back to);
* as the ``BROWSER`` program of ``claude mcp login draxis``::

      DRAXIS_E2E_EMAIL=analyst@acme.example DRAXIS_E2E_PASSWORD=... \\
          python consent_browser.py 'http://127.0.0.1:8080/oauth/authorize?...'

  which completes the consent and then delivers the code to the client's loopback
  callback, as a browser following the redirect would.

Standard library only, so it runs under any Python 3.
"""

from __future__ import annotations

import html.parser
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


class FormParser(html.parser.HTMLParser):
    """Collects the inputs (and selected options) of the first form whose action matches."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self.select: str | None = None
        self.found = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("action") == self.action and not self.found:
            self.inside = True
            self.found = True
        elif self.inside and tag == "input" and a.get("name") and a.get("type") in ("hidden", None, "text"):
            self.fields[a["name"]] = a.get("value") or ""
        elif self.inside and tag == "select":
            self.select = a.get("name")
        elif self.inside and tag == "option" and self.select:
            self.options.setdefault(self.select, []).append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        if tag == "select":
            self.select = None


class StopAtOtherOrigins(urllib.request.HTTPRedirectHandler):
    """Follows redirects within the server; stops at the client's redirect URI."""

    def __init__(self, origin: str):
        self.origin = origin

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urljoin(req.full_url, newurl)
        if not target.startswith(self.origin + "/"):
            raise Redirected(target)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Redirected(Exception):
    def __init__(self, location: str):
        super().__init__(location)
        self.location = location


class ConsentRefused(Exception):
    """The server answered the consent with an error page (status, text)."""

    def __init__(self, status: int, body: str):
        super().__init__(f"HTTP {status}: {body[:300]}")
        self.status = status
        self.body = body


def origin_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def parse_form(page: str, action: str) -> FormParser:
    parser = FormParser(action)
    parser.feed(page)
    if not parser.found:
        raise AssertionError(f"no form posting to {action} on the page:\n{page[:500]}")
    return parser


def complete_consent(
    authorize_url: str,
    email: str,
    password: str,
    tenant: str | None = None,
    approve: bool = True,
    grant_write: bool = True,
    form_overrides: dict | None = None,
    headers: dict | None = None,
    fields_only: bool = False,
) -> str:
    """Signs in and answers the consent page; returns the URL the server redirects to."""
    origin = origin_of(authorize_url)
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), StopAtOtherOrigins(origin)
    )

    def fetch(url: str, form: dict | None = None, extra: dict | None = None) -> str:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(url, data=data)
        if data is not None:
            request.add_header("Origin", origin)
        for key, value in (extra or {}).items():
            request.add_header(key, value)
        try:
            with opener.open(request, timeout=30) as response:
                return response.read().decode()
        except urllib.error.HTTPError as error:
            raise ConsentRefused(error.code, error.read().decode(errors="replace")) from None

    try:
        page = fetch(authorize_url)
        if 'action="/login"' in page:
            login = parse_form(page, "/login")
            fields = dict(login.fields)
            fields.update(email=email, password=password)
            page = fetch(origin + "/login", fields)
        consent = parse_form(page, "/oauth/authorize")
        fields = dict(consent.fields)
        if not fields_only:  # fields_only: post the hidden fields alone, as a crude script would
            tenants = consent.options.get("tenant", [])
            fields["tenant"] = tenant or (tenants[0] if tenants else "")
            fields["decision"] = "approve" if approve else "deny"
            fields["access"] = "write" if grant_write else "read"
        fields.update(form_overrides or {})
        page = fetch(origin + "/oauth/authorize", fields, headers)
    except Redirected as done:
        return done.location
    raise AssertionError(f"the consent did not redirect back to the client:\n{page[:500]}")


def main() -> int:
    url = sys.argv[1]
    location = complete_consent(
        url,
        os.environ["DRAXIS_E2E_EMAIL"],
        os.environ["DRAXIS_E2E_PASSWORD"],
        tenant=os.environ.get("DRAXIS_E2E_TENANT"),
    )
    # Deliver the code to the client's loopback listener, as the browser would.
    with urllib.request.urlopen(location, timeout=30) as response:
        print(f"consent delivered to the client's callback: HTTP {response.status}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
