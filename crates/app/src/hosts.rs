//! The `Host` values `/api/mcp` accepts (DNS-rebinding protection): the loopback names,
//! the operator's additions, and the public URL's host.

use draxis_transport::DEFAULT_ALLOWED_HOSTS;

/// [`DEFAULT_ALLOWED_HOSTS`], then `extra` (trimmed, blanks dropped), then the host of
/// `public_url`; empty (any host) when any of them is `*`.
pub fn allowed_hosts(extra: &[String], public_url: &str) -> Vec<String> {
    let mut hosts: Vec<String> = DEFAULT_ALLOWED_HOSTS
        .iter()
        .map(|h| h.to_string())
        .collect();
    hosts.extend(
        extra
            .iter()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty()),
    );
    if let Some(host) = host_of(public_url) {
        hosts.push(host);
    }
    if hosts.iter().any(|h| h == "*") {
        hosts.clear();
    }
    hosts
}

/// The host name of a URL.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = match rest.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => rest.split(':').next()?,
    };
    Some(host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_extras_and_the_public_host_are_allowed() {
        let extra = vec![" app.example.com ".to_string(), String::new()];
        assert_eq!(
            allowed_hosts(&extra, "https://draxis.example.com"),
            [
                "localhost",
                "127.0.0.1",
                "::1",
                "app.example.com",
                "draxis.example.com"
            ]
        );
        assert_eq!(
            allowed_hosts(&[], "http://[::1]:8080")
                .last()
                .map(String::as_str),
            Some("::1")
        );
        assert!(allowed_hosts(&["*".to_string()], "http://localhost:8080").is_empty());
    }
}
