//! A string that never prints.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A token, key or password. `Debug` and `Display` print `[redacted]`; the
/// value is reachable only through [`Secret::expose`].
///
/// It serializes as the plain value, so token sets can be persisted by the
/// application; keep such files private.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// Returns the secret value; use it only to build a request.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Tells whether the value is empty or only whitespace.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// Tells whether the value can travel in an HTTP header: visible ASCII
    /// only, no spaces, line breaks or other control characters.
    pub fn is_header_safe(&self) -> bool {
        !self.0.is_empty() && self.0.bytes().all(|b| b.is_ascii_graphic())
    }
}

/// Builds the `Authorization` header `"{scheme} {token}"`, marked sensitive.
///
/// A token an HTTP header cannot carry (a line break, a space, non-ASCII)
/// is an [`AuthError`](crate::AuthError) instead of a request sent without
/// credentials.
pub fn authorization_header(
    platform: crate::Platform,
    scheme: &str,
    token: &Secret,
) -> crate::Result<http::HeaderValue> {
    if !token.is_header_safe() {
        return Err(crate::AuthError::new(
            platform,
            "the access token is empty or contains characters an HTTP header cannot carry \
             (spaces, line breaks or non-ASCII); check where it was copied from",
        )
        .into());
    }
    sensitive_header(&format!("{scheme} {}", token.expose())).ok_or_else(|| {
        crate::AuthError::new(platform, "the authorization header could not be built").into()
    })
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// Marks a header value as sensitive, so HTTP logging layers hide it.
pub fn sensitive_header(value: &str) -> Option<http::HeaderValue> {
    let mut header = http::HeaderValue::from_str(value).ok()?;
    header.set_sensitive(true);
    Some(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let secret = Secret::new("act.very-secret-token");

        let debug = format!("{secret:?}");
        let display = format!("{secret}");
        let nested = format!("{:?}", Some(vec![secret.clone()]));

        assert!(!debug.contains("very-secret"));
        assert!(!display.contains("very-secret"));
        assert!(!nested.contains("very-secret"));
        assert_eq!(display, "[redacted]");
    }

    #[test]
    fn secret_round_trips_through_serde() {
        let secret = Secret::new("rft.abc");

        let json = serde_json::to_string(&secret).expect("serialize");
        let back: Secret = serde_json::from_str(&json).expect("deserialize");

        assert_eq!(json, "\"rft.abc\"");
        assert_eq!(back.expose(), "rft.abc");
    }

    #[test]
    fn blank_secret_detected() {
        assert!(Secret::new("  ").is_blank());
        assert!(!Secret::new("x").is_blank());
    }

    #[test]
    fn unsafe_tokens_rejected_for_headers() {
        let cases = ["tok\nen", "tok\r\nX-Injected: 1", "two words", "", "naïve"];
        for value in cases {
            let result = authorization_header(crate::Platform::X, "Bearer", &Secret::new(value));
            assert!(result.is_err(), "{value:?} accepted");
        }
        let ok = authorization_header(
            crate::Platform::X,
            "Bearer",
            &Secret::new("act.abc-123_~/+="),
        )
        .expect("valid token");
        assert!(ok.is_sensitive());
    }

    #[test]
    fn header_is_marked_sensitive() {
        let header = sensitive_header("Bearer abc").expect("valid header");

        assert!(header.is_sensitive());
        assert!(sensitive_header("bad\nvalue").is_none());
    }
}
