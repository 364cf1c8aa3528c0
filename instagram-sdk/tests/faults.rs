//! The fault classes every SDK survives, as Instagram's API shows them:
//! HTML pages, unusable bodies, Graph error bodies, throttling, 5xx,
//! broken connections, ids above 2^53, proxies and usage headers.

#[path = "support/common.rs"]
mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use instagram_sdk::{Image, ImagePost};
use serde_json::json;
use social_core::testing::{ManualTimer, RawAction, RawServer};
use social_core::{Delivery, Error, ErrorKind, HttpSettings, Quota, QuotaLimiter, UnexpectedBody};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const IMAGE_URL: &str = "https://cdn.example.com/photo.jpg";

fn post() -> ImagePost {
    ImagePost::new(Image::url(IMAGE_URL).expect("url"))
}

fn unexpected(error: &Error) -> &social_core::UnexpectedResponse {
    match error {
        Error::UnexpectedResponse(inner) => inner,
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

async fn mount_image_container(server: &MockServer, response: ResponseTemplate, times: u64) {
    mount_create(server, json!({"image_url": IMAGE_URL}), response, times).await;
}

#[tokio::test]
async fn html_error_page_on_status_read_retried() {
    let server = MockServer::start().await;
    mount_image_container(&server, json_fixture(200, "container_created.json"), 1).await;
    let statuses = vec![html_page(503), json_fixture(200, "status_finished.json")];
    mount_status(&server, CONTAINER_ID, statuses, 2).await;
    mount_publish(
        &server,
        CONTAINER_ID,
        json_fixture(200, "publish_ok.json"),
        1,
    )
    .await;
    mount_read_back(&server, json_fixture(200, "media_read.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect("published");

    assert_eq!(published.media_id.as_deref(), Some(MEDIA_ID));
    assert_eq!(timer.sleeps().len(), 1, "one backoff for the HTML page");
}

#[tokio::test]
async fn html_error_page_with_200_is_unexpected_response() {
    let server = MockServer::start().await;
    mount_image_container(&server, html_page(200), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect_err("portal page");

    let inner = unexpected(&error);
    assert_eq!(inner.body_kind(), UnexpectedBody::HtmlPage);
    assert_eq!(inner.status().map(|s| s.as_u16()), Some(200));
    assert!(
        inner.snippet().contains("Sorry, something went wrong."),
        "{error}"
    );
    assert!(
        inner
            .content_type()
            .is_some_and(|c| c.contains("text/html"))
    );
}

#[tokio::test]
async fn plain_text_body_is_unexpected_response() {
    let server = MockServer::start().await;
    let text = ResponseTemplate::new(200).set_body_raw(fixture("plain_text.txt"), "text/plain");
    mount_image_container(&server, text, 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect_err("text");

    let inner = unexpected(&error);
    assert_eq!(inner.body_kind(), UnexpectedBody::Text);
    assert!(
        inner.snippet().contains("upstream connect error"),
        "{error}"
    );
}

#[tokio::test]
async fn missing_id_in_container_answer_named() {
    let server = MockServer::start().await;
    mount_image_container(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"uri": "x"})),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect_err("no id");

    let inner = unexpected(&error);
    assert_eq!(inner.body_kind(), UnexpectedBody::MissingField);
    assert!(inner.snippet().contains("id"), "{error}");
}

#[tokio::test]
async fn empty_publish_answer_resolved_by_reading_container() {
    let server = MockServer::start().await;
    mount_image_container(&server, json_fixture(200, "container_created.json"), 1).await;
    let statuses = vec![
        json_fixture(200, "status_finished.json"),
        json_fixture(200, "status_published.json"),
    ];
    mount_status(&server, CONTAINER_ID, statuses, 2).await;
    mount_publish(&server, CONTAINER_ID, ResponseTemplate::new(200), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect("published");

    assert!(
        published.recovered,
        "an empty 200 is never read as a default"
    );
}

#[tokio::test]
async fn truncated_json_on_read_retried() {
    let body = fixture("status_finished.json");
    let server = RawServer::start(vec![
        RawAction::truncated(
            200,
            "application/json",
            fixture("truncated.json").as_bytes(),
            200,
        ),
        RawAction::response(
            200,
            &[("content-type", "application/json")],
            body.as_bytes(),
        ),
    ])
    .await
    .expect("raw server");
    let timer = Arc::new(ManualTimer::new());
    let client = instagram_sdk::Client::instagram_login()
        .access_token(TOKEN)
        .ig_user_id(IG_USER_ID)
        .graph_url(server.url())
        .http_settings(HttpSettings::default().no_proxy())
        .timer(timer.clone())
        .build()
        .expect("client");

    let state = client
        .container_state(CONTAINER_ID)
        .await
        .expect("second attempt");

    assert_eq!(state.status_code.as_deref(), Some("FINISHED"));
    assert_eq!(server.requests().len(), 2);
    assert_eq!(timer.sleeps().len(), 1);
}

#[tokio::test]
async fn graph_error_body_classified_by_code() {
    let server = MockServer::start().await;
    mount_image_container(&server, json_fixture(400, "error_9004_2207052.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect_err("fetch failed");

    let api = error.as_api().expect("API error");
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(api.code(), Some("9004"));
    assert_eq!(api.subcode(), Some("2207052"));
    assert_eq!(api.request_id(), Some("TRACE_ID_FETCH"));
    assert_eq!(api.user_title(), Some("Media download has failed."));
    assert!(api.message().contains("could not fetch the media"), "{api}");
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn retry_after_seconds_honoured_on_read() {
    let server = MockServer::start().await;
    let statuses = vec![
        ResponseTemplate::new(429).insert_header("retry-after", "7"),
        json_fixture(200, "status_finished.json"),
    ];
    mount_status(&server, CONTAINER_ID, statuses, 2).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    client(&server, &timer)
        .container_state(CONTAINER_ID)
        .await
        .expect("after waiting");

    assert_eq!(timer.sleeps(), vec![Duration::from_secs(7)]);
}

#[tokio::test]
async fn retry_after_beyond_cap_returns_rate_limited() {
    let server = MockServer::start().await;
    let throttled = ResponseTemplate::new(429).insert_header("retry-after", "3600");
    mount_status(&server, CONTAINER_ID, vec![throttled], 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .container_state(CONTAINER_ID)
        .await
        .expect_err("too long");

    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn retry_after_usage_header_on_instagram_throttle() {
    let server = MockServer::start().await;
    let usage = json!({IG_USER_ID: [{"type": "instagram", "call_count": 100, "total_cputime": 20,
        "total_time": 30, "estimated_time_to_regain_access": 1}]});
    let throttled = json_fixture(400, "error_80002.json")
        .insert_header("x-business-use-case-usage", usage.to_string().as_str());
    let statuses = vec![throttled, json_fixture(200, "status_finished.json")];
    mount_status(&server, CONTAINER_ID, statuses, 2).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);

    client
        .container_state(CONTAINER_ID)
        .await
        .expect("after the wait");

    assert_eq!(timer.sleeps(), vec![Duration::from_secs(60)]);
}

#[tokio::test]
async fn transient_server_error_on_container_retried() {
    let server = MockServer::start().await;
    let answers = Sequence::new(vec![
        json_fixture(500, "error_2_transient.json"),
        json_fixture(200, "container_created.json"),
    ]);
    mount_create(&server, json!({"image_url": IMAGE_URL}), answers, 2).await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        1,
    )
    .await;
    mount_publish(
        &server,
        CONTAINER_ID,
        json_fixture(200, "publish_ok.json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = builder(&server, &timer)
        .read_back(false)
        .build()
        .expect("client")
        .publish_image(&post())
        .await
        .expect("container retried");

    assert_eq!(published.media_id.as_deref(), Some(MEDIA_ID));
    assert_eq!(timer.sleeps().len(), 1);
}

#[tokio::test]
async fn transient_server_error_on_publish_not_repeated_blindly() {
    let server = MockServer::start().await;
    mount_image_container(&server, json_fixture(200, "container_created.json"), 1).await;
    let statuses = vec![
        json_fixture(200, "status_finished.json"),
        json_fixture(200, "status_published.json"),
    ];
    mount_status(&server, CONTAINER_ID, statuses, 2).await;
    mount_publish(
        &server,
        CONTAINER_ID,
        json_fixture(500, "error_2_transient.json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = client(&server, &timer)
        .publish_image(&post())
        .await
        .expect("published");

    assert!(published.recovered);
    assert!(
        timer.sleeps().is_empty(),
        "the executor did not repeat media_publish"
    );
}

#[tokio::test]
async fn connection_refused_is_not_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let timer = Arc::new(ManualTimer::new());
    let client = instagram_sdk::Client::instagram_login()
        .access_token(TOKEN)
        .ig_user_id(IG_USER_ID)
        .graph_url(format!("http://{address}/"))
        .http_settings(HttpSettings::default().no_proxy())
        .timer(timer.clone())
        .build()
        .expect("client");

    let error = client
        .publish_container(CONTAINER_ID)
        .await
        .expect_err("refused");

    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(error.delivery(), Some(Delivery::NotSent));
    assert_eq!(timer.sleeps().len(), 4, "retried up to the attempt limit");
}

#[tokio::test]
async fn connection_reset_on_read_retried() {
    let body = fixture("status_in_progress.json");
    let server = RawServer::start(vec![
        RawAction::Close,
        RawAction::response(
            200,
            &[("content-type", "application/json")],
            body.as_bytes(),
        ),
    ])
    .await
    .expect("raw server");
    let timer = Arc::new(ManualTimer::new());
    let client = instagram_sdk::Client::instagram_login()
        .access_token(TOKEN)
        .ig_user_id(IG_USER_ID)
        .graph_url(server.url())
        .http_settings(HttpSettings::default().no_proxy())
        .timer(timer.clone())
        .build()
        .expect("client");

    let state = client
        .container_state(CONTAINER_ID)
        .await
        .expect("second attempt");

    assert_eq!(state.status_code.as_deref(), Some("IN_PROGRESS"));
    assert_eq!(timer.sleeps().len(), 1);
}

#[tokio::test]
async fn duplicate_publish_refusal_checks_container() {
    let server = MockServer::start().await;
    let duplicate = ResponseTemplate::new(400).set_body_json(json!({"error": {
        "message": "(#506) Duplicate status message", "type": "OAuthException", "code": 506,
        "fbtrace_id": "TRACE_DUP"}}));
    let statuses = vec![
        json_fixture(200, "status_finished.json"),
        json_fixture(200, "status_finished.json"),
    ];
    mount_status(&server, CONTAINER_ID, statuses, 2).await;
    mount_publish(&server, CONTAINER_ID, duplicate, 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_container(CONTAINER_ID)
        .await
        .expect_err("duplicate");

    assert_eq!(error.kind(), ErrorKind::Duplicate);
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn ids_above_2_pow_53_kept_exact() {
    let server = MockServer::start().await;
    let created =
        ResponseTemplate::new(200).set_body_raw(r#"{"id":17900000000000003}"#, "application/json");
    mount_image_container(&server, created, 1).await;
    mount_status(
        &server,
        "17900000000000003",
        vec![json_fixture(200, "status_finished.json")],
        1,
    )
    .await;
    let media =
        ResponseTemplate::new(200).set_body_raw(r#"{"id":17920000000000011}"#, "application/json");
    mount_publish(&server, "17900000000000003", media, 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let published = builder(&server, &timer)
        .read_back(false)
        .build()
        .expect("client")
        .publish_image(&post())
        .await
        .expect("published");

    assert_eq!(published.container_id, "17900000000000003");
    assert_eq!(published.media_id.as_deref(), Some("17920000000000011"));
}

#[tokio::test]
async fn proxy_from_settings_carries_requests() {
    let proxy = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path(CONTAINER_ID)))
        .respond_with(json_fixture(200, "status_finished.json"))
        .expect(1)
        .mount(&proxy)
        .await;
    catch_all(&proxy).await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let unreachable = listener.local_addr().expect("address");
    drop(listener);
    let timer = Arc::new(ManualTimer::new());
    let settings = HttpSettings::default()
        .proxy(&proxy.uri())
        .expect("proxy URL");
    let client = instagram_sdk::Client::instagram_login()
        .access_token(TOKEN)
        .ig_user_id(IG_USER_ID)
        .graph_url(format!("http://{unreachable}/"))
        .http_settings(settings)
        .timer(timer.clone())
        .build()
        .expect("client");

    let state = client
        .container_state(CONTAINER_ID)
        .await
        .expect("through the proxy");

    assert_eq!(state.status_code.as_deref(), Some("FINISHED"));
}

#[tokio::test]
async fn quota_usage_headers_visible_on_client() {
    let server = MockServer::start().await;
    let status = json_fixture(200, "status_finished.json").insert_header(
        "x-app-usage",
        r#"{"call_count":28,"total_time":25,"total_cputime":12}"#,
    );
    mount_status(&server, CONTAINER_ID, vec![status], 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);

    client.container_state(CONTAINER_ID).await.expect("status");

    let app = client
        .rate_limits()
        .into_iter()
        .find(|limit| limit.scope() == "app")
        .expect("app usage");
    assert_eq!(app.used_percent(), Some(28.0));
}

#[tokio::test]
async fn quota_limiter_spaces_publish_calls() {
    let server = MockServer::start().await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        2,
    )
    .await;
    mount_publish(
        &server,
        CONTAINER_ID,
        json_fixture(200, "publish_ok.json"),
        2,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let limiter = QuotaLimiter::new(
        [(
            "media_publish".to_owned(),
            Quota::new(1, Duration::from_secs(3600)),
        )],
        timer.clone(),
    );
    let client = builder(&server, &timer)
        .quota_limiter(limiter)
        .read_back(false)
        .build()
        .expect("client");

    client.publish_container(CONTAINER_ID).await.expect("first");
    client
        .publish_container(CONTAINER_ID)
        .await
        .expect("second");

    assert_eq!(timer.total_slept(), Duration::from_secs(3600));
}

#[tokio::test]
async fn usage_header_huge_wait_no_panic() {
    let server = MockServer::start().await;
    // 2^64 - 1 minutes cannot be added to any `SystemTime`.
    let usage = r#"{"17841400000000001":[{"type":"instagram","call_count":100,"estimated_time_to_regain_access":18446744073709551615}]}"#;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![
            json_fixture(200, "status_published.json")
                .insert_header("x-business-use-case-usage", usage),
        ],
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);

    let published = client
        .publish_container(CONTAINER_ID)
        .await
        .expect("a usage header never fails a call");

    assert!(published.recovered);
    let window = client
        .rate_limits()
        .into_iter()
        .find(|l| l.scope().starts_with("business:"))
        .expect("usage recorded");
    assert!(window.is_exhausted());
    assert_eq!(window.reset_at(), None);
}
