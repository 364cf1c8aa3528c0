use proptest::prelude::*;

use super::*;

const TEXT: &str = "Hello! It's (50%) off* — £5 🎉";

fn placeholder_credentials() -> OAuth1Credentials {
    OAuth1Credentials::new(
        "CONSUMER_KEY_PLACEHOLDER",
        "CONSUMER_SECRET_PLACEHOLDER",
        "ACCESS_TOKEN_PLACEHOLDER",
        "TOKEN_SECRET_PLACEHOLDER",
    )
    .expect("credentials")
}

const FIXED: FixedNonce<'static> = FixedNonce {
    nonce: "NONCE0000000001",
    timestamp: 1_700_000_000,
};

/// Returns the decoded `oauth_signature` of an `Authorization` header.
fn signature(header: &str) -> String {
    let start = header
        .find("oauth_signature=\"")
        .expect("signature present")
        + "oauth_signature=\"".len();
    let end = header[start..].find('"').expect("closing quote") + start;
    let encoded = &header[start..end];
    percent_decode(encoded)
}

fn percent_decode(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex digit"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf8")
}

fn sign(credentials: &OAuth1Credentials, url: &str, params: &[(&str, &str)]) -> String {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let url = Url::parse(url).expect("url");
    signature(
        &credentials
            .authorization("POST", &url, &params, Some(FIXED))
            .expect("header"),
    )
}

#[test]
fn form_post_signature_on_both_hosts() {
    let credentials = placeholder_credentials();

    let x = sign(
        &credentials,
        "https://api.x.com/1.1/statuses/update.json",
        &[("status", TEXT)],
    );
    let twitter = sign(
        &credentials,
        "https://api.twitter.com/1.1/statuses/update.json",
        &[("status", TEXT)],
    );

    assert_eq!(x, "Z1FpKO5Yb/r/Q1ZS8y5CYYLoAc4=");
    assert_eq!(twitter, "m2OMjrfUoymrQo7+8bjTcYLR5HE=");
}

#[test]
fn json_post_signs_no_body() {
    let credentials = placeholder_credentials();

    let x = sign(&credentials, "https://api.x.com/2/tweets", &[]);
    let twitter = sign(&credentials, "https://api.twitter.com/2/tweets", &[]);

    assert_eq!(x, "QTswpXHkp/wu6cpVOyF9IsvNrPw=");
    assert_eq!(twitter, "L6MQKatYboZGGLY/vccaVWNWjfg=");
}

#[test]
fn documented_example_signature() {
    let credentials = OAuth1Credentials::new(
        "xvz1evFS4wEEPTGEFPHBog",
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    )
    .expect("credentials");
    let params = [
        ("include_entities".to_owned(), "true".to_owned()),
        (
            "status".to_owned(),
            "Hello Ladies + Gentlemen, a signed OAuth request!".to_owned(),
        ),
    ];
    let url = Url::parse("https://api.x.com/1.1/statuses/update.json").expect("url");
    let fixed = FixedNonce {
        nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        timestamp: 1_318_622_958,
    };

    let header = credentials
        .authorization("POST", &url, &params, Some(fixed))
        .expect("header");

    assert_eq!(signature(&header), "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=");
    assert!(header.contains("oauth_version=\"1.0\""));
    assert!(header.contains("oauth_signature_method=\"HMAC-SHA1\""));
}

#[test]
fn form_body_encodes_rfc3986() {
    let body = form_body(&[("status".to_owned(), TEXT.to_owned())]);

    assert_eq!(
        body,
        "status=Hello%21%20It%27s%20%2850%25%29%20off%2A%20%E2%80%94%20%C2%A35%20%F0%9F%8E%89"
    );
}

#[test]
fn url_with_query_rejected() {
    let url = Url::parse("https://api.x.com/2/tweets?x=1").expect("url");

    let result = placeholder_credentials().authorization("GET", &url, &[], None);

    assert!(result.is_err());
}

#[test]
fn empty_credential_named() {
    let err = OAuth1Credentials::new("key", "secret", "", "ts").expect_err("empty token");

    assert!(err.to_string().contains("access_token"));
}

#[test]
fn debug_hides_secrets() {
    let debug = format!("{:?}", placeholder_credentials());

    assert!(!debug.contains("CONSUMER_SECRET_PLACEHOLDER"));
    assert!(!debug.contains("TOKEN_SECRET_PLACEHOLDER"));
    assert!(!debug.contains("ACCESS_TOKEN_PLACEHOLDER"));
}

#[test]
fn random_nonce_differs_each_time() {
    let url = Url::parse("https://api.x.com/2/tweets").expect("url");
    let credentials = placeholder_credentials();

    let first = credentials
        .authorization("POST", &url, &[], None)
        .expect("header");
    let second = credentials
        .authorization("POST", &url, &[], None)
        .expect("header");

    assert_ne!(first, second);
}

/// Reference encoding written from RFC 3986 section 2.3, for comparison.
fn rfc3986(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn form_encoding_matches_rfc3986(value in "\\PC{0,40}") {
        let body = form_body(&[("k".to_owned(), value.clone())]);
        prop_assert_eq!(body, format!("k={}", rfc3986(&value)));
    }
}
