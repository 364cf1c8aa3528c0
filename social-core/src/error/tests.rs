use std::error::Error as _;
use std::time::Duration;

use http::StatusCode;

use super::*;

#[test]
fn api_error_display_is_one_line() {
    let err: Error = ApiError::new(
        Platform::Facebook,
        ErrorKind::InvalidToken,
        "Session\nexpired",
    )
    .with_status(StatusCode::BAD_REQUEST)
    .with_code("190")
    .with_subcode("463")
    .with_request_id(Some("AbCdEf".into()))
    .into();

    let text = err.to_string();

    assert_eq!(
        text,
        "Facebook API error, HTTP 400, invalid token, code 190/463: Session expired (request id AbCdEf)"
    );
    assert!(!text.contains('\n'));
}

#[test]
fn transport_error_keeps_source() {
    let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
    let err: Error =
        TransportError::new(Platform::X, "create_post", Delivery::Unknown, false, io).into();

    let source = err.source().expect("source kept");

    assert_eq!(source.to_string(), "reset by peer");
    assert!(
        !err.to_string().contains("reset by peer"),
        "source is not repeated in Display"
    );
    assert_eq!(err.delivery(), Some(Delivery::Unknown));
    assert!(err.to_string().contains("check before sending it again"));
}

#[test]
fn kind_of_unparsed_response_follows_status() {
    let cases = [
        (401, ErrorKind::InvalidToken),
        (403, ErrorKind::PermissionDenied),
        (404, ErrorKind::NotFound),
        (429, ErrorKind::RateLimited),
        (400, ErrorKind::InvalidRequest),
        (503, ErrorKind::ServerError),
    ];
    for (status, kind) in cases {
        let status = StatusCode::from_u16(status).expect("valid status");
        let err: Error = UnexpectedResponse::new(
            Platform::TikTok,
            UnexpectedBody::HtmlPage,
            Some(status),
            "x",
        )
        .into();
        assert_eq!(err.kind(), kind, "status {status}");
    }
}

#[test]
fn delivery_unknown_on_server_errors_only() {
    let server: Error = ApiError::new(Platform::X, ErrorKind::ServerError, "boom")
        .with_status(StatusCode::BAD_GATEWAY)
        .into();
    let client: Error = ApiError::new(Platform::X, ErrorKind::Duplicate, "dup")
        .with_status(StatusCode::FORBIDDEN)
        .into();

    assert_eq!(server.delivery(), Some(Delivery::Unknown));
    assert_eq!(client.delivery(), None);
}

#[test]
fn transient_flag_overrides_kind() {
    let err: Error = ApiError::new(Platform::Facebook, ErrorKind::InvalidRequest, "try again")
        .with_transient(true)
        .into();

    assert!(err.is_retryable());
}

#[test]
fn retry_after_and_request_id_accessors() {
    let err: Error = UnexpectedResponse::new(
        Platform::YouTube,
        UnexpectedBody::HtmlPage,
        Some(StatusCode::SERVICE_UNAVAILABLE),
        "Service Unavailable",
    )
    .with_retry_after(Some(Duration::from_secs(7)))
    .with_request_id(Some("guploader-1".into()))
    .into();

    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(err.request_id(), Some("guploader-1"));
    assert!(err.is_retryable());
}

#[test]
fn snippet_is_cut_to_200_chars() {
    let long = "é".repeat(500);
    let err = UnexpectedResponse::new(Platform::X, UnexpectedBody::Text, None, long);

    assert_eq!(err.snippet().chars().count(), 201);
    assert!(err.snippet().ends_with('…'));
}

#[test]
fn timeout_error_names_id_and_state() {
    let err: Error = TimeoutError::new(
        Platform::X,
        "1880028106020515840",
        Some("in_progress".into()),
        Duration::from_secs(1800),
    )
    .into();

    let text = err.to_string();

    assert!(text.contains("1880028106020515840"));
    assert!(text.contains("in_progress"));
    assert!(text.contains("1800s"));
}

#[test]
fn invalid_input_names_field() {
    let err = Error::invalid_input("page_id", "missing; set it with PageConfig::page_id");

    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        err.to_string(),
        "invalid page_id: missing; set it with PageConfig::page_id"
    );
}

#[test]
fn delivery_unknown_on_success_status_errors() {
    let api: Error = ApiError::new(Platform::Facebook, ErrorKind::Other, "error object on 200")
        .with_status(StatusCode::OK)
        .into();
    let unusable: Error = UnexpectedResponse::new(
        Platform::X,
        UnexpectedBody::InvalidJson,
        Some(StatusCode::CREATED),
        "EOF",
    )
    .into();

    assert_eq!(api.delivery(), Some(Delivery::Unknown));
    assert_eq!(unusable.delivery(), Some(Delivery::Unknown));
}

#[test]
fn long_api_message_cut() {
    let error = ApiError::new(
        Platform::X,
        ErrorKind::InvalidRequest,
        "x".repeat(5_000_000),
    );

    assert_eq!(error.message().chars().count(), 1_001);
}
