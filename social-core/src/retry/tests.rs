use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue, StatusCode};

use super::*;
use crate::error::{ApiError, Platform, TransportError, UnexpectedBody, UnexpectedResponse};

fn api(status: u16, kind: ErrorKind, retry_after: Option<u64>) -> Error {
    ApiError::new(Platform::X, kind, "test")
        .with_status(StatusCode::from_u16(status).expect("status"))
        .with_retry_after(retry_after.map(Duration::from_secs))
        .into()
}

fn html(status: u16) -> Error {
    UnexpectedResponse::new(
        Platform::X,
        UnexpectedBody::HtmlPage,
        Some(StatusCode::from_u16(status).expect("status")),
        "Over capacity",
    )
    .into()
}

fn transport(delivery: Delivery) -> Error {
    let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
    TransportError::new(Platform::X, "op", delivery, false, io).into()
}

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_delay(Duration::from_secs(1))
        .with_max_delay(Duration::from_secs(8))
        .with_max_attempts(4)
        .with_max_total_wait(Duration::from_secs(60))
        .with_max_retry_after(Duration::from_secs(30))
}

use Idempotency::{Creating, Idempotent};

fn retry(secs: f64, reason: RetryReason) -> RetryDecision {
    RetryDecision::Retry {
        delay: Duration::from_secs_f64(secs),
        reason,
    }
}

#[test]
fn decision_table() {
    let cases: Vec<(&str, Idempotency, Error, RetryDecision)> = vec![
        (
            "503 json, read",
            Idempotent,
            api(503, ErrorKind::ServerError, None),
            retry(0.5, RetryReason::ServerError),
        ),
        (
            "503 json, create",
            Creating,
            api(503, ErrorKind::ServerError, None),
            RetryDecision::Stop(StopReason::NotIdempotent),
        ),
        (
            "503 html, read",
            Idempotent,
            html(503),
            retry(0.5, RetryReason::ServerError),
        ),
        (
            "502 html, create",
            Creating,
            html(502),
            RetryDecision::Stop(StopReason::NotIdempotent),
        ),
        (
            "200 html captive portal, read",
            Idempotent,
            html(200),
            RetryDecision::Stop(StopReason::NotRetryable),
        ),
        (
            "429 no hint, create",
            Creating,
            api(429, ErrorKind::RateLimited, None),
            retry(0.5, RetryReason::RateLimited),
        ),
        (
            "429 hint 7s, read",
            Idempotent,
            api(429, ErrorKind::RateLimited, Some(7)),
            retry(7.0, RetryReason::RateLimited),
        ),
        (
            "429 html hint 7s, create",
            Creating,
            html_with_retry_after(429, 7),
            retry(7.0, RetryReason::RateLimited),
        ),
        (
            "429 hint beyond cap",
            Idempotent,
            api(429, ErrorKind::RateLimited, Some(31)),
            RetryDecision::Stop(StopReason::RetryAfterTooLong),
        ),
        (
            "403 duplicate",
            Idempotent,
            api(403, ErrorKind::Duplicate, None),
            RetryDecision::Stop(StopReason::NotRetryable),
        ),
        (
            "400 invalid",
            Idempotent,
            api(400, ErrorKind::InvalidRequest, None),
            RetryDecision::Stop(StopReason::NotRetryable),
        ),
        (
            "401 token",
            Idempotent,
            api(401, ErrorKind::InvalidToken, None),
            RetryDecision::Stop(StopReason::NotRetryable),
        ),
        (
            "403 quota",
            Idempotent,
            api(403, ErrorKind::QuotaExceeded, None),
            RetryDecision::Stop(StopReason::NotRetryable),
        ),
        (
            "transport not sent, create",
            Creating,
            transport(Delivery::NotSent),
            retry(0.5, RetryReason::Transport),
        ),
        (
            "transport unknown, create",
            Creating,
            transport(Delivery::Unknown),
            RetryDecision::Stop(StopReason::NotIdempotent),
        ),
        (
            "transport unknown, read",
            Idempotent,
            transport(Delivery::Unknown),
            retry(0.5, RetryReason::Transport),
        ),
        (
            "invalid input",
            Idempotent,
            Error::invalid_input("text", "empty"),
            RetryDecision::Stop(StopReason::NotRetryable),
        ),
    ];

    for (name, idempotency, error, expected) in cases {
        let decision = policy().decide(idempotency, 1, Duration::ZERO, &error, 0.5);
        assert_eq!(decision, expected, "case: {name}");
    }
}

fn html_with_retry_after(status: u16, secs: u64) -> Error {
    UnexpectedResponse::new(
        Platform::X,
        UnexpectedBody::HtmlPage,
        Some(StatusCode::from_u16(status).expect("status")),
        "Too Many Requests",
    )
    .with_retry_after(Some(Duration::from_secs(secs)))
    .into()
}

