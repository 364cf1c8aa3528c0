//! How failures surface: HTML pages, broken bodies, Google error bodies
//! classified by reason, retry hints, 5xx, dropped connections, proxies.

#[path = "support/helpers.rs"]
mod support;

use std::time::Duration;

use social_core::testing::{RawAction, RawServer};
use social_core::{Delivery, Error, ErrorKind, HttpSettings, RetryPolicy, UnexpectedBody};
use support::{fixture, mock_builder, mount_catch_all, timer};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};
use youtube_sdk::Client;

fn list_ok() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_raw(fixture("videos_list_statistics.json"), "application/json")
}

fn videos_list() -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .and(query_param("id", "dQw4w9WgXcQ"))
        .and(header("authorization", "Bearer ya29.test-token"))
}

fn raw_client(server: &RawServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .root_url(server.url())
        .token_provider(support::static_token("ya29.test-token"))
        .retry_policy(retry)
        .timer(timer())
        .http_settings(HttpSettings::default().no_proxy())
        .build()
        .expect("client")
}

fn raw_list_body() -> Vec<u8> {
    fixture("videos_list_statistics.json").into_bytes()
}

#[tokio::test]
async fn html_error_page_is_unexpected_response_and_retried() {
    let server = MockServer::start().await;
    videos_list()
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw(fixture("proxy_502.html"), "text/html; charset=UTF-8"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    videos_list()
        .respond_with(list_ok())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let video = client
        .get_video("dQw4w9WgXcQ")
        .await
        .expect("second attempt");

    assert_eq!(video.id, "dQw4w9WgXcQ");
}

#[tokio::test]
async fn html_error_page_with_200_is_not_json() {
    let server = MockServer::start().await;
    videos_list()
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(fixture("captive_portal.html"), "text/html"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let error = client.get_video("dQw4w9WgXcQ").await.expect_err("portal");

    let Error::UnexpectedResponse(page) = &error else {
        panic!("expected UnexpectedResponse, got {error}")
    };
    assert_eq!(page.body_kind(), UnexpectedBody::HtmlPage);
    assert_eq!(page.status().map(|s| s.as_u16()), Some(200));
    assert!(
        page.snippet().contains("Hotel Wi-Fi Login"),
        "{}",
        page.snippet()
    );
}

#[tokio::test]
async fn plain_text_and_empty_bodies_are_named() {
    let server = MockServer::start().await;
    videos_list()
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("upstream connect error", "text/plain"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    videos_list()
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let text = client.get_video("dQw4w9WgXcQ").await.expect_err("text");
    let empty = client.get_video("dQw4w9WgXcQ").await.expect_err("empty");

    assert!(
        matches!(&text, Error::UnexpectedResponse(u) if u.body_kind() == UnexpectedBody::Text),
        "{text}"
    );
    assert!(
        matches!(&empty, Error::UnexpectedResponse(u) if u.body_kind() == UnexpectedBody::Empty),
        "{empty}"
    );
}

#[tokio::test]
async fn truncated_json_is_retried_on_a_read() {
    let body = raw_list_body();
    let server = RawServer::start(vec![
        RawAction::truncated(200, "application/json", &body[..body.len() / 2], body.len()),
        RawAction::response(200, &[("Content-Type", "application/json")], &body),
    ])
    .await
    .expect("raw server");
    let client = raw_client(&server, RetryPolicy::default());

    let video = client.get_video("dQw4w9WgXcQ").await.expect("retried");

    assert_eq!(video.id, "dQw4w9WgXcQ");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn google_error_body_gives_reason_domain_and_clean_message() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/youtube/v3/videos"))
        .and(query_param("id", "missing123"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_raw(fixture("video_not_found.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let error = client
        .delete_video("missing123")
        .await
        .expect_err("not found");

    let api = error.as_api().expect("API error");
    assert_eq!(api.kind(), ErrorKind::NotFound);
    assert_eq!(api.code(), Some("videoNotFound"));
    assert_eq!(api.subcode(), Some("youtube.video"));
    assert_eq!(
        api.message(),
        "The video identified by the id parameter could not be found."
    );
    assert_eq!(
        error.to_string(),
        "YouTube API error, HTTP 404, not found, code videoNotFound/youtube.video: \
         The video identified by the id parameter could not be found."
    );
}

/// `quotaExceeded` and `uploadLimitExceeded` are `QuotaExceeded` after
/// exactly one request, with no refresh.
#[tokio::test]
async fn quota_and_upload_limit_send_one_request_without_refresh() {
    for (fixture_name, status, domain) in [
        ("quota_exceeded.json", 403, "youtube.quota"),
        ("upload_limit_exceeded.json", 400, "youtube.video"),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/upload/youtube/v3/videos"))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_raw(fixture(fixture_name), "application/json"),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(fixture("token_refreshed.json"), "application/json"),
            )
            .expect(0)
            .mount(&server)
            .await;
        mount_catch_all(&server).await;
        let client = Client::builder()
            .root_url(format!("{}/", server.uri()))
            .token_url(format!("{}/token", server.uri()))
            .oauth_client("cid.apps.googleusercontent.com", "secret")
            .refresh_token("1//refresh")
            .access_token("ya29.test-token")
            .timer(timer())
            .http_settings(HttpSettings::default().no_proxy())
            .build()
            .expect("client");
        let (_dir, file) = support::video_file(1000);

        let error = client
            .upload_video(youtube_sdk::VideoMetadata::new("t"), &file)
            .send()
            .await
            .expect_err(fixture_name);

        assert_eq!(error.kind(), ErrorKind::QuotaExceeded, "{fixture_name}");
        assert_eq!(error.as_api().and_then(|a| a.subcode()), Some(domain));
        assert!(!error.to_string().contains('<'), "{error}");
        server.verify().await;
    }
}

#[tokio::test]
async fn rate_limit_exceeded_403_is_retried() {
    let server = MockServer::start().await;
    videos_list()
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_raw(fixture("rate_limit_exceeded.json"), "application/json"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    videos_list()
        .respond_with(list_ok())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let clock = timer();
    let client = mock_builder(&server, &clock).build().expect("client");

    let video = client.get_video("dQw4w9WgXcQ").await.expect("retried");

    assert_eq!(video.id, "dQw4w9WgXcQ");
    assert_eq!(clock.sleeps().len(), 1);
}

#[tokio::test]
async fn retry_after_seconds_and_http_date_are_honoured() {
    let server = MockServer::start().await;
    videos_list()
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "7"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    videos_list()
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Date", "Wed, 21 Oct 2026 07:28:00 GMT")
                .insert_header("Retry-After", "Wed, 21 Oct 2026 07:28:03 GMT"),
        )
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    videos_list()
        .respond_with(list_ok())
        .with_priority(3)
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let clock = timer();
    let client = mock_builder(&server, &clock).build().expect("client");

    client
        .get_video("dQw4w9WgXcQ")
        .await
        .expect("after two waits");

    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(7), Duration::from_secs(3)]
    );
}

#[tokio::test]
async fn retry_after_longer_than_cap_returns_rate_limited_at_once() {
    let server = MockServer::start().await;
    videos_list()
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let clock = timer();
    let client = mock_builder(&server, &clock).build().expect("client");

    let error = client.get_video("dQw4w9WgXcQ").await.expect_err("too long");

    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn transient_5xx_retries_reads_but_not_playlist_inserts() {
    let server = MockServer::start().await;
    videos_list()
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_raw(fixture("backend_error.json"), "application/json"),
        )
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    videos_list()
        .respond_with(list_ok())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/youtube/v3/playlistItems"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_raw(fixture("backend_error.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let video = client.get_video("dQw4w9WgXcQ").await;
    let insert = client
        .insert_playlist_item("PLcustom", "dQw4w9WgXcQ", None)
        .await;

    assert!(video.is_ok(), "{video:?}");
    let error = insert.expect_err("not repeated");
    assert_eq!(error.kind(), ErrorKind::ServerError);
    assert_eq!(error.delivery(), Some(Delivery::Unknown));
}

#[tokio::test]
async fn connection_refused_is_retried_as_not_sent() {
    let clock = timer();
    let client = Client::builder()
        .root_url("http://127.0.0.1:9/")
        .token_provider(support::static_token("ya29.test-token"))
        .retry_policy(RetryPolicy::default().with_max_attempts(3))
        .timer(clock.clone())
        .http_settings(HttpSettings::default().no_proxy())
        .build()
        .expect("client");

    let error = client.get_video("dQw4w9WgXcQ").await.expect_err("refused");

    assert_eq!(error.delivery(), Some(Delivery::NotSent));
    assert_eq!(clock.sleeps().len(), 2);
}

#[tokio::test]
async fn connection_reset_after_sending_retries_reads_only() {
    let body = raw_list_body();
    let server = RawServer::start(vec![
        RawAction::Close,
        RawAction::response(200, &[("Content-Type", "application/json")], &body),
        RawAction::Close,
    ])
    .await
    .expect("raw server");
    let client = raw_client(&server, RetryPolicy::default());

    let read = client.get_video("dQw4w9WgXcQ").await;
    let insert = client
        .insert_playlist_item("PLcustom", "dQw4w9WgXcQ", Some(0))
        .await;

    assert!(read.is_ok(), "{read:?}");
    let error = insert.expect_err("reset");
    assert_eq!(error.delivery(), Some(Delivery::Unknown));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn youtube_signup_required_is_not_a_token_problem() {
    let server = MockServer::start().await;
    videos_list()
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw(fixture("youtube_signup_required.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = Client::builder()
        .root_url(format!("{}/", server.uri()))
        .token_url(format!("{}/token", server.uri()))
        .oauth_client("cid", "secret")
        .refresh_token("1//refresh")
        .access_token("ya29.test-token")
        .timer(timer())
        .http_settings(HttpSettings::default().no_proxy())
        .build()
        .expect("client");

    let error = client
        .get_video("dQw4w9WgXcQ")
        .await
        .expect_err("no channel");

    assert_eq!(error.kind(), ErrorKind::AccountNotEligible);
    assert!(error.to_string().contains("no YouTube channel"), "{error}");
}

#[tokio::test]
async fn explicit_proxy_carries_requests() {
    let proxy = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .respond_with(list_ok())
        .expect(1)
        .mount(&proxy)
        .await;
    let client = Client::builder()
        .root_url("http://127.0.0.1:9/")
        .token_provider(support::static_token("ya29.test-token"))
        .timer(timer())
        .http_settings(HttpSettings::default().proxy(&proxy.uri()).expect("proxy"))
        .build()
        .expect("client");

    let video = client
        .get_video("dQw4w9WgXcQ")
        .await
        .expect("through the proxy");

    assert_eq!(video.id, "dQw4w9WgXcQ");
}

#[tokio::test]
async fn bad_inputs_are_rejected_before_sending() {
    let base = Client::builder().token_provider(support::static_token("t"));
    let http = base.root_url("http://www.googleapis.com/").build();
    let empty = Client::builder().access_token("  ").build();
    let none = Client::builder().build();
    let orphan = Client::builder().refresh_token("1//x").build();

    assert!(matches!(&http, Err(Error::InvalidInput(i)) if i.field() == "root_url"));
    assert!(matches!(&empty, Err(Error::InvalidInput(i)) if i.field() == "access_token"));
    assert!(matches!(&none, Err(Error::InvalidInput(i)) if i.field() == "credentials"));
    assert!(matches!(&orphan, Err(Error::InvalidInput(i)) if i.field() == "oauth_client"));
}
