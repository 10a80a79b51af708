//! Who is calling, as far as the network tells: the client's address,
//! behind as many trusted proxies as configured.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request};

/// The client's network address: the connection's, or with `trusted`
/// proxies in front, the `X-Forwarded-For` entry that many from the right
/// (each proxy appends the address it saw; entries further left are
/// whatever the client sent, so any client could forge them).
pub fn client_address(peer: Option<IpAddr>, forwarded_for: &[&str], trusted: u32) -> String {
    let entries: Vec<&str> = forwarded_for
        .iter()
        .flat_map(|h| h.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let forwarded = (trusted > 0)
        .then(|| {
            // Fewer entries than proxies: the farthest one there.
            let i = entries.len().saturating_sub(trusted as usize);
            entries.get(i)?.parse::<IpAddr>().ok()
        })
        .flatten();
    forwarded
        .or(peer)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

pub fn client_ip(req: &Request, trusted_proxies: u32) -> String {
    client_ip_of(req.headers(), req.extensions(), trusted_proxies)
}

pub fn client_ip_of(
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
    trusted_proxies: u32,
) -> String {
    let forwarded_for: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    client_address(peer, &forwarded_for, trusted_proxies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_address_is_counted_from_the_right_through_trusted_proxies() {
        let peer = Some("10.0.0.9".parse().unwrap());
        let forged = ["6.6.6.6, 203.0.113.7"];
        // Nobody trusted: the header is ignored.
        assert_eq!(client_address(peer, &forged, 0), "10.0.0.9");
        // One proxy: the entry it appended, not the client's forged one.
        assert_eq!(client_address(peer, &forged, 1), "203.0.113.7");
        // Two proxies, the chain over two headers.
        let chain = ["6.6.6.6, 203.0.113.7", "10.0.0.2"];
        assert_eq!(client_address(peer, &chain, 2), "203.0.113.7");
        // Fewer entries than proxies: the farthest there.
        assert_eq!(client_address(peer, &["203.0.113.7"], 2), "203.0.113.7");
        // No header, or no address in it: the connection's.
        assert_eq!(client_address(peer, &[], 1), "10.0.0.9");
        assert_eq!(client_address(peer, &["not an address"], 1), "10.0.0.9");
        assert_eq!(client_address(None, &[], 0), "unknown");
        assert_eq!(client_address(None, &["2001:db8::1"], 1), "2001:db8::1");
    }
}
