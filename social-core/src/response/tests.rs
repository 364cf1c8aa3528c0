use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;

use super::*;

/// A protocol whose error body is `{"error": {"code": ..., "message": ...}}`.
#[derive(Debug)]
struct TestProtocol;

impl ApiProtocol for TestProtocol {
    fn platform(&self) -> Platform {
        Platform::TikTok
    }

    fn parse_error(
        &self,
        status: StatusCode,
        _: &HeaderMap,
        body: &serde_json::Value,
    ) -> Option<ApiError> {
        let error = body.get("error")?;
        let code = error.get("code")?.as_str()?;
        if code == "ok" {
            return None;
        }
        let kind = if status.is_success() {
            ErrorKind::QuotaExceeded
        } else {
            ErrorKind::from_status(status)
        };
        Some(ApiError::new(Platform::TikTok, kind, "from body").with_code(code))
    }

    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        headers.get("x-tt-logid")?.to_str().ok().map(str::to_owned)
    }
}

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_static(value));
    }
    map
}

fn run(
    status: u16,
    pairs: &[(&'static str, &'static str)],
    body: &'static [u8],
) -> Result<Response> {
    classify(
        &TestProtocol,
        StatusCode::from_u16(status).expect("status"),
        headers(pairs),
        BodyRead::Complete(Bytes::from_static(body)),
        &[],
        now(),
    )
}

