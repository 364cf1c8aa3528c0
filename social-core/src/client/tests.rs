use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::error::{ApiError, ErrorKind, Platform, UnexpectedBody};
use crate::testing::{RawAction, RawServer};
use crate::time::ManualTimer;

#[derive(Debug)]
struct Plain;

impl ApiProtocol for Plain {
    fn platform(&self) -> Platform {
        Platform::YouTube
    }

    fn parse_error(
        &self,
        status: StatusCode,
        _: &HeaderMap,
        body: &serde_json::Value,
    ) -> Option<ApiError> {
        let message = body.get("error")?.get("message")?.as_str()?;
        Some(ApiError::new(
            Platform::YouTube,
            ErrorKind::from_status(status),
            message,
        ))
    }

    fn rate_limits(&self, headers: &HeaderMap, _: SystemTime) -> Vec<RateLimit> {
        let remaining = headers
            .get("x-remaining")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        remaining
            .map(|r| vec![RateLimit::new("test").with_remaining(Some(r))])
            .unwrap_or_default()
    }
}

fn client(timer: Arc<ManualTimer>) -> HttpClient {
    let mut config = HttpClientConfig::new("social-core-tests/0");
    config.settings = HttpSettings::default()
        .no_proxy()
        .request_timeout(Duration::from_millis(500));
    config.timer = timer;
    config.retry = RetryPolicy::default().with_max_attempts(3);
    HttpClient::new(config, Arc::new(Plain)).expect("client")
}

async fn catch_all(server: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .mount(server)
        .await;
}

fn get(url: String) -> impl FnMut(&reqwest::Client) -> Result<reqwest::RequestBuilder> {
    move |c| Ok(c.get(url.clone()))
}

#[tokio::test]
async fn html_503_retried_on_idempotent_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/videos"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("content-type", "text/html")
                .set_body_string("<html><title>Service Unavailable</title></html>"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/videos"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"items": []})))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let response = client(timer.clone())
        .execute(
            &RequestSpec::idempotent("list_videos"),
            get(format!("{}/videos", server.uri())),
        )
        .await
        .expect("second attempt succeeds");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(timer.sleeps().len(), 1);
}

#[tokio::test]
async fn server_error_on_create_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/posts"))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_json(serde_json::json!({"error": {"message": "bad gateway"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let url = format!("{}/posts", server.uri());

    let err = client(timer.clone())
        .execute(&RequestSpec::creating("create_post"), |c| {
            Ok(c.post(url.clone()))
        })
        .await
        .expect_err("502 on a create");

    assert_eq!(err.kind(), ErrorKind::ServerError);
    assert_eq!(err.delivery(), Some(Delivery::Unknown));
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn retry_after_honoured_on_create() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "3")
                .set_body_json(serde_json::json!({"error": {"message": "slow down"}})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "1"})))
        .expect(1)
        .mount(&server)
        .await;
    let timer = Arc::new(ManualTimer::new());
    let url = server.uri();

    let response = client(timer.clone())
        .execute(&RequestSpec::creating("create_post"), |c| {
            Ok(c.post(url.clone()))
        })
        .await
        .expect("retried after 429");

    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(timer.sleeps(), vec![Duration::from_secs(3)]);
}

#[tokio::test]
async fn retry_after_beyond_cap_returns_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "900"))
        .expect(1)
        .mount(&server)
        .await;
    let timer = Arc::new(ManualTimer::new());

    let err = client(timer.clone())
        .execute(&RequestSpec::idempotent("read"), get(server.uri()))
        .await
        .expect_err("wait too long");

    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(900)));
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn connection_refused_is_not_sent_and_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let timer = Arc::new(ManualTimer::new());
    let url = format!("http://{address}/posts");

    let err = client(timer.clone())
        .execute(&RequestSpec::creating("create_post"), |c| {
            Ok(c.post(url.clone()))
        })
        .await
        .expect_err("nothing listens");

    assert_eq!(err.delivery(), Some(Delivery::NotSent));
    assert_eq!(timer.sleeps().len(), 2, "three attempts, two waits");
}

