use http::HeaderValue;
use serde_json::json;
use social_core::Error;

use super::*;

fn parse(status: u16, headers: &HeaderMap, body: Value) -> ApiError {
    let status = StatusCode::from_u16(status).expect("status");
    GraphProtocol::new(Platform::Facebook)
        .parse_error(status, headers, &body)
        .expect("an error body")
}

fn error_body(code: i64, subcode: Option<i64>) -> Value {
    let mut error =
        json!({"message": "text in any language", "type": "OAuthException", "code": code});
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    json!({"error": error})
}

#[test]
fn codes_map_to_kinds() {
    use ErrorKind::*;
    let table: [(i64, Option<i64>, ErrorKind); 22] = [
        (190, Some(463), InvalidToken),
        (190, Some(460), InvalidToken),
        (190, None, InvalidToken),
        (102, None, InvalidToken),
        (4, None, RateLimited),
        (17, None, RateLimited),
        (32, None, RateLimited),
        (341, None, RateLimited),
        (613, Some(1996), RateLimited),
        (80001, None, RateLimited),
        (80002, None, RateLimited),
        (368, Some(1_390_008), RateLimited),
        (368, Some(44), RateLimited),
        (368, None, Duplicate),
        (506, None, Duplicate),
        (1, None, ServerError),
        (2, None, ServerError),
        (10, None, PermissionDenied),
        (200, None, PermissionDenied),
        (299, None, PermissionDenied),
        (100, Some(33), NotFound),
        (100, None, InvalidRequest),
    ];
    for (code, subcode, kind) in table {
        let error = parse(400, &HeaderMap::new(), error_body(code, subcode));

        assert_eq!(error.kind(), kind, "code {code}/{subcode:?}");
        assert_eq!(error.code(), Some(code.to_string().as_str()));
    }
}

#[test]
fn oauth_exception_type_alone_not_auth() {
    let error = parse(400, &HeaderMap::new(), error_body(100, None));

    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
}

#[test]
fn token_errors_never_transient() {
    let body = json!({"error": {"code": 190, "error_subcode": 463, "is_transient": true,
        "message": "Error validating access token: Session has expired", "fbtrace_id": "T1"}});

    let error: Error = parse(400, &HeaderMap::new(), body).into();

    assert!(!error.is_retryable());
    assert!(
        error.to_string().contains("expired and must be renewed"),
        "{error}"
    );
    assert!(error.to_string().contains("Session has expired"), "{error}");
    assert_eq!(error.request_id(), Some("T1"));
}

#[test]
fn is_transient_makes_unknown_code_retryable() {
    let body = json!({"error": {"code": 12345, "is_transient": true, "message": "m"}});

    let error: Error = parse(400, &HeaderMap::new(), body).into();

    assert!(error.is_retryable());
}

#[test]
fn throttle_waits_for_regain_access_minutes() {
    let mut headers = HeaderMap::new();
    headers.insert(
        usage::BUSINESS_USAGE,
        HeaderValue::from_static(
            r#"{"111":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":2}]}"#,
        ),
    );

    let with_header = parse(400, &headers, error_body(80001, None));
    let without_header = parse(400, &HeaderMap::new(), error_body(4, None));

    assert_eq!(with_header.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(without_header.retry_after(), Some(THROTTLE_MIN_WAIT));
}

#[test]
fn posting_too_fast_waits_long() {
    let error = parse(400, &HeaderMap::new(), error_body(368, Some(1_390_008)));

    assert_eq!(error.retry_after(), Some(POLICY_BLOCK_MIN_WAIT));
    assert_eq!(error.subcode(), Some("1390008"));
}

#[test]
fn error_object_on_200_is_error() {
    let error = parse(200, &HeaderMap::new(), error_body(100, None));

    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(error.status(), Some(StatusCode::OK));
}

#[test]
fn success_body_not_an_error() {
    let protocol = GraphProtocol::new(Platform::Facebook);

    let parsed = protocol.parse_error(StatusCode::OK, &HeaderMap::new(), &json!({"id": "1_2"}));

    assert!(parsed.is_none());
}

#[test]
fn user_text_and_body_kept() {
    let body = json!({"error": {"code": 100, "message": "(#100) bad", "error_user_title": "ಶೀರ್ಷಿಕೆ",
        "error_user_msg": "ಸಂದೇಶ", "error_data": {"blame_field": "message"}}});

    let error = parse(400, &HeaderMap::new(), body);
    let details = GraphErrorDetails::from_api(&error).expect("details kept");

    assert_eq!(error.user_title(), Some("ಶೀರ್ಷಿಕೆ"));
    assert_eq!(error.user_message(), Some("ಸಂದೇಶ"));
    assert_eq!(details.error_data, Some(json!({"blame_field": "message"})));
}

#[test]
fn echoed_token_redacted_in_message_and_body() {
    let body =
        json!({"error": {"code": 100, "message": "Invalid parameter access_token=EAAsecret"}});

    let error = parse(400, &HeaderMap::new(), body);
    let kept = error.body().expect("body").to_string();

    assert!(!error.message().contains("EAAsecret"));
    assert!(!kept.contains("EAAsecret"));
}

#[test]
fn instagram_platform_printed() {
    let protocol = GraphProtocol::new(Platform::Instagram);

    let error = protocol
        .parse_error(
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            &error_body(100, None),
        )
        .expect("error");

    assert!(
        error.to_string().starts_with("Instagram API error"),
        "{error}"
    );
}

#[test]
fn rules_override_builtin_table() {
    let protocol = GraphProtocol::new(Platform::Instagram)
        .with_rule(
            9,
            Some(2_207_042),
            Classification::new(ErrorKind::QuotaExceeded),
        )
        .with_rule(1, None, Classification::new(ErrorKind::InvalidRequest));

    assert_eq!(
        protocol.classify(9, Some(2_207_042)).map(|c| c.kind),
        Some(ErrorKind::QuotaExceeded)
    );
    assert_eq!(protocol.classify(9, None), None);
    assert_eq!(
        protocol.classify(1, Some(5)).map(|c| c.kind),
        Some(ErrorKind::InvalidRequest)
    );
}

#[test]
fn rupload_envelope_parsed() {
    let body = json!({"debug_info": {"retriable": false, "type": "ProcessingFailedError",
        "message": "{\"success\":false,\"error\":{\"message\":\"unauthorized user request\"}}"}});

    let error = parse(400, &HeaderMap::new(), body);

    assert_eq!(error.code(), Some("ProcessingFailedError"));
    assert_eq!(error.message(), "unauthorized user request");
    assert_eq!(error.transient(), Some(false));
}

#[test]
fn flat_oauth_error_parsed() {
    let body =
        json!({"error_type": "OAuthException", "code": 400, "error_message": "Invalid code"});

    let error = parse(400, &HeaderMap::new(), body);

    assert_eq!(error.message(), "Invalid code");
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
}

#[test]
fn trace_header_read_as_request_id() {
    let mut headers = HeaderMap::new();
    headers.insert("x-fb-trace-id", HeaderValue::from_static("H1"));

    let id = GraphProtocol::new(Platform::Facebook).request_id(&headers);

    assert_eq!(id.as_deref(), Some("H1"));
}
