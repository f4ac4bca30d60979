//! Where a tenant may have the server connect. A webhook's receiver and a
//! mailbox's IMAP and SMTP servers are the tenant's choice, so the server
//! refuses to reach its own machine (loopback) or the link-local network
//! (where clouds serve instance metadata, 169.254.169.254) on a tenant's
//! behalf, unless `CENTRALITA_ALLOW_LOCAL_TARGETS=1` (everything on one
//! machine: a demo, the tests). Private networks (10/8, 172.16/12,
//! 192.168/16, fc00::/7) are allowed: a client company's own servers live
//! there. Names are resolved and every address checked when the target is
//! saved and again before each connection (a mailbox's reads connect to the
//! address checked).

use std::net::{IpAddr, SocketAddr};

/// Whether `CENTRALITA_ALLOW_LOCAL_TARGETS` is `1` or `true`.
pub fn allow_local_from_env() -> bool {
    std::env::var("CENTRALITA_ALLOW_LOCAL_TARGETS").is_ok_and(|v| v == "1" || v == "true")
}

/// Whether an address is the server's own machine, its link-local network,
/// or no single host (unspecified, broadcast, multicast).
pub fn is_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.octets()[0] == 0
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|m| is_local(IpAddr::V4(m)))
        }
    }
}

/// Why a target was not reached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The name resolves to nothing (or could not be resolved now).
    #[error("{0}")]
    Unresolved(String),
    /// It is (or resolves to) a local address.
    #[error(
        "{host} is {ip}, the server's own machine or link-local network: refused (an administrator of the server may allow it with CENTRALITA_ALLOW_LOCAL_TARGETS=1)"
    )]
    Local {
        /// The host as given.
        host: String,
        /// The address it is.
        ip: IpAddr,
    },
}

/// The addresses of `host:port` (brackets around an IPv6 literal are
/// dropped), refused when one is local and that is not allowed.
pub async fn resolve(
    host: &str,
    port: u16,
    allow_local: bool,
) -> Result<Vec<SocketAddr>, TargetError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| TargetError::Unresolved(format!("{host}: {e}")))?
        .collect();
    if addrs.is_empty() {
        return Err(TargetError::Unresolved(format!("{host}: no address")));
    }
    if !allow_local && let Some(a) = addrs.iter().find(|a| is_local(a.ip())) {
        return Err(TargetError::Local {
            host: host.to_string(),
            ip: a.ip(),
        });
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_and_link_local_are_local_private_networks_are_not() {
        for local in [
            "127.0.0.1",
            "127.8.0.1",
            "0.0.0.0",
            "169.254.169.254",
            "::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(is_local(local.parse().unwrap()), "{local}");
        }
        for remote in [
            "10.0.0.25",
            "192.168.1.10",
            "172.16.0.5",
            "8.8.8.8",
            "fd00::1",
            "2001:db8::1",
        ] {
            assert!(!is_local(remote.parse().unwrap()), "{remote}");
        }
    }

    #[tokio::test]
    async fn a_local_target_is_refused_unless_allowed() {
        let refused = resolve("127.0.0.1", 80, false).await.unwrap_err();
        assert!(matches!(refused, TargetError::Local { .. }), "{refused}");
        assert!(resolve("[::1]", 80, false).await.is_err());
        assert_eq!(resolve("127.0.0.1", 80, true).await.unwrap().len(), 1);
        assert!(resolve("10.0.0.25", 993, false).await.is_ok());
    }
}
