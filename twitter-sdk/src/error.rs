//! X's error bodies, mapped onto the shared [`ErrorKind`].
//!
//! X uses three shapes: v2 problem details (`type`, `title`, `detail`,
//! `status`), the v1.1 `errors` array of `{code, message}`, and the OAuth
//! token endpoint's `{error, error_description}`. A 200 can also carry an
//! `errors` array beside partial `data`.

use std::time::{Duration, SystemTime};

use serde_json::Value;
use social_core::http::{HeaderMap, StatusCode};
use social_core::rate_limit::wait_for_exhausted;
use social_core::{ApiError, ApiProtocol, ErrorKind, Platform, RateLimit};

/// The [`ApiProtocol`] of the X API.
#[derive(Debug, Clone, Copy, Default)]
pub struct XProtocol;

impl ApiProtocol for XProtocol {
    fn platform(&self) -> Platform {
        Platform::X
    }

    fn parse_error(
        &self,
        status: StatusCode,
        _headers: &HeaderMap,
        body: &Value,
    ) -> Option<ApiError> {
        let has_data = body.get("data").is_some_and(|d| !d.is_null());
        if let Some(error) = body.get("error").and_then(Value::as_str)
            && !(status.is_success() && has_data)
        {
            return Some(oauth_error(status, error, body));
        }
        if let Some(problem) = problem_fields(body) {
            return Some(problem_error(status, &problem, body));
        }
        let errors = body.get("errors").and_then(Value::as_array)?;
        if status.is_success() && body.get("data").is_some_and(|d| !d.is_null()) {
            // Partial success: the data is usable and the errors describe
            // what is missing; the caller reads them from the model.
            return None;
        }
        let first = errors.first()?;
        Some(array_error(status, first, body))
    }

    fn rate_limits(&self, headers: &HeaderMap, _now: SystemTime) -> Vec<RateLimit> {
        ["x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"]
            .into_iter()
            .filter_map(|scope| rate_limit(headers, scope))
            .collect()
    }

    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        header(headers, "x-transaction-id").map(str::to_owned)
    }

    fn retry_after(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        rate_limits: &[RateLimit],
        now: SystemTime,
    ) -> Option<Duration> {
        let hinted = social_core::retry::parse_retry_after(headers, now);
        if hinted.is_some() || status != StatusCode::TOO_MANY_REQUESTS {
            return hinted;
        }
        // A 429 can come from a 24-hour window while the 15-minute window
        // still has calls left, so the reset of whichever window is empty counts.
        wait_for_exhausted(rate_limits, now)
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

fn rate_limit(headers: &HeaderMap, scope: &str) -> Option<RateLimit> {
    let number = |suffix: &str| {
        header(headers, &format!("{scope}-{suffix}")).and_then(|v| v.parse::<u64>().ok())
    };
    let (limit, remaining, reset) = (number("limit"), number("remaining"), number("reset"));
    if limit.is_none() && remaining.is_none() && reset.is_none() {
        return None;
    }
    // A reset beyond what a clock can hold is garbage, not a wait.
    let reset_at =
        reset.and_then(|secs| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs)));
    Some(
        RateLimit::new(scope)
            .with_limit(limit)
            .with_remaining(remaining)
            .with_reset_at(reset_at),
    )
}

struct Problem<'a> {
    type_name: &'a str,
    title: Option<&'a str>,
    detail: Option<&'a str>,
}

fn problem_fields(body: &Value) -> Option<Problem<'_>> {
    let type_uri = body.get("type").and_then(Value::as_str)?;
    let title = body.get("title").and_then(Value::as_str);
    let detail = body.get("detail").and_then(Value::as_str);
    if title.is_none() && detail.is_none() {
        return None;
    }
    // Problem types come under several hosts (api.x.com, api.twitter.com,
    // developer.x.com); only the last path segment names the problem.
    let type_name = type_uri.rsplit(['/', '#']).next().unwrap_or(type_uri);
    Some(Problem {
        type_name,
        title,
        detail,
    })
}

fn problem_error(status: StatusCode, problem: &Problem<'_>, body: &Value) -> ApiError {
    let detail = problem
        .detail
        .or(problem.title)
        .unwrap_or("no detail given");
    let validation = body
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str);
    let (kind, message) = classify_problem(status, problem.type_name, detail);
    let message = match validation {
        Some(extra) if extra != detail => format!("{message} ({extra})"),
        _ => message,
    };
    let error = ApiError::new(Platform::X, kind, message)
        .with_status(status)
        .with_body(body.clone());
    // `about:blank` names no problem type, so it is not worth printing as a code.
    if problem.type_name == "about:blank" {
        error
    } else {
        error.with_code(problem.type_name)
    }
}

