//! OAuth 1.0a (HMAC-SHA1) signature checking.
//!
//! The fake recomputes the signature with the `oauth1-request` crate from the
//! `Authorization` header's nonce and timestamp, the request method, the
//! public URL without its query, the query parameters, and the body
//! parameters when the body is `application/x-www-form-urlencoded`. JSON and
//! multipart bodies are never part of the signature.

use std::collections::BTreeMap;
use std::num::NonZeroU64;

use oauth1_request as oauth;

use super::credentials::FakeOAuth1Credentials;

/// The reason a signed request was rejected. It appears in debug logs only,
/// because X responds to every case with the same code 32.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rejection(pub(super) String);

/// The parts of a request the signature covers.
#[derive(Debug, Clone, Copy)]
pub(super) struct SignedRequest<'a> {
    /// The uppercase method.
    pub(super) method: &'a str,
    /// Scheme, host, port and path, without query.
    pub(super) url: &'a str,
    /// Decoded query and form parameters.
    pub(super) parameters: &'a [(String, String)],
}

/// Checks the `Authorization: OAuth …` header of `request`.
pub(super) fn verify(
    credentials: &FakeOAuth1Credentials,
    header: &str,
    request: SignedRequest<'_>,
) -> Result<(), Rejection> {
    let fields = parse_header(header)?;
    let field = |name: &str| {
        fields
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| Rejection(format!("`{name}` is missing from the header")))
    };
    check_fields(credentials, &fields, request.parameters)?;

    let timestamp = field("oauth_timestamp")?
        .parse::<NonZeroU64>()
        .map_err(|_| Rejection("`oauth_timestamp` is not a positive integer".to_owned()))?;
    let stamp = Stamp {
        nonce: field("oauth_nonce")?,
        timestamp,
        with_version: fields.contains_key("oauth_version"),
    };
    let expected = signature(credentials, request, stamp)?;

    if expected != field("oauth_signature")? {
        return Err(Rejection("the signature does not match".to_owned()));
    }
    Ok(())
}

/// Checks everything but the signature: method, version, key and token,
/// and that no `oauth_*` value is sent twice or outside the header.
fn check_fields(
    credentials: &FakeOAuth1Credentials,
    fields: &BTreeMap<String, String>,
    parameters: &[(String, String)],
) -> Result<(), Rejection> {
    let field = |name: &str| fields.get(name).map(String::as_str);
    if field("oauth_signature_method") != Some("HMAC-SHA1") {
        return Err(Rejection(
            "the signature method is not HMAC-SHA1".to_owned(),
        ));
    }
    if field("oauth_version").is_some_and(|version| version != "1.0") {
        return Err(Rejection("`oauth_version` is not 1.0".to_owned()));
    }
    if field("oauth_consumer_key") != Some(credentials.consumer_key.as_str()) {
        return Err(Rejection("unknown or missing consumer key".to_owned()));
    }
    if field("oauth_token") != Some(credentials.token.as_str()) {
        return Err(Rejection("unknown or missing access token".to_owned()));
    }

    let unknown = fields
        .keys()
        .find(|name| !KNOWN_FIELDS.contains(&name.as_str()));
    if let Some(name) = unknown {
        return Err(Rejection(format!("unexpected header field `{name}`")));
    }
    let outside = parameters.iter().find(|(key, _)| key.starts_with("oauth_"));
    if let Some((name, _)) = outside {
        return Err(Rejection(format!("`{name}` sent outside the header")));
    }
    Ok(())
}

/// Header fields a request may carry; `realm` is allowed and not signed.
const KNOWN_FIELDS: [&str; 8] = [
    "realm",
    "oauth_consumer_key",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_token",
    "oauth_version",
];

/// The per-request values of a signature.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stamp<'a> {
    pub(super) nonce: &'a str,
    pub(super) timestamp: NonZeroU64,
    /// Whether `oauth_version="1.0"` is part of the signed parameters.
    pub(super) with_version: bool,
}

/// Computes the base64 HMAC-SHA1 signature of `request`.
pub(super) fn signature(
    credentials: &FakeOAuth1Credentials,
    request: SignedRequest<'_>,
    stamp: Stamp<'_>,
) -> Result<String, Rejection> {
    if request.url.contains('?') {
        // oauth1-request panics in debug builds on a URL with a query.
        return Err(Rejection("the URL to sign has a query part".to_owned()));
    }
    let token = oauth::Token::from_parts(
        credentials.consumer_key.as_str(),
        credentials.consumer_secret.as_str(),
        credentials.token.as_str(),
        credentials.token_secret.as_str(),
    );
    let mut builder = oauth::Builder::with_token(token, oauth::HMAC_SHA1);
    builder
        .nonce(stamp.nonce)
        .timestamp(stamp.timestamp)
        .version(stamp.with_version);
    // NOTE: `ParameterList` sorts by the decoded key and value, while RFC 5849
    // sorts the encoded ones. The orders differ only when two keys (or two
    // values of one key) share a prefix and then differ in an unreserved
    // character against a reserved or non-ASCII one.
    let parameters: oauth::ParameterList<&str, &str> = request
        .parameters
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    let header = builder.authorize(request.method, request.url, &parameters);
    parse_header(&header)?
        .remove("oauth_signature")
        .ok_or_else(|| Rejection("oauth1-request produced no signature".to_owned()))
}