fn unexpected(result: Result<Response>) -> UnexpectedResponse {
    match result {
        Err(Error::UnexpectedResponse(e)) => *e,
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[test]
fn html_error_page_gives_title() {
    let body = b"<!DOCTYPE html><html><head><title>Twitter / Over capacity</title></head><body><h1>Something is technically wrong.</h1></body></html>";

    let err = unexpected(run(
        503,
        &[("content-type", "text/html; charset=utf-8")],
        body,
    ));

    assert_eq!(err.body_kind(), UnexpectedBody::HtmlPage);
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(
        err.snippet(),
        "Twitter / Over capacity: Something is technically wrong."
    );
    assert_eq!(err.content_type(), Some("text/html; charset=utf-8"));
}

#[test]
fn html_without_title_uses_h1_then_text() {
    let h1 = unexpected(run(
        502,
        &[],
        b"<html><body><h1>502 Bad &amp; Gateway</h1></body></html>",
    ));
    let text = unexpected(run(
        502,
        &[],
        b"<html><body><p>upstream\n  connect error</p></body></html>",
    ));

    assert_eq!(h1.snippet(), "502 Bad & Gateway");
    assert_eq!(text.snippet(), "upstream connect error");
}

#[test]
fn captive_portal_200_html_is_error() {
    let err = unexpected(run(
        200,
        &[("content-type", "text/html")],
        b"<html><title>Sign in to Wi-Fi</title></html>",
    ));

    assert_eq!(err.body_kind(), UnexpectedBody::HtmlPage);
    assert_eq!(err.snippet(), "Sign in to Wi-Fi");
}

#[test]
fn html_mislabelled_as_json_is_html() {
    let err = unexpected(run(
        500,
        &[("content-type", "application/json")],
        b"  <html><title>Oops</title></html>",
    ));

    assert_eq!(err.body_kind(), UnexpectedBody::HtmlPage);
}

#[test]
fn plain_text_body_kept_as_snippet() {
    let err = unexpected(run(
        502,
        &[("content-type", "text/plain")],
        b"upstream connect error or disconnect",
    ));

    assert_eq!(err.body_kind(), UnexpectedBody::Text);
    assert_eq!(err.snippet(), "upstream connect error or disconnect");
}

#[test]
fn empty_success_is_ok_empty_error_is_not() {
    let ok = run(204, &[], b"").expect("204 with no body");
    let err = unexpected(run(503, &[], b"  \r\n"));

    assert!(ok.is_empty());
    assert_eq!(err.body_kind(), UnexpectedBody::Empty);
}

#[test]
fn empty_success_fails_json_decode() {
    let response = run(200, &[], b"").expect("classified");

    let err = response
        .json::<serde_json::Value>()
        .expect_err("no body to decode");

    assert!(
        matches!(err, Error::UnexpectedResponse(ref e) if e.body_kind() == UnexpectedBody::Empty)
    );
}

#[test]
fn truncated_json_is_invalid_json() {
    let err = unexpected(run(
        200,
        &[("content-type", "application/json")],
        b"{\"data\":{\"id\":\"12",
    ));

    assert_eq!(err.body_kind(), UnexpectedBody::InvalidJson);
    assert!(err.snippet().contains("EOF"), "{}", err.snippet());
}

#[test]
fn incomplete_body_kept_with_status() {
    let result = classify(
        &TestProtocol,
        StatusCode::OK,
        HeaderMap::new(),
        BodyRead::Incomplete("the connection ended before the whole body arrived".into()),
        &[],
        now(),
    );

    let err = unexpected(result);

    assert_eq!(err.body_kind(), UnexpectedBody::Incomplete);
    assert_eq!(err.status(), Some(StatusCode::OK));
}

#[test]
fn json_error_object_fails_even_on_200() {
    let result = run(
        200,
        &[("x-tt-logid", "LOG1")],
        br#"{"data":{},"error":{"code":"spam_risk_too_many_posts","message":""}}"#,
    );

    let Err(Error::Api(api)) = result else {
        panic!("expected an API error, got {result:?}");
    };
    assert_eq!(api.code(), Some("spam_risk_too_many_posts"));
    assert_eq!(api.status(), Some(StatusCode::OK));
    assert_eq!(api.request_id(), Some("LOG1"));
    assert_eq!(api.kind(), ErrorKind::QuotaExceeded);
}

#[test]
fn ok_envelope_is_success() {
    let response = run(
        200,
        &[],
        br#"{"data":{"publish_id":"v_pub_1"},"error":{"code":"ok"}}"#,
    )
    .expect("success");

    assert_eq!(
        response.json_value().expect("json")["data"]["publish_id"],
        "v_pub_1"
    );
}

#[test]
fn unclaimed_error_status_uses_generic_message() {
    let result = run(404, &[], br#"{"message":"no such upload"}"#);

    let Err(Error::Api(api)) = result else {
        panic!("expected an API error, got {result:?}");
    };
    assert_eq!(api.kind(), ErrorKind::NotFound);
    assert_eq!(api.message(), "no such upload");
}

#[test]
fn retry_after_read_on_errors() {
    let err = unexpected(run(
        429,
        &[("retry-after", "12"), ("content-type", "text/html")],
        b"<title>Slow down</title>",
    ));

    assert_eq!(err.retry_after(), Some(Duration::from_secs(12)));
}

#[test]
fn accepted_status_passes() {
    let result = classify(
        &TestProtocol,
        StatusCode::PERMANENT_REDIRECT,
        headers(&[("range", "bytes=0-99")]),
        BodyRead::Complete(Bytes::new()),
        &[StatusCode::PERMANENT_REDIRECT],
        now(),
    );

    let response = result.expect("308 accepted");

    assert_eq!(response.header("range"), Some("bytes=0-99"));
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Created {
    id: String,
    token: String,
}

#[test]
fn missing_field_named_values_hidden() {
    let missing = run(200, &[], br#"{"token":"act.secret"}"#).expect("json");
    let wrong_type = run(200, &[], br#"{"id":"1","token":{"nested":"act.secret"}}"#).expect("json");
    let wrong_string = run(200, &[], br#"{"id":"1","token":17}"#).expect("json");

    let missing = unexpected(missing.json::<Created>().map(|_| missing.clone()));
    let wrong_type = unexpected(wrong_type.json::<Created>().map(|_| wrong_type.clone()));
    let wrong_string = unexpected(wrong_string.json::<Created>().map(|_| wrong_string.clone()));

    assert_eq!(missing.body_kind(), UnexpectedBody::MissingField);
    assert!(
        missing.snippet().contains("missing field `id`"),
        "{}",
        missing.snippet()
    );
    assert!(
        !wrong_type.snippet().contains("act.secret"),
        "{}",
        wrong_type.snippet()
    );
    assert!(
        wrong_string.snippet().contains("invalid type"),
        "{}",
        wrong_string.snippet()
    );
}

#[test]
fn serde_message_redaction() {
    assert_eq!(
        redact_serde_message("invalid type: string \"act.123\", expected u64"),
        "invalid type: string \"…\", expected u64"
    );
    assert_eq!(
        redact_serde_message("missing field `id`"),
        "missing field `id`"
    );
}

#[test]
fn binary_garbage_does_not_panic() {
    let err = unexpected(run(200, &[], b"\xff\xfe\x00\x01garbage"));

    assert_eq!(err.body_kind(), UnexpectedBody::Text);
}

#[test]
fn json_with_byte_order_mark_parsed() {
    let response = run(
        200,
        &[("content-type", "application/json")],
        b"\xEF\xBB\xBF{\"id\":\"1\"}",
    )
    .expect("parsed");

    assert_eq!(response.json_value().expect("json")["id"], "1");
}
