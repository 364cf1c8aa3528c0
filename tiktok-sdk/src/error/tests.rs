use serde_json::json;

use super::*;

#[test]
fn ok_code_is_success_on_any_status() {
    let body = json!({"data": {}, "error": {"code": "ok", "message": "", "log_id": "L1"}});

    assert!(parse_error_body(StatusCode::OK, &body).is_none());
    assert!(parse_error_body(StatusCode::FORBIDDEN, &body).is_none());
}

#[test]
fn cap_code_on_200_is_error() {
    let error = json!({"code": "spam_risk_too_many_posts", "message": "cap", "logid": "L2"});
    let body = json!({"data": {}, "error": error});

    let error = parse_error_body(StatusCode::OK, &body).expect("error");

    assert_eq!(error.kind(), ErrorKind::QuotaExceeded);
    assert_eq!(error.code(), Some("spam_risk_too_many_posts"));
    assert_eq!(error.request_id(), Some("L2"));
    assert!(error.message().starts_with("cap ("));
}

#[test]
fn error_object_without_code_is_error() {
    let body = json!({"data": {}, "error": {"message": "odd"}});

    let error = parse_error_body(StatusCode::OK, &body).expect("error");

    assert_eq!(error.kind(), ErrorKind::Other);
    assert!(error.code().is_none());
}

#[test]
fn oauth_shape_is_read() {
    let body = json!({"error": "invalid_grant", "error_description": "expired", "log_id": "L3"});

    let error = parse_error_body(StatusCode::BAD_REQUEST, &body).expect("error");

    assert_eq!(error.code(), Some("invalid_grant"));
    assert_eq!(error.message(), "expired");
    assert_eq!(error.request_id(), Some("L3"));
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
}

#[test]
fn body_without_error_is_not_claimed() {
    assert!(parse_error_body(StatusCode::OK, &json!({"access_token": "x"})).is_none());
    assert!(parse_error_body(StatusCode::OK, &json!({"error": ""})).is_none());
}

#[test]
fn upload_host_leaves_transfer_statuses_alone() {
    let body = json!({"error": {"code": "something", "message": ""}});
    let upload = TikTokProtocol::upload();
    let headers = HeaderMap::new();

    assert!(
        upload
            .parse_error(StatusCode::PARTIAL_CONTENT, &headers, &body)
            .is_none()
    );
    assert!(
        upload
            .parse_error(StatusCode::RANGE_NOT_SATISFIABLE, &headers, &body)
            .is_none()
    );
    assert!(
        upload
            .parse_error(StatusCode::FORBIDDEN, &headers, &body)
            .is_some()
    );
}

#[test]
fn code_table() {
    let cases = [
        ("access_token_invalid", ErrorKind::InvalidToken),
        ("scope_not_authorized", ErrorKind::PermissionDenied),
        ("rate_limit_exceeded", ErrorKind::RateLimited),
        ("spam_risk_too_many_pending_share", ErrorKind::QuotaExceeded),
        ("reached_active_user_cap", ErrorKind::QuotaExceeded),
        (
            "spam_risk_user_banned_from_posting",
            ErrorKind::AccountNotEligible,
        ),
        (
            "unaudited_client_can_only_post_to_private_accounts",
            ErrorKind::AccountNotEligible,
        ),
        ("privacy_level_option_mismatch", ErrorKind::InvalidRequest),
        ("url_ownership_unverified", ErrorKind::InvalidRequest),
        ("invalid_param", ErrorKind::InvalidRequest),
        ("invalid_params", ErrorKind::InvalidRequest),
        ("internal_error", ErrorKind::ServerError),
    ];
    for (code, kind) in cases {
        assert_eq!(map_code(code, StatusCode::OK).kind, kind, "{code}");
    }
    assert_eq!(
        map_code("new_code", StatusCode::NOT_FOUND).kind,
        ErrorKind::NotFound
    );
    assert_eq!(map_code("new_code", StatusCode::OK).kind, ErrorKind::Other);
}