/// Splits `OAuth k="v", …` into decoded fields. Duplicate fields are rejected.
fn parse_header(header: &str) -> Result<BTreeMap<String, String>, Rejection> {
    let (scheme, rest) = header.trim().split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("OAuth") {
        return Err(Rejection("the scheme is not OAuth".to_owned()));
    }
    let mut fields = BTreeMap::new();
    for item in rest
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
    {
        let malformed = || Rejection(format!("malformed header field `{item}`"));
        let (key, quoted) = item.split_once('=').ok_or_else(malformed)?;
        let value = quoted
            .trim()
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(malformed)?;
        let key = percent_decode(key.trim()).ok_or_else(malformed)?;
        let value = percent_decode(value).ok_or_else(malformed)?;
        if fields.insert(key.clone(), value).is_some() {
            return Err(Rejection(format!("`{key}` appears twice")));
        }
    }
    Ok(fields)
}

/// Decodes RFC 3986 percent-encoding (`+` stays `+`). Returns `None` on a
/// broken escape or bytes that are not UTF-8.
pub(super) fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = tail.get(..2)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            bytes.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            rest = tail.get(2..)?;
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documented_credentials() -> FakeOAuth1Credentials {
        FakeOAuth1Credentials {
            consumer_key: "xvz1evFS4wEEPTGEFPHBog".to_owned(),
            consumer_secret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw".to_owned(),
            token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb".to_owned(),
            token_secret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE".to_owned(),
        }
    }

    fn documented_signature(url: &str) -> String {
        let parameters = [
            ("include_entities".to_owned(), "true".to_owned()),
            (
                "status".to_owned(),
                "Hello Ladies + Gentlemen, a signed OAuth request!".to_owned(),
            ),
        ];
        let request = SignedRequest {
            method: "POST",
            url,
            parameters: &parameters,
        };
        let stamp = Stamp {
            nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
            timestamp: NonZeroU64::new(1_318_622_958).expect("non-zero"),
            with_version: true,
        };
        signature(&documented_credentials(), request, stamp).expect("signature")
    }

    #[test]
    fn signature_matches_x_documented_example() {
        let x = documented_signature("https://api.x.com/1.1/statuses/update.json");
        let twitter = documented_signature("https://api.twitter.com/1.1/statuses/update.json");

        assert_eq!(x, "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=");
        assert_eq!(twitter, "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
    }

    fn placeholder_signature(url: &str, parameters: &[(String, String)]) -> String {
        let credentials = FakeOAuth1Credentials {
            consumer_key: "CONSUMER_KEY_PLACEHOLDER".to_owned(),
            consumer_secret: "CONSUMER_SECRET_PLACEHOLDER".to_owned(),
            token: "ACCESS_TOKEN_PLACEHOLDER".to_owned(),
            token_secret: "TOKEN_SECRET_PLACEHOLDER".to_owned(),
        };
        let request = SignedRequest {
            method: "POST",
            url,
            parameters,
        };
        let stamp = Stamp {
            nonce: "NONCE0000000001",
            timestamp: NonZeroU64::new(1_700_000_000).expect("non-zero"),
            with_version: true,
        };
        signature(&credentials, request, stamp).expect("signature")
    }

    #[test]
    fn signature_encodes_reserved_and_non_ascii_text() {
        let status = vec![(
            "status".to_owned(),
            "Hello! It's (50%) off* — £5 🎉".to_owned(),
        )];

        let form_x = placeholder_signature("https://api.x.com/1.1/statuses/update.json", &status);
        let form_twitter =
            placeholder_signature("https://api.twitter.com/1.1/statuses/update.json", &status);
        let json_x = placeholder_signature("https://api.x.com/2/tweets", &[]);
        let json_twitter = placeholder_signature("https://api.twitter.com/2/tweets", &[]);

        assert_eq!(form_x, "Z1FpKO5Yb/r/Q1ZS8y5CYYLoAc4=");
        assert_eq!(form_twitter, "m2OMjrfUoymrQo7+8bjTcYLR5HE=");
        assert_eq!(json_x, "QTswpXHkp/wu6cpVOyF9IsvNrPw=");
        assert_eq!(json_twitter, "L6MQKatYboZGGLY/vccaVWNWjfg=");
    }

    #[test]
    fn percent_decode_handles_escapes() {
        assert_eq!(percent_decode("a%20b%2B+c").as_deref(), Some("a b++c"));
        assert_eq!(percent_decode("%E2%98%83").as_deref(), Some("☃"));
        assert_eq!(percent_decode("%2"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%+1"), None);
        assert_eq!(percent_decode("%FF"), None);
    }

    #[test]
    fn header_parse_rejects_duplicates_and_other_schemes() {
        let duplicate = r#"OAuth oauth_nonce="a", oauth_nonce="b""#;

        assert!(parse_header(duplicate).is_err());
        assert!(parse_header(r#"Bearer oauth_nonce="a""#).is_err());
        assert!(parse_header(r#"OAuth oauth_nonce=a"#).is_err());
    }
}