fn classify_problem(status: StatusCode, type_name: &str, detail: &str) -> (ErrorKind, String) {
    let lower = detail.to_ascii_lowercase();
    let by_type = match type_name {
        "usage-capped" => Some(ErrorKind::QuotaExceeded),
        "rate-limit-exceeded" => Some(ErrorKind::RateLimited),
        "resource-not-found" => Some(ErrorKind::NotFound),
        "invalid-request" | "invalid-rules" => Some(ErrorKind::InvalidRequest),
        "not-authorized-for-resource"
        | "not-authorized-for-field"
        | "field-unauthorized"
        | "client-forbidden"
        | "disallowed-resource" => Some(ErrorKind::PermissionDenied),
        "duplicate-rules" => Some(ErrorKind::Duplicate),
        "internal-error" | "resource-unavailable" => Some(ErrorKind::ServerError),
        _ => None,
    };
    // `about:blank` problems carry only the status; a duplicate post and a
    // restricted reply are both 403 and differ only in the detail text.
    if status == StatusCode::FORBIDDEN && lower.contains("duplicate content") {
        return (
            ErrorKind::Duplicate,
            format!("{detail} The post was not created; change the text before posting again."),
        );
    }
    if status == StatusCode::FORBIDDEN && lower.contains("reply") && lower.contains("not allowed") {
        return (
            ErrorKind::PermissionDenied,
            format!(
                "{detail} Replies are allowed only where the author mentioned or quoted this account."
            ),
        );
    }
    if status == StatusCode::PAYMENT_REQUIRED {
        return (
            ErrorKind::QuotaExceeded,
            format!(
                "{detail} The app's X API credits are used up or its spending limit is reached; add credits or raise the limit."
            ),
        );
    }
    let kind = by_type.unwrap_or_else(|| ErrorKind::from_status(status));
    (kind, detail.to_owned())
}

fn array_error(status: StatusCode, first: &Value, body: &Value) -> ApiError {
    let message = first
        .get("message")
        .or_else(|| first.get("detail"))
        .and_then(Value::as_str)
        .unwrap_or("no message given");
    let code = first.get("code").and_then(Value::as_u64);
    let (kind, message) = match code {
        Some(code) => classify_v1_code(status, code, message),
        None => (ErrorKind::from_status(status), message.to_owned()),
    };
    let kind = if status.is_success() && kind == ErrorKind::Other {
        ErrorKind::NotFound
    } else {
        kind
    };
    let error = ApiError::new(Platform::X, kind, message)
        .with_status(status)
        .with_body(body.clone());
    match code {
        Some(code) => error.with_code(code.to_string()),
        None => error,
    }
}

fn classify_v1_code(status: StatusCode, code: u64, message: &str) -> (ErrorKind, String) {
    let (kind, advice) = match code {
        32 => (
            ErrorKind::InvalidToken,
            "X rejected the OAuth 1.0a signature: check the consumer key and secret, the access token \
             and secret, the system clock, and that every parameter is percent-encoded per RFC 3986",
        ),
        89 | 99 | 215 => (
            ErrorKind::InvalidToken,
            "the token is invalid or expired; authorize the application again",
        ),
        135 => (
            ErrorKind::InvalidToken,
            "the request timestamp is out of bounds; synchronise the system clock",
        ),
        88 => (ErrorKind::RateLimited, ""),
        130 | 131 => (ErrorKind::ServerError, ""),
        185 => (
            ErrorKind::QuotaExceeded,
            "the user's daily post limit is reached",
        ),
        187 => (
            ErrorKind::Duplicate,
            "the post was not created; change the text before posting again",
        ),
        186 | 324 | 325 | 386 => (ErrorKind::InvalidRequest, ""),
        385 => (
            ErrorKind::NotFound,
            "the post replied to is deleted or not visible",
        ),
        226 | 261 => (ErrorKind::PermissionDenied, ""),
        326 | 416 => (ErrorKind::AccountNotEligible, ""),
        _ => (ErrorKind::from_status(status), ""),
    };
    let message = if advice.is_empty() {
        message.to_owned()
    } else {
        format!("{message}: {advice}")
    };
    (kind, message)
}

