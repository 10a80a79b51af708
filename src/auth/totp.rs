//! Time-based one-time passwords (RFC 6238, the codes authenticator apps
//! show) and recovery codes, as plain functions: no clock and no database
//! here, so each rule is tested with a fixed time.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds each code lasts, and digits in a code: what every
/// authenticator app assumes when the setup link names nothing else.
pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;
/// Codes from one step before or after now are taken too: a phone's clock
/// a little off, or a code typed as it changed.
pub const SKEW_STEPS: i64 = 1;
pub const RECOVERY_CODES: usize = 10;

/// A new secret: 160 random bits, as RFC 4226 recommends.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    getrandom::fill(&mut secret).expect("the system's random source works");
    secret
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding: how secrets are typed into apps.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = BASE32
            .iter()
            .position(|&b| b as char == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The secret in groups of four letters, easier to type from the screen.
pub fn grouped(secret_b32: &str) -> String {
    secret_b32
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The time step of an instant.
pub fn step_at(now_ms: i64) -> i64 {
    now_ms.div_euclid(1000 * STEP_SECONDS)
}

/// The code for a step (RFC 4226's HOTP with HMAC-SHA-1), `digits` long.
pub fn code_for(secret: &[u8], step: i64, digits: u32) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&(step as u64).to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[hash.len() - 1] & 0x0f) as usize;
    let value = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    format!(
        "{:0width$}",
        value % 10u32.pow(digits),
        width = digits as usize
    )
}

/// The step a typed code belongs to, if it is right for now (give or take
/// `SKEW_STEPS`) and later than `last_used_step`: a code is taken once.
pub fn check(secret: &[u8], typed: &str, now_ms: i64, last_used_step: i64) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(now_ms);
    (now - SKEW_STEPS..=now + SKEW_STEPS)
        .filter(|s| *s > last_used_step)
        .find(|s| super::secret::same(&code_for(secret, *s, DIGITS), &typed))
}

/// The link an authenticator app reads from the QR code.
pub fn setup_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The QR code of `text` as an SVG image.
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// Ten recovery codes like `k7qm-2xdp`: letters and digits that are not
/// easily mistaken for one another (no 0/o, 1/l/i).
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut raw = [0u8; 8];
            getrandom::fill(&mut raw).expect("the system's random source works");
            let letters: String = raw
                .iter()
                .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &letters[..4], &letters[4..])
        })
        .collect()
}

/// A recovery code as typed: case, spaces and the dash do not matter.
pub fn normalize_recovery(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 seed and its 8-digit codes.
    const RFC_SEED: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_the_rfc_test_vectors() {
        for (seconds, code) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                code_for(RFC_SEED, step_at(seconds * 1000), 8),
                code,
                "{seconds}"
            );
        }
        assert_eq!(code_for(RFC_SEED, step_at(59_000), 6), "287082");
    }

    #[test]
    fn a_code_works_within_a_step_of_now_and_only_once() {
        let now = 1_111_111_109_000;
        let step = step_at(now);
        let code = code_for(RFC_SEED, step, DIGITS);
        assert_eq!(check(RFC_SEED, &code, now, 0), Some(step));
        assert_eq!(check(RFC_SEED, &format!(" {} ", &code), now, 0), Some(step));
        // Used: refused again, even within its window.
        assert_eq!(check(RFC_SEED, &code, now, step), None);
        // The one before and after are taken; two steps off is not.
        let before = code_for(RFC_SEED, step - 1, DIGITS);
        assert_eq!(check(RFC_SEED, &before, now, 0), Some(step - 1));
        let late = code_for(RFC_SEED, step - 2, DIGITS);
        assert_eq!(check(RFC_SEED, &late, now, 0), None);
        assert_eq!(check(RFC_SEED, &code, now + 61_000, 0), None);
        for bad in ["", "12345", "1234567", "abcdef"] {
            assert_eq!(check(RFC_SEED, bad, now, 0), None, "{bad}");
        }
    }

    #[test]
    fn secrets_read_back_from_base32() {
        assert_eq!(base32(RFC_SEED), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        let s = new_secret();
        assert_eq!(from_base32(&grouped(&base32(&s))).unwrap(), s);
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert!(from_base32("not base32!").is_none());
    }

    #[test]
    fn the_setup_link_and_its_qr_code() {
        let uri = setup_uri("Waymark", "ana@co.gov", "GEZDGNBV");
        assert_eq!(
            uri,
            "otpauth://totp/Waymark:ana%40co%2Egov?secret=GEZDGNBV&issuer=Waymark&algorithm=SHA1&digits=6&period=30"
        );
        let svg = qr_svg(&uri);
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), 10);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 9 && c.as_bytes()[4] == b'-')
        );
        assert_eq!(normalize_recovery(" K7QM-2xdp "), "k7qm2xdp");
    }
}
