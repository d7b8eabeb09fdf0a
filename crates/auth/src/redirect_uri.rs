//! Redirect URIs of OAuth clients: which may be registered (parsed with a real URL
//! parser and accepted only when it represents the text exactly), the origin a consent
//! page may post to, and how a presented URI matches a registered one (RFC 8252 §7.3
//! loopback ports).

/// Why a redirect URI cannot be registered or followed. A URI is accepted only when a
/// real URL parser represents it exactly (its serialization equals the text, up to the
/// `/` of an empty path), so nothing the parser would drop, decode or re-encode — TAB,
/// CR/LF, spaces, backslashes, non-ASCII, an out-of-range port — gets through; the host
/// is a plain DNS name or IP address (nothing a header or a CSP would read as syntax);
/// the scheme is https, or http on a loopback host (RFC 8252 §7.3).
pub fn check_redirect_uri(uri: &str) -> Result<(), String> {
    RedirectUri::parse(uri).map(|_| ())
}

/// The origin (`scheme://host[:port]`) of a redirect URI that [`check_redirect_uri`]
/// accepts, for a consent page's `form-action`; `None` for any other text.
pub fn redirect_origin(uri: &str) -> Option<String> {
    RedirectUri::parse(uri)
        .ok()
        .map(|parsed| parsed.url.origin().ascii_serialization())
}

/// Whether a presented redirect URI matches a registered one: exactly, except that a
/// loopback registration (`http://localhost`, `http://127.0.0.1`, `http://[::1]`)
/// matches any port (RFC 8252 §7.3). Both must be valid redirect URIs.
pub fn redirect_uri_matches(registered: &str, presented: &str) -> bool {
    let (Ok(r), Ok(p)) = (
        RedirectUri::parse(registered),
        RedirectUri::parse(presented),
    ) else {
        return false;
    };
    if registered == presented {
        return true;
    }
    r.loopback
        && p.loopback
        && r.url.host() == p.url.host()
        && r.url.path() == p.url.path()
        && r.url.query() == p.url.query()
}

/// A redirect URI as the URL parser understands it.
struct RedirectUri {
    url: url::Url,
    loopback: bool,
}

impl RedirectUri {
    fn parse(uri: &str) -> Result<Self, String> {
        let shown = quoted(uri);
        let not_url = || format!("redirect URI `{shown}` is not an absolute http(s) URL");
        let url = url::Url::parse(uri).map_err(|why| format!("{}: {why}", not_url()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(not_url());
        }
        let serialized = url.as_str();
        if !Self::spellings(&url).iter().any(|s| s == uri) {
            return Err(format!(
                "redirect URI `{shown}` is not written as a URL parser reads it (it would become `{}`): remove spaces, control characters, backslashes and non-ASCII text, and percent-encode the path",
                quoted(serialized)
            ));
        }
        if url.fragment().is_some() {
            return Err(format!(
                "redirect URI `{shown}` must not contain a fragment"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "redirect URI `{shown}` must not contain a user name or password"
            ));
        }
        let loopback = match url.host() {
            Some(url::Host::Domain(name)) => {
                if !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
                {
                    return Err(format!(
                        "redirect URI `{shown}` has a host that is not a DNS name"
                    ));
                }
                name == "localhost"
            }
            Some(url::Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
            Some(url::Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
            None => return Err(not_url()),
        };
        if url.scheme() == "http" && !loopback {
            return Err(format!(
                "redirect URI `{shown}` must use https, or http on localhost, 127.0.0.1 or [::1] for native apps"
            ));
        }
        Ok(Self { url, loopback })
    }

    /// The texts that say exactly `url`: its serialization, with the default port
    /// written out or not, and without the `/` of an empty path.
    fn spellings(url: &url::Url) -> Vec<String> {
        let mut spellings = vec![url.as_str().to_string()];
        if let (None, Some(port), Some(host)) =
            (url.port(), url.port_or_known_default(), url.host_str())
        {
            let rest = &url[url::Position::BeforePath..];
            spellings.push(format!("{}://{host}:{port}{rest}", url.scheme()));
        }
        if url.path() == "/" && url.query().is_none() && url.fragment().is_none() {
            let bare: Vec<String> = spellings
                .iter()
                .filter_map(|s| s.strip_suffix('/').map(str::to_string))
                .collect();
            spellings.extend(bare);
        }
        spellings
    }
}

/// A URI as an error message may quote it: control characters escaped, at most 200
/// characters.
fn quoted(uri: &str) -> String {
    uri.chars().take(200).flat_map(char::escape_debug).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_match_on_any_port_and_nothing_else_does() {
        let reg = "http://localhost:1234/callback";
        assert!(redirect_uri_matches(reg, "http://localhost:59999/callback"));
        assert!(redirect_uri_matches(reg, "http://localhost/callback"));
        assert!(!redirect_uri_matches(reg, "http://localhost:5/other"));
        assert!(!redirect_uri_matches(reg, "http://127.0.0.1:5/callback"));
        assert!(!redirect_uri_matches(
            reg,
            "http://localhost.evil.com:5/callback"
        ));
        assert!(!redirect_uri_matches(
            reg,
            "http://evil@localhost:5/callback"
        ));
        let ip = "http://127.0.0.1:80/cb";
        assert!(redirect_uri_matches(ip, "http://127.0.0.1:4444/cb"));
        let web = "https://app.example.com/cb";
        assert!(redirect_uri_matches(web, web));
        assert!(!redirect_uri_matches(web, "https://app.example.com:444/cb"));
        assert!(!redirect_uri_matches(web, "https://app.example.com/cb?x=1"));
        assert!(check_redirect_uri("http://example.com/cb").is_err());
        assert!(check_redirect_uri("myapp://cb").is_err());
        assert!(check_redirect_uri("http://127.0.0.1:3/cb").is_ok());
    }

    #[test]
    fn redirect_uris_are_what_a_url_parser_reads_and_nothing_else() {
        for good in [
            "https://app.example.com/cb",
            "https://app.example.com",
            "https://app.example.com:8443/oauth/cb?x=1",
            "http://localhost:33418/",
            "http://127.0.0.1/cb",
            "http://[::1]/cb",
            "http://[::1]:8123/cb",
        ] {
            assert_eq!(check_redirect_uri(good), Ok(()), "{good}");
        }
        for bad in [
            "https://app.example.com/c\tb",
            "https://app.example.com/\tcb",
            "https://app.example.com\\evil.com/cb",
            "https://app.example.com;frame-ancestors *;/cb",
            "https://app.example.com/cb; frame-ancestors *",
            "https://app.example.com/cb\r\nSet-Cookie: a=b",
            "https://app.ex ample.com/cb",
            "https://bücher.example/cb",
            "https://app.example.com/caf\u{e9}",
            "https://app.example.com:99999999999/cb",
            "https://app.example.com:65536/cb",
            "https://user:pw@app.example.com/cb",
            "https://app.example.com/cb#frag",
            "http://127.1/cb",
            "http://[::2]/cb",
            "http://localhost.evil.com/cb",
            "myapp://cb",
            "https:app.example.com/cb",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad:?} was accepted");
            assert_eq!(redirect_origin(bad), None);
        }
        assert_eq!(
            redirect_origin("https://app.example.com:8443/cb?x=1").as_deref(),
            Some("https://app.example.com:8443")
        );
        assert!(redirect_uri_matches(
            "http://[::1]:1/cb",
            "http://[::1]:5555/cb"
        ));
        assert!(!redirect_uri_matches(
            "https://app.example.com/c\tb",
            "https://app.example.com/c\tb"
        ));
    }
}