#[test]
fn transient_flag_retries_4xx_on_reads() {
    let error: Error = ApiError::new(Platform::Facebook, ErrorKind::Other, "try again")
        .with_status(StatusCode::BAD_REQUEST)
        .with_transient(true)
        .into();

    let read = policy().decide(Idempotent, 1, Duration::ZERO, &error, 0.0);
    let create = policy().decide(Creating, 1, Duration::ZERO, &error, 0.0);

    assert_eq!(read, retry(0.0, RetryReason::ServerError));
    assert_eq!(create, RetryDecision::Stop(StopReason::NotIdempotent));
}

#[test]
fn attempts_run_out() {
    let error = api(503, ErrorKind::ServerError, None);

    let third = policy().decide(Idempotent, 3, Duration::ZERO, &error, 0.5);
    let fourth = policy().decide(Idempotent, 4, Duration::ZERO, &error, 0.5);

    assert!(matches!(third, RetryDecision::Retry { .. }));
    assert_eq!(fourth, RetryDecision::Stop(StopReason::AttemptsExhausted));
}

#[test]
fn wait_budget_runs_out() {
    let error = api(429, ErrorKind::RateLimited, Some(20));

    let decision = policy().decide(Idempotent, 1, Duration::from_secs(45), &error, 0.5);

    assert_eq!(
        decision,
        RetryDecision::Stop(StopReason::WaitBudgetExhausted)
    );
}

#[test]
fn backoff_doubles_up_to_cap() {
    let policy = policy();

    let ceilings: Vec<u64> = (1..=6)
        .map(|a| policy.backoff_ceiling(a).as_secs())
        .collect();

    assert_eq!(ceilings, vec![1, 2, 4, 8, 8, 8]);
}

#[test]
fn full_jitter_scales_ceiling() {
    let error = api(500, ErrorKind::ServerError, None);

    let low = policy().decide(Idempotent, 3, Duration::ZERO, &error, 0.0);
    let high = policy().decide(Idempotent, 3, Duration::ZERO, &error, 0.999);

    assert_eq!(low, retry(0.0, RetryReason::ServerError));
    let RetryDecision::Retry { delay, .. } = high else {
        panic!("expected a retry, got {high:?}");
    };
    assert!(delay < Duration::from_secs(4));
    assert!(delay > Duration::from_millis(3_990));
}

#[test]
fn never_policy_stops_after_first() {
    let error = api(503, ErrorKind::ServerError, None);

    let decision = RetryPolicy::never().decide(Idempotent, 1, Duration::ZERO, &error, 0.5);

    assert_eq!(decision, RetryDecision::Stop(StopReason::AttemptsExhausted));
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(
            http::header::HeaderName::from_bytes(name.as_bytes()).expect("name"),
            HeaderValue::from_str(value).expect("value"),
        );
    }
    map
}

#[test]
fn retry_after_forms() {
    // 1994-11-06 08:49:37 UTC, the example date of RFC 9110.
    let base = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
    let now = base;
    let cases = [
        ("delta seconds", vec![("retry-after", "120")], Some(120)),
        ("padded delta", vec![("retry-after", " 5 ")], Some(5)),
        (
            "IMF-fixdate",
            vec![("retry-after", "Sun, 06 Nov 1994 08:50:07 GMT")],
            Some(30),
        ),
        (
            "RFC 850",
            vec![("retry-after", "Sunday, 06-Nov-94 08:50:07 GMT")],
            Some(30),
        ),
        (
            "asctime",
            vec![("retry-after", "Sun Nov  6 08:50:07 1994")],
            Some(30),
        ),
        (
            "date in the past",
            vec![("retry-after", "Sun, 06 Nov 1994 08:00:00 GMT")],
            Some(0),
        ),
        ("garbage", vec![("retry-after", "soon")], None),
        ("negative", vec![("retry-after", "-3")], None),
        ("absent", vec![], None),
    ];

    for (name, pairs, expected) in cases {
        let parsed = parse_retry_after(&headers(&pairs), now);
        assert_eq!(parsed, expected.map(Duration::from_secs), "case: {name}");
    }
}

#[test]
fn retry_after_date_uses_server_date() {
    // The local clock runs an hour fast; the server's Date header says the
    // retry time is 60 s away, and that is what counts.
    let local = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777 + 3_600);
    let map = headers(&[
        ("retry-after", "Sun, 06 Nov 1994 08:50:37 GMT"),
        ("date", "Sun, 06 Nov 1994 08:49:37 GMT"),
    ]);

    let parsed = parse_retry_after(&map, local);

    assert_eq!(parsed, Some(Duration::from_secs(60)));
}
