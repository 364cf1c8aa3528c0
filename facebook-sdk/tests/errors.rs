//! How Graph failures come back: HTML pages, token errors, throttling,
//! duplicates, bodies that are not JSON, and the retry rules around them.

#[path = "support/common.rs"]
mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use facebook_sdk::FeedPost;
use facebook_sdk::graph::{GraphErrorDetails, POLICY_BLOCK_MIN_WAIT};
use social_core::testing::{FaultFront, FaultRule, ManualTimer, RawAction, RawServer};
use social_core::{Delivery, Error, ErrorKind, HttpSettings, UnexpectedBody};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn mount_feed(server: &MockServer, response: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/feed"))))
        .and(header("authorization", page_auth().as_str()))
        .respond_with(response)
        .up_to_n_times(times.max(1))
        .with_priority(1)
        .expect(times)
        .mount(server)
        .await;
}

async fn mount_read(server: &MockServer, response: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path(graph_path("1234567890_1")))
        .and(query_param(
            "fields",
            "id,message,created_time,permalink_url",
        ))
        .respond_with(response)
        .up_to_n_times(times)
        .expect(times)
        .with_priority(1)
        .mount(server)
        .await;
}

fn unexpected(error: &Error) -> &social_core::UnexpectedResponse {
    match error {
        Error::UnexpectedResponse(inner) => inner,
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn html_error_page_on_feed_post_never_retried() {
    for status in [500, 502, 503, 200] {
        let server = MockServer::start().await;
        mount_feed(&server, html_page(status), 1).await;
        catch_all(&server).await;
        let timer = Arc::new(ManualTimer::new());

        let error = client(&server, &timer)
            .publish_post(&FeedPost::text("hello"))
            .await
            .expect_err("an HTML page is never success");

        let inner = unexpected(&error);
        assert_eq!(inner.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(inner.body_kind(), UnexpectedBody::HtmlPage);
        assert!(
            inner.snippet().contains("Sorry, something went wrong."),
            "{error}"
        );
        assert!(
            inner
                .content_type()
                .is_some_and(|c| c.contains("text/html"))
        );
        assert!(
            timer.sleeps().is_empty(),
            "status {status}: the post may exist, so no retry"
        );
        if status >= 500 {
            assert_eq!(error.delivery(), Some(Delivery::Unknown));
        }
        server.verify().await;
    }
}

#[tokio::test]
async fn html_error_page_on_read_retried() {
    let server = MockServer::start().await;
    mount_read(&server, html_page(502), 1).await;
    Mock::given(method("GET"))
        .and(path(graph_path("1234567890_1")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"id": "1234567890_1", "message": "hi"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let post = client(&server, &timer)
        .get_post("1234567890_1")
        .await
        .expect("second attempt");

    assert_eq!(post.message.as_deref(), Some("hi"));
    assert_eq!(timer.sleeps().len(), 1);
}

#[tokio::test]
async fn expired_token_is_invalid_token_without_retry() {
    let server = MockServer::start().await;
    mount_feed(&server, json_fixture(400, "error_190_463.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_post(&FeedPost::text("hello"))
        .await
        .expect_err("expired token");

    assert_eq!(error.kind(), ErrorKind::InvalidToken);
    assert!(
        matches!(error, Error::Api(_)),
        "kept as the API error, not a refresh attempt"
    );
    assert!(
        error.to_string().contains("expired and must be renewed"),
        "{error}"
    );
    assert!(error.to_string().contains("log in again"), "{error}");
    assert_eq!(error.request_id(), Some("TRACE_ID"));
    assert_eq!(error.as_api().and_then(|e| e.subcode()), Some("463"));
    assert!(!error.is_retryable());
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn password_change_is_invalid_token_with_reason() {
    let server = MockServer::start().await;
    mount_feed(&server, json_fixture(400, "error_190_460.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_post(&FeedPost::text("hello"))
        .await
        .expect_err("invalidated session");

    assert_eq!(error.kind(), ErrorKind::InvalidToken);
    assert!(
        error.to_string().contains("changed their password"),
        "{error}"
    );
    assert_eq!(error.request_id(), Some("TRACE_ID_460"));
}

#[tokio::test]
async fn posting_too_fast_rate_limited_without_retry_loop() {
    let server = MockServer::start().await;
    mount_feed(&server, json_fixture(400, "error_368_1390008.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_post(&FeedPost::text("hello"))
        .await
        .expect_err("blocked");

    let api = error.as_api().expect("API error");
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(api.code(), Some("368"));
    assert_eq!(api.subcode(), Some("1390008"));
    assert!(
        api.message().contains("going too fast"),
        "raw message kept: {api}"
    );
    assert_eq!(error.retry_after(), Some(POLICY_BLOCK_MIN_WAIT));
    assert!(timer.sleeps().is_empty(), "no tight retry loop");
}

#[tokio::test]
async fn duplicate_post_tells_caller_to_check() {
    let server = MockServer::start().await;
    mount_feed(&server, json_fixture(400, "error_368_duplicate.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_post(&FeedPost::text("hello"))
        .await
        .expect_err("duplicate");

    let api = error.as_api().expect("API error");
    assert_eq!(error.kind(), ErrorKind::Duplicate);
    assert_eq!(api.code(), Some("368"));
    assert_eq!(api.subcode(), None);
    assert!(
        api.message()
            .contains("check whether the earlier post exists"),
        "{api}"
    );
    assert!(
        api.message().contains("You've already posted this"),
        "raw message kept: {api}"
    );
    assert_eq!(
        GraphErrorDetails::from_api(api).and_then(|d| d.code),
        Some(368)
    );
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn error_object_on_200_is_error() {
    let server = MockServer::start().await;
    mount_feed(&server, json_fixture(200, "error_200.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_post(&FeedPost::text("hello"))
        .await
        .expect_err("an error object is never success");

    assert_eq!(error.kind(), ErrorKind::PermissionDenied);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn localized_error_classified_by_code() {
    let server = MockServer::start().await;
    mount_feed(&server, json_fixture(400, "error_100_localized.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_post(&FeedPost::text("hello"))
        .await
        .expect_err("invalid parameter");

    let api = error.as_api().expect("API error");
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(api.user_title(), Some("ಲಿಂಕ್ ದೋಷ"));
    assert_eq!(api.user_message(), Some("ಲಿಂಕ್ ಪೋಸ್ಟ್ ಮಾಡಲು ಸಾಧ್ಯವಿಲ್ಲ"));
    assert_eq!(error.request_id(), Some("TRACE_100"));
}

#[tokio::test]
async fn unusable_bodies_unexpected_response() {
    let cases = [
        (
            ResponseTemplate::new(200).set_body_raw(fixture("plain_text.txt"), "text/plain"),
            UnexpectedBody::Text,
        ),
        (
            ResponseTemplate::new(200).set_body_raw(fixture("truncated.json"), "application/json"),
            UnexpectedBody::InvalidJson,
        ),
        (
            ResponseTemplate::new(200).set_body_raw("", "application/json"),
            UnexpectedBody::Empty,
        ),
        (
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"success": true})),
            UnexpectedBody::MissingField,
        ),
        (ResponseTemplate::new(413), UnexpectedBody::Empty),
    ];
    for (response, expected) in cases {
        let server = MockServer::start().await;
        mount_feed(&server, response, 1).await;
        catch_all(&server).await;
        let timer = Arc::new(ManualTimer::new());

        let error = client(&server, &timer)
            .publish_post(&FeedPost::text("hello"))
            .await
            .expect_err("unusable body");

        assert_eq!(unexpected(&error).body_kind(), expected, "{error}");
    }
}

#[tokio::test]
async fn truncated_body_on_read_retried_then_reported() {
    let body = br#"{"id":"1234567890_1","message":"hi"}"#;
    let server = RawServer::start(vec![
        RawAction::truncated(200, "application/json", &body[..10], body.len()),
        RawAction::truncated(200, "application/json", &body[..10], body.len()),
    ])
    .await
    .expect("raw server");
    let timer = Arc::new(ManualTimer::new());
    let client = facebook_sdk::Client::builder()
        .page_id(PAGE_ID)
        .page_token(PAGE_TOKEN)
        .graph_url(server.url())
        .http_settings(HttpSettings::default().no_proxy())
        .retry_policy(social_core::RetryPolicy::default().with_max_attempts(2))
        .timer(timer.clone())
        .build()
        .expect("client");

    let error = client
        .get_post("1234567890_1")
        .await
        .expect_err("cut short twice");

    assert_eq!(unexpected(&error).body_kind(), UnexpectedBody::Incomplete);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(timer.sleeps().len(), 1);
}

#[tokio::test]
async fn retry_after_seconds_and_date_honoured() {
    for (value, expected) in [("7", 7), ("Tue, 14 Nov 2023 22:13:30 GMT", 10)] {
        let server = MockServer::start().await;
        mount_read(
            &server,
            ResponseTemplate::new(429)
                .insert_header("retry-after", value)
                .insert_header("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
            1,
        )
        .await;
        Mock::given(method("GET"))
            .and(path(graph_path("1234567890_1")))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "1234567890_1"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;
        let timer = Arc::new(ManualTimer::new());

        client(&server, &timer)
            .get_post("1234567890_1")
            .await
            .expect("retried");

        assert_eq!(
            timer.sleeps(),
            vec![Duration::from_secs(expected)],
            "{value}"
        );
    }
}

#[tokio::test]
async fn retry_after_business_usage_minutes() {
    let server = MockServer::start().await;
    let usage = r#"{"1234567890":[{"type":"pages","call_count":100,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":2}]}"#;
    mount_feed(
        &server,
        json_fixture(400, "error_80001.json").insert_header("x-business-use-case-usage", usage),
        1,
    )
    .await;
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/feed"))))
        .respond_with(json_fixture(200, "feed_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);

    let post = client
        .publish_post(&FeedPost::text("hello"))
        .await
        .expect("after the wait");

    assert_eq!(post.id, "1234567890_987654321098765432");
    assert_eq!(timer.sleeps(), vec![Duration::from_secs(120)]);
    let window = client
        .graph()
        .rate_limits()
        .into_iter()
        .find(|l| l.scope() == "business:1234567890:pages")
        .expect("usage recorded");
    assert_eq!(window.used_percent(), Some(100.0));
}

#[tokio::test]
async fn retry_after_beyond_cap_returns_rate_limited() {
    let server = MockServer::start().await;
    let usage = r#"{"1234567890":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":30}]}"#;
    mount_feed(
        &server,
        json_fixture(400, "error_80001.json").insert_header("x-business-use-case-usage", usage),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_post(&FeedPost::text("hello"))
        .await
        .expect_err("30 minutes is past the cap");

    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1800)));
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn transient_5xx_retried_on_read_only() {
    let server = MockServer::start().await;
    mount_read(&server, ResponseTemplate::new(503).set_body_json(serde_json::json!({"error": {"code": 2, "message": "Service temporarily unavailable", "is_transient": true}})), 2).await;
    Mock::given(method("GET"))
        .and(path(graph_path("1234567890_1")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "1234567890_1"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_feed(
        &server,
        ResponseTemplate::new(500).set_body_json(
            serde_json::json!({"error": {"code": 1, "message": "An unknown error occurred"}}),
        ),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);

    client
        .get_post("1234567890_1")
        .await
        .expect("third attempt");
    let reads_slept = timer.sleeps().len();
    let error = client
        .publish_post(&FeedPost::text("hi"))
        .await
        .expect_err("not repeated");

    assert_eq!(reads_slept, 2);
    assert_eq!(
        timer.sleeps().len(),
        2,
        "the creating call slept no further"
    );
    assert_eq!(error.kind(), ErrorKind::ServerError);
    assert_eq!(error.delivery(), Some(Delivery::Unknown));
}

#[tokio::test]
async fn connection_refused_retried_as_not_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let timer = Arc::new(ManualTimer::new());
    let client = facebook_sdk::Client::builder()
        .page_id(PAGE_ID)
        .page_token(PAGE_TOKEN)
        .graph_url(format!("http://{address}/"))
        .http_settings(HttpSettings::default().no_proxy())
        .retry_policy(social_core::RetryPolicy::default().with_max_attempts(3))
        .timer(timer.clone())
        .build()
        .expect("client");

    let error = client
        .publish_post(&FeedPost::text("hi"))
        .await
        .expect_err("nothing listens");

    assert_eq!(error.delivery(), Some(Delivery::NotSent));
    assert_eq!(
        timer.sleeps().len(),
        2,
        "a post that was never sent may be sent again"
    );
}

#[tokio::test]
async fn connection_dropped_on_post_not_repeated() {
    let server = MockServer::start().await;
    mount_feed(&server, json_fixture(200, "feed_created.json"), 0).await;
    catch_all(&server).await;
    let front = FaultFront::start(&server.uri()).await.expect("front");
    front.add_rule(FaultRule::drop_connection(http::Method::POST, "/feed", 1));
    let timer = Arc::new(ManualTimer::new());
    let client = facebook_sdk::Client::builder()
        .page_id(PAGE_ID)
        .page_token(PAGE_TOKEN)
        .graph_url(front.url())
        .http_settings(HttpSettings::default().no_proxy())
        .timer(timer.clone())
        .build()
        .expect("client");

    let error = client
        .publish_post(&FeedPost::text("hi"))
        .await
        .expect_err("dropped");

    assert_eq!(error.delivery(), Some(Delivery::Unknown));
    assert_eq!(front.dropped(), 1);
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn secrets_absent_from_errors() {
    let server = MockServer::start().await;
    mount_feed(
        &server,
        ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": {"code": 100,
            "message": format!("Invalid parameter access_token={PAGE_TOKEN}")}})),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_post(&FeedPost::text("hi"))
        .await
        .expect_err("invalid parameter");

    assert!(!format!("{error}").contains(PAGE_TOKEN));
    assert!(!format!("{error:?}").contains(PAGE_TOKEN));
}

#[tokio::test]
async fn usage_header_huge_wait_no_panic() {
    // 2^64 - 1 minutes cannot be added to any `SystemTime`.
    let usage = r#"{"1234567890":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":18446744073709551615}]}"#;
    let server = MockServer::start().await;
    mount_feed(
        &server,
        json_fixture(200, "feed_created.json").insert_header("x-business-use-case-usage", usage),
        1,
    )
    .await;
    mount_read(
        &server,
        json_fixture(400, "error_80001.json").insert_header("x-business-use-case-usage", usage),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);

    let post = client
        .publish_post(&FeedPost::text("hello"))
        .await
        .expect("a usage header never fails a call");
    let error = client
        .get_post("1234567890_1")
        .await
        .expect_err("throttled");

    assert_eq!(post.id, "1234567890_987654321098765432");
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(u64::MAX)));
    assert!(timer.sleeps().is_empty());
    let window = client
        .graph()
        .rate_limits()
        .into_iter()
        .find(|l| l.scope() == "business:1234567890:pages")
        .expect("usage recorded");
    assert!(window.is_exhausted());
    assert_eq!(window.reset_at(), None);
}