fn oauth_error(status: StatusCode, error: &str, body: &Value) -> ApiError {
    let description = body
        .get("error_description")
        .and_then(Value::as_str)
        .unwrap_or(error);
    let kind = match error {
        "invalid_request"
        | "invalid_grant"
        | "invalid_token"
        | "unauthorized_client"
        | "invalid_client" => ErrorKind::InvalidToken,
        "invalid_scope" | "access_denied" => ErrorKind::PermissionDenied,
        _ if status.is_server_error() => ErrorKind::ServerError,
        _ => ErrorKind::InvalidRequest,
    };
    ApiError::new(Platform::X, kind, description)
        .with_status(status)
        .with_code(error)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(status: u16, body: Value) -> Option<ApiError> {
        let status = StatusCode::from_u16(status).expect("status");
        XProtocol.parse_error(status, &HeaderMap::new(), &body)
    }

    #[test]
    fn duplicate_problem() {
        let error = parse(
            403,
            json!({"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}),
        )
        .expect("error");

        assert_eq!(error.kind(), ErrorKind::Duplicate);
        assert_eq!(error.code(), None);
    }

    #[test]
    fn problem_type_matched_by_last_segment() {
        let hosts = [
            "https://api.x.com/2/problems/resource-not-found",
            "https://api.twitter.com/2/problems/resource-not-found",
            "https://developer.x.com/en/support/x-api/error-troubleshooting#resource-not-found",
        ];
        for uri in hosts {
            let error = parse(
                404,
                json!({"type": uri, "title": "Not Found Error", "detail": "gone"}),
            )
            .expect("error");
            assert_eq!(error.kind(), ErrorKind::NotFound, "{uri}");
        }
    }

    #[test]
    fn usage_capped_is_quota() {
        let error = parse(
            429,
            json!({"type":"https://api.x.com/2/problems/usage-capped","title":"Usage cap exceeded","detail":"Monthly product cap"}),
        )
        .expect("error");

        assert_eq!(error.kind(), ErrorKind::QuotaExceeded);
    }

    #[test]
    fn payment_required_is_quota_with_advice() {
        let error = parse(
            402,
            json!({"title":"Payment Required","type":"about:blank","detail":"Credits depleted"}),
        )
        .expect("error");

        assert_eq!(error.kind(), ErrorKind::QuotaExceeded);
        assert!(error.message().contains("add credits"));
    }

    #[test]
    fn signature_rejected_code_32() {
        let error = parse(
            401,
            json!({"errors":[{"message":"Could not authenticate you","code":32}]}),
        )
        .expect("error");

        assert_eq!(error.kind(), ErrorKind::InvalidToken);
        assert_eq!(error.code(), Some("32"));
        assert!(error.message().contains("percent-encoded"));
        assert!(error.message().contains("clock"));
    }

    #[test]
    fn v1_codes_mapped() {
        let cases = [
            (429, 88, ErrorKind::RateLimited),
            (403, 187, ErrorKind::Duplicate),
            (403, 185, ErrorKind::QuotaExceeded),
            (503, 130, ErrorKind::ServerError),
            (400, 324, ErrorKind::InvalidRequest),
            (403, 326, ErrorKind::AccountNotEligible),
        ];
        for (status, code, kind) in cases {
            let error =
                parse(status, json!({"errors":[{"code":code,"message":"m"}]})).expect("error");
            assert_eq!(error.kind(), kind, "code {code}");
        }
    }

    #[test]
    fn partial_success_is_not_error() {
        let body = json!({"data":{"id":"1"},"errors":[{"title":"Not Found Error","detail":"x","type":"https://api.x.com/2/problems/resource-not-found"}]});

        assert!(parse(200, body).is_none());
    }

    #[test]
    fn errors_without_data_on_200_is_error() {
        let body = json!({"errors":[{"value":"9","detail":"Could not find tweet with id: [9].","title":"Not Found Error","type":"https://api.x.com/2/problems/resource-not-found"}]});

        let error = parse(200, body).expect("error");

        assert_eq!(error.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn validation_problem_keeps_field_message() {
        let body = json!({"errors":[{"parameters":{"text":[""]},"message":"Text is required"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.x.com/2/problems/invalid-request"});

        let error = parse(400, body).expect("error");

        assert_eq!(error.kind(), ErrorKind::InvalidRequest);
        assert!(error.message().contains("Text is required"));
    }

    #[test]
    fn oauth_refresh_rejected() {
        let body = json!({"error":"invalid_request","error_description":"Value passed for the token was invalid."});

        let error = parse(400, body).expect("error");

        assert_eq!(error.kind(), ErrorKind::InvalidToken);
        assert_eq!(error.code(), Some("invalid_request"));
    }

    #[test]
    fn rate_limit_headers_parsed() {
        let mut headers = HeaderMap::new();
        headers.insert("x-rate-limit-limit", "100".parse().expect("value"));
        headers.insert("x-rate-limit-remaining", "99".parse().expect("value"));
        headers.insert("x-rate-limit-reset", "1700000900".parse().expect("value"));
        headers.insert("x-user-limit-24hour-remaining", "0".parse().expect("value"));
        headers.insert(
            "x-user-limit-24hour-reset",
            "1700003600".parse().expect("value"),
        );
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);

        let limits = XProtocol.rate_limits(&headers, now);
        let wait = XProtocol.retry_after(StatusCode::TOO_MANY_REQUESTS, &headers, &limits, now);

        assert_eq!(limits.len(), 2);
        assert_eq!(limits[0].remaining(), Some(99));
        assert_eq!(wait, Some(Duration::from_secs(3_600)));
    }
}