#[tokio::test]
async fn timeout_after_send_on_create_is_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(3)))
        .expect(1)
        .mount(&server)
        .await;
    let timer = Arc::new(ManualTimer::new());
    let url = server.uri();

    let err = client(timer.clone())
        .execute(&RequestSpec::creating("create_post"), |c| {
            Ok(c.post(url.clone()).body("{}"))
        })
        .await
        .expect_err("timed out");

    let Error::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}");
    };
    assert!(transport.is_timeout());
    assert_eq!(transport.delivery(), Delivery::Unknown);
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn truncated_body_retried_on_read_only() {
    let server = RawServer::start(vec![
        RawAction::truncated(200, "application/json", b"{\"items\":[", 100),
        RawAction::response(
            200,
            &[("content-type", "application/json")],
            b"{\"items\":[]}",
        ),
    ])
    .await
    .expect("raw server");
    let timer = Arc::new(ManualTimer::new());

    let response = client(timer.clone())
        .execute(&RequestSpec::idempotent("read"), get(server.url()))
        .await
        .expect("second attempt complete");

    assert_eq!(
        response.json_value().expect("json")["items"],
        serde_json::json!([])
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn truncated_body_on_create_not_retried() {
    let server = RawServer::start(vec![RawAction::truncated(
        201,
        "application/json",
        b"{\"data\":{\"id\":",
        60,
    )])
    .await
    .expect("raw server");
    let timer = Arc::new(ManualTimer::new());
    let url = server.url();

    let err = client(timer)
        .execute(&RequestSpec::creating("create_post"), |c| {
            Ok(c.post(url.clone()))
        })
        .await
        .expect_err("truncated");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::Incomplete)
    );
    assert_eq!(err.delivery(), Some(Delivery::Unknown));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn broken_gzip_is_incomplete() {
    let server = RawServer::start(vec![RawAction::response(
        500,
        &[
            ("content-type", "application/json"),
            ("content-encoding", "gzip"),
        ],
        b"\x1f\x8b\x08\x00garbage-not-deflate",
    )])
    .await
    .expect("raw server");
    let timer = Arc::new(ManualTimer::new());
    let url = server.url();

    let err = client(timer)
        .execute(&RequestSpec::creating("create_post"), |c| {
            Ok(c.post(url.clone()))
        })
        .await
        .expect_err("broken gzip");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::Incomplete),
        "{err:?}"
    );
}

#[tokio::test]
async fn gzip_body_decoded() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(br#"{"error":{"message":"quota"}}"#)
        .expect("gzip");
    let gzipped = encoder.finish().expect("gzip");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("content-encoding", "gzip")
                .insert_header("x-remaining", "0")
                .set_body_raw(gzipped, "application/json"),
        )
        .mount(&server)
        .await;
    let timer = Arc::new(ManualTimer::new());
    let http = client(timer);

    let err = http
        .execute(&RequestSpec::idempotent("read"), get(server.uri()))
        .await
        .expect_err("403");

    assert_eq!(err.as_api().map(|a| a.message()), Some("quota"));
    assert_eq!(
        err.rate_limits().first().and_then(|l| l.remaining()),
        Some(0)
    );
    assert_eq!(
        http.rate_limits().first().and_then(|l| l.remaining()),
        Some(0)
    );
}

#[tokio::test]
async fn explicit_proxy_receives_requests() {
    let proxy = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"via": "proxy"})))
        .expect(1)
        .mount(&proxy)
        .await;
    let mut config = HttpClientConfig::new("social-core-tests/0");
    config.settings = HttpSettings::default()
        .proxy(&proxy.uri())
        .expect("proxy url");
    config.timer = Arc::new(ManualTimer::new());
    let http = HttpClient::new(config, Arc::new(Plain)).expect("client");

    // The host is never resolved: the proxy receives the request.
    let response = http
        .execute(
            &RequestSpec::idempotent("read"),
            get("http://api.invalid/v1/me".to_owned()),
        )
        .await
        .expect("answered by proxy");

    assert_eq!(response.json_value().expect("json")["via"], "proxy");
}

#[tokio::test]
async fn build_called_once_per_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(3)
        .mount(&server)
        .await;
    let timer = Arc::new(ManualTimer::new());
    let mut builds = 0;
    let url = server.uri();

    let result = client(timer)
        .execute(&RequestSpec::idempotent("read"), |c| {
            builds += 1;
            Ok(c.get(url.clone()))
        })
        .await;

    assert!(result.is_err());
    assert_eq!(builds, 3);
}

#[tokio::test]
async fn user_agent_names_crate() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::header(
            "user-agent",
            "social-core-tests/0",
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let response = client(Arc::new(ManualTimer::new()))
        .execute(&RequestSpec::idempotent("read"), get(server.uri()))
        .await
        .expect("204");

    assert!(response.is_empty());
}

#[tokio::test]
async fn sensitive_call_withholds_snippet() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "access_token=AT-SECRET&refresh_token=RT-SECRET",
            "text/plain",
        ))
        .mount(&server)
        .await;
    let url = server.uri();

    let err = client(Arc::new(ManualTimer::new()))
        .execute(&RequestSpec::idempotent("refresh").sensitive(), |c| {
            Ok(c.post(url.clone()))
        })
        .await
        .expect_err("form body");

    let printed = format!("{err} {err:?}");
    assert!(!printed.contains("AT-SECRET"), "{printed}");
    assert!(!printed.contains("RT-SECRET"), "{printed}");
}

#[tokio::test]
async fn oversized_body_rejected() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b' '; 4096], "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let mut config = HttpClientConfig::new("social-core-tests/0");
    config.settings = HttpSettings::default().no_proxy().max_response_bytes(1024);
    config.timer = Arc::new(ManualTimer::new());
    config.retry = RetryPolicy::never();
    let http = HttpClient::new(config, Arc::new(Plain)).expect("client");

    let err = http
        .execute(&RequestSpec::idempotent("read"), get(server.uri()))
        .await
        .expect_err("too large");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::Incomplete),
        "{err:?}"
    );
    assert!(err.to_string().contains("larger than 1024 bytes"));
}
