//! Showing a connector's URL without what it may carry in secret: the userinfo
//! (`user:password@`, and anything else before an `@` ahead of the query) is dropped, every query value is elided, the fragment is dropped.
//! Works on text, so even a URL that does not parse is shown safely.

/// `scheme://host/path?key=…` for `url`: no userinfo, no query values, no fragment.
pub fn redact_url(url: &str) -> String {
    let url = url.trim();
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    // Everything up to the last `@` may be userinfo; a path holding `@` loses its start,
    // which is the safe side.
    let host_and_path = before_query
        .rsplit_once('@')
        .map_or(before_query, |(_, after)| after);
    let mut shown = format!("{scheme}{host_and_path}");
    if let Some(query) = query {
        shown.push('?');
        let names: Vec<String> = query
            .split(['&', ';'])
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) => format!("{name}=…"),
                // A bare query part may be the secret itself.
                None => "…".to_string(),
            })
            .collect();
        shown.push_str(&names.join("&"));
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_query_values_never_show() {
        assert_eq!(
            redact_url(
                "http://scanner:hunter2@10.0.0.5:8080/export/kris.json?api_key=s3cret&page=2#x"
            ),
            "http://10.0.0.5:8080/export/kris.json?api_key=…&page=…"
        );
        assert_eq!(redact_url("http://host/a?s3cret"), "http://host/a?…");
        assert_eq!(redact_url("http://u:p@host?token=t"), "http://host?token=…");
        // Not a URL at all: still no userinfo or values.
        assert_eq!(redact_url("ftp//user:pw@ho st/x?k=v"), "ho st/x?k=…");
        assert_eq!(redact_url("http://h/p"), "http://h/p");
        assert_eq!(redact_url("http://é:ü@hôst/ö?ä=ü"), "http://hôst/ö?ä=…");
    }
}
