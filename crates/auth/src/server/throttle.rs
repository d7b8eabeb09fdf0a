//! Sign-in throttling, shared by every replica through storage and keyed so that an
//! attacker cannot lock the owner out:
//!
//! - per e-mail **and client address** (an IPv6 address by its /64): five failures in
//!   15 minutes are free, then each further attempt from there waits 1 minute, doubling
//!   per failure up to 15 minutes. Only that address is slowed; a success clears it.
//! - per e-mail from **every address**: after 20 failures in 15 minutes, an address
//!   that has itself failed waits 1 second, doubling per failure up to
//!   [`GLOBAL_MAX_WAIT`] (30 s), so a spray from many addresses gets about one guess
//!   per address and then crawls. A fresh address (no failure of its own in the
//!   window) and one that signed in to the account within 30 days skip this wait, so a
//!   correct password is never kept out by other people's failures.
//!
//! The rules are pure ([`wait_before_sign_in`]); storage keeps one [`SignInRecord`] per
//! (e-mail, address) and one per e-mail under [`EVERY_ADDRESS`].

use std::net::IpAddr;
use std::time::Duration;

/// Failures older than this are forgotten.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures from one address that cost nothing.
pub const FREE_FAILURES_PER_ADDRESS: u32 = 5;
/// Longest wait imposed on one address.
pub const ADDRESS_MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Failures from every address together that cost nothing.
pub const FREE_FAILURES_PER_EMAIL: u32 = 20;
/// Longest wait the global back-off imposes.
pub const GLOBAL_MAX_WAIT: Duration = Duration::from_secs(30);
/// How long a successful sign-in makes an address known to the account.
pub const KNOWN_ADDRESS_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
/// The client key of the per-e-mail record.
pub const EVERY_ADDRESS: &str = "*";

/// What storage remembers of sign-ins for one key; all zero when nothing is recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignInRecord {
    /// Failures since the window began (storage restarts the count at 1 when the last
    /// failure is older than [`FAILURE_WINDOW`]).
    pub failures: u32,
    /// Unix milliseconds; 0 for never.
    pub last_failure_at: i64,
    /// Unix milliseconds; 0 for never (always 0 on the per-e-mail record).
    pub last_success_at: i64,
}

/// The client key of an address: the address itself, an IPv6 one by its /64 (one
/// host's usual allocation), `unknown` when the transport could not tell.
pub fn client_key(address: Option<IpAddr>) -> String {
    match address.map(|a| a.to_canonical()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "unknown".to_string(),
    }
}

/// How long until a sign-in for this e-mail from this address may be tried, if it must
/// wait at all.
pub fn wait_before_sign_in(
    address: &SignInRecord,
    every_address: &SignInRecord,
    now_ms: i64,
) -> Option<Duration> {
    let address_wait = backoff(
        address,
        FREE_FAILURES_PER_ADDRESS,
        Duration::from_secs(60),
        ADDRESS_MAX_WAIT,
        now_ms,
    );
    let known = address.last_success_at > 0
        && now_ms.saturating_sub(address.last_success_at) < ms(KNOWN_ADDRESS_FOR);
    let fresh = address.failures == 0
        || now_ms.saturating_sub(address.last_failure_at) >= ms(FAILURE_WINDOW);
    let global_wait = if known || fresh {
        None
    } else {
        backoff(
            every_address,
            FREE_FAILURES_PER_EMAIL,
            Duration::from_secs(1),
            GLOBAL_MAX_WAIT,
            now_ms,
        )
    };
    address_wait.max(global_wait)
}

/// The time left of `record`'s back-off: `first` after the first costly failure,
/// doubling per failure, at most `max`, counted from the last failure.
fn backoff(
    record: &SignInRecord,
    free: u32,
    first: Duration,
    max: Duration,
    now_ms: i64,
) -> Option<Duration> {
    let since = now_ms.saturating_sub(record.last_failure_at);
    if record.failures < free || since >= ms(FAILURE_WINDOW) {
        return None;
    }
    let doublings = (record.failures - free).min(20);
    let wait = first.saturating_mul(1 << doublings).min(max);
    let left = ms(wait).saturating_sub(since);
    (left > 0).then(|| Duration::from_millis(left as u64))
}

fn ms(duration: Duration) -> i64 {
    duration.as_millis() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000_000_000;

    fn failed(failures: u32, ago_secs: i64) -> SignInRecord {
        SignInRecord {
            failures,
            last_failure_at: NOW - ago_secs * 1000,
            last_success_at: 0,
        }
    }

    #[test]
    fn one_address_is_slowed_after_five_failures_and_backs_off_to_fifteen_minutes() {
        let quiet = SignInRecord::default();
        assert_eq!(wait_before_sign_in(&failed(4, 0), &quiet, NOW), None);
        assert_eq!(
            wait_before_sign_in(&failed(5, 0), &quiet, NOW),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            wait_before_sign_in(&failed(6, 30), &quiet, NOW),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            wait_before_sign_in(&failed(40, 0), &quiet, NOW),
            Some(ADDRESS_MAX_WAIT)
        );
        assert_eq!(wait_before_sign_in(&failed(40, 15 * 60), &quiet, NOW), None);
    }

    #[test]
    fn the_global_back_off_is_short_and_fresh_or_known_addresses_skip_it() {
        let spray = failed(1_000, 0);
        let failed_once = failed(1, 100);
        assert_eq!(
            wait_before_sign_in(&failed_once, &spray, NOW),
            Some(GLOBAL_MAX_WAIT)
        );
        assert_eq!(
            wait_before_sign_in(&failed_once, &failed(20, 0), NOW),
            Some(Duration::from_secs(1))
        );
        assert_eq!(wait_before_sign_in(&failed_once, &failed(19, 0), NOW), None);
        let fresh = SignInRecord::default();
        assert_eq!(wait_before_sign_in(&fresh, &spray, NOW), None);
        let home = SignInRecord {
            last_success_at: NOW - 86_400_000,
            ..failed_once
        };
        assert_eq!(wait_before_sign_in(&home, &spray, NOW), None);
    }

    #[test]
    fn addresses_are_keyed_by_host_and_ipv6_by_its_64() {
        let v4: IpAddr = "203.0.113.9".parse().unwrap_or(IpAddr::from([0; 4]));
        assert_eq!(client_key(Some(v4)), "203.0.113.9");
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap_or(v4);
        assert_eq!(client_key(Some(mapped)), "203.0.113.9");
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap_or(v4);
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap_or(v4);
        assert_eq!(client_key(Some(a)), client_key(Some(b)));
        assert_eq!(client_key(None), "unknown");
    }
}
