//! Which network addresses an outbound request may reach, and resolving a host to the
//! addresses it will connect to: every resolved address is checked, and the caller then
//! connects to those checked addresses (never resolves again), so a DNS answer that
//! changes between check and connect cannot steer a request into the server's network.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Whether requests may go to private, loopback and other non-public addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AddressPolicy {
    /// Public addresses only (the default).
    #[default]
    PublicOnly,
    /// Any address: an operator's opt-in for services on a private network.
    AllowPrivate,
}

/// The addresses `host:port` resolves to, all of them allowed by `policy`; `what` names
/// the thing being fetched in the sentence of a refusal.
pub(crate) async fn resolve_allowed(
    host: &str,
    port: u16,
    policy: AddressPolicy,
    what: &str,
) -> Result<Vec<SocketAddr>, String> {
    // `http::Uri` keeps the brackets of an IPv6 literal; the resolver wants it bare.
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| format!("{what} host {host} does not resolve ({e})"))?
        .collect();
    if addresses.is_empty() {
        return Err(format!("{what} host {host} resolves to no address"));
    }
    if policy == AddressPolicy::PublicOnly
        && let Some(refused) = addresses.iter().find(|a| !is_public(a.ip()))
    {
        return Err(format!(
            "{what} host {host} resolves to {}, a private, loopback or otherwise non-public \
             address, which this server does not reach",
            refused.ip()
        ));
    }
    Ok(addresses)
}

/// Connects to the first of `addresses` that answers.
pub(crate) async fn connect_any(
    addresses: &[SocketAddr],
) -> std::io::Result<tokio::net::TcpStream> {
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no address to connect to");
    for address in addresses {
        match tokio::net::TcpStream::connect(address).await {
            Ok(stream) => {
                stream.set_nodelay(true).ok();
                return Ok(stream);
            }
            Err(error) => last = error,
        }
    }
    Err(last)
}

/// Addresses a fetch may reach: not loopback, private, link-local, shared (CGNAT),
/// unique-local, site-local, unspecified, broadcast, multicast, reserved, benchmarking or
/// documentation ranges, nor an IPv6 form (mapped, compatible, NAT64, 6to4) of such an
/// IPv4 address.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    !(v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b)))
}

fn is_public_v6(v6: Ipv6Addr) -> bool {
    if let Some(v4) = v6.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = v6.segments();
    // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::a.b.c.d).
    if segments[..6] == [0; 6] || segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_public_v4(v4_from(segments[6], segments[7]));
    }
    // 6to4 (2002:a.b.c.d::/48) carries its IPv4 address in the second and third segments.
    if segments[0] == 0x2002 {
        return is_public_v4(v4_from(segments[1], segments[2]));
    }
    let first = segments[0];
    !(v6.is_loopback()
        || v6.is_unspecified()
        || v6.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        || (first == 0x2001 && segments[1] == 0x0db8))
}

/// The IPv4 address held in two IPv6 segments.
fn v4_from(high: u16, low: u16) -> Ipv4Addr {
    Ipv4Addr::from((u32::from(high) << 16) | u32::from(low))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn private_and_local_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "127.1.2.3",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "::",
            "::1",
            "fd00::1",
            "fc00::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "1.1.1.1",
            "140.82.112.3",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
            "64:ff9b::101:101",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn a_host_resolving_to_a_private_address_is_refused_unless_allowed() {
        for host in ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]"] {
            let refused = resolve_allowed(host, 80, AddressPolicy::PublicOnly, "its")
                .await
                .unwrap_err();
            assert!(refused.contains("non-public"), "{host}: {refused}");
        }
        let allowed = resolve_allowed("127.0.0.1", 80, AddressPolicy::AllowPrivate, "its")
            .await
            .unwrap();
        assert_eq!(allowed, vec!["127.0.0.1:80".parse().unwrap()]);
    }
}
