//! The fault classes every SDK survives, as X produces them.

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use social_core::testing::{ManualTimer, RawAction, RawServer};
use social_core::{Delivery, Error, ErrorKind, HttpSettings, RetryPolicy, UnexpectedBody};
use support::{builder, catch_all, client, credentials, fixture, fixture_json};
use twitter_sdk::{Client, NewPost};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const POST_ID: &str = "1880028106020515841";

async fn mount_read_once(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(format!("/2/tweets/{POST_ID}")))
        .respond_with(response)
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_read_ok(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(format!("/2/tweets/{POST_ID}")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture_json("create_post_201.json")),
        )
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test]
async fn html_error_page_on_read_retried() {
    let server = MockServer::start().await;
    mount_read_once(
        &server,
        ResponseTemplate::new(503).set_body_raw(
            fixture("over_capacity_503.html"),
            "text/html; charset=utf-8",
        ),
    )
    .await;
    mount_read_ok(&server).await;
    catch_all(&server).await;
    let (client, timer) = client(&server);

    let post = client.get_post(POST_ID).await.expect("second attempt");

    assert_eq!(post.id, POST_ID);
    assert_eq!(timer.sleeps().len(), 1);
}

#[tokio::test]
async fn html_error_page_gives_status_and_title() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/tweets/{POST_ID}")))
        .respond_with(ResponseTemplate::new(503).set_body_raw(
            fixture("over_capacity_503.html"),
            "text/html; charset=utf-8",
        ))
        .expect(3)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, _) = client(&server);

    let err = client.get_post(POST_ID).await.expect_err("always 503");

    let Error::UnexpectedResponse(page) = &err else {
        panic!("expected UnexpectedResponse, got {err:?}");
    };
    assert_eq!(page.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(page.body_kind(), UnexpectedBody::HtmlPage);
    assert!(
        page.snippet().starts_with("Twitter / Over capacity"),
        "{}",
        page.snippet()
    );
    assert_eq!(page.content_type(), Some("text/html; charset=utf-8"));
}

#[tokio::test]
async fn unusable_success_bodies_named() {
    let cases = [
        (
            ResponseTemplate::new(200).set_body_raw("upstream ok", "text/plain"),
            UnexpectedBody::Text,
        ),
        (ResponseTemplate::new(200), UnexpectedBody::Empty),
        (
            ResponseTemplate::new(200)
                .set_body_raw("{\"data\":{\"id\":\"18800", "application/json"),
            UnexpectedBody::InvalidJson,
        ),
        (
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": {"text": "no id"}})),
            UnexpectedBody::MissingField,
        ),
    ];
    for (response, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(response)
            .expect(1)
            .mount(&server)
            .await;
        let (client, _) = client(&server);

        let err = client.get_post(POST_ID).await.expect_err("unusable body");

        let Error::UnexpectedResponse(body) = &err else {
            panic!("expected UnexpectedResponse for {expected:?}, got {err:?}");
        };
        assert_eq!(body.body_kind(), expected);
        if expected == UnexpectedBody::MissingField {
            assert!(
                body.snippet().contains("missing field `id`"),
                "{}",
                body.snippet()
            );
        }
    }
}

#[tokio::test]
async fn truncated_body_on_create_not_reposted() {
    let server = RawServer::start(vec![RawAction::truncated(
        201,
        "application/json",
        b"{\"data\":{\"id\":\"1880028106020515841\",\"te",
        120,
    )])
    .await
    .expect("raw server");
    let timer = Arc::new(ManualTimer::new());
    let client = Client::builder()
        .base_url(&server.url())
        .http_settings(HttpSettings::default().no_proxy())
        .timer(timer.clone())
        .oauth1(credentials())
        .build()
        .expect("client");

    let err = client
        .create_post(&NewPost::new("hello"))
        .await
        .expect_err("cut off");

    assert_eq!(err.delivery(), Some(Delivery::Unknown));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_seconds_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .set_body_json(fixture_json("rate_limited_429.json")),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(fixture_json("create_post_201.json")),
        )
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, timer) = client(&server);

    let post = client
        .create_post(&NewPost::new("hello"))
        .await
        .expect("posted once");

    assert_eq!(post.id, POST_ID);
    assert_eq!(timer.sleeps(), vec![Duration::from_secs(7)]);
}

#[tokio::test]
async fn retry_after_http_date_honoured() {
    let server = MockServer::start().await;
    mount_read_once(
        &server,
        ResponseTemplate::new(429)
            .insert_header("date", "Tue, 14 Nov 2023 22:13:20 GMT")
            .insert_header("retry-after", "Tue, 14 Nov 2023 22:13:32 GMT")
            .set_body_json(fixture_json("rate_limited_v1_429.json")),
    )
    .await;
    mount_read_ok(&server).await;
    catch_all(&server).await;
    let (client, timer) = client(&server);

    client.get_post(POST_ID).await.expect("retried");

    assert_eq!(timer.sleeps(), vec![Duration::from_secs(12)]);
}

#[tokio::test]
async fn retry_after_from_reset_headers() {
    let server = MockServer::start().await;
    // ManualTimer starts at Unix time 1 700 000 000; the 24-hour window is
    // empty and resets 30 s later, while the 15-minute window has calls left.
    mount_read_once(
        &server,
        ResponseTemplate::new(429)
            .insert_header("x-rate-limit-remaining", "40")
            .insert_header("x-rate-limit-reset", "1700000600")
            .insert_header("x-app-limit-24hour-remaining", "0")
            .insert_header("x-app-limit-24hour-reset", "1700000030")
            .set_body_json(fixture_json("rate_limited_429.json")),
    )
    .await;
    mount_read_ok(&server).await;
    catch_all(&server).await;
    let (client, timer) = client(&server);

    client.get_post(POST_ID).await.expect("retried");

    assert_eq!(timer.sleeps(), vec![Duration::from_secs(30)]);
}

#[tokio::test]
async fn retry_after_too_long_returns_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-user-limit-24hour-limit", "100")
                .insert_header("x-user-limit-24hour-remaining", "0")
                .insert_header("x-user-limit-24hour-reset", "1700050000")
                .set_body_json(fixture_json("rate_limited_429.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, timer) = client(&server);

    let err = client
        .create_post(&NewPost::new("hello"))
        .await
        .expect_err("daily cap");

    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(50_000)));
    assert!(timer.sleeps().is_empty());
    let daily = client
        .rate_limits()
        .into_iter()
        .find(|l| l.scope() == "x-user-limit-24hour")
        .expect("daily window kept");
    assert_eq!(daily.remaining(), Some(0));
    assert_eq!(
        daily.reset_at(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_050_000))
    );
}

#[tokio::test]
async fn transient_server_error_on_read_backs_off() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/tweets/{POST_ID}")))
        .respond_with(ResponseTemplate::new(500).set_body_json(serde_json::json!({
            "title": "Internal Server Error", "type": "https://api.x.com/2/problems/internal-error", "detail": "oops"
        })))
        .expect(4)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(4)
                .with_base_delay(Duration::from_secs(1)),
        )
        .oauth1(credentials())
        .build()
        .expect("client");

    let err = client.get_post(POST_ID).await.expect_err("keeps failing");

    assert_eq!(err.kind(), ErrorKind::ServerError);
    let sleeps = timer.sleeps();
    assert_eq!(sleeps.len(), 3);
    for (attempt, sleep) in sleeps.iter().enumerate() {
        assert!(
            *sleep <= Duration::from_secs(1 << attempt),
            "attempt {attempt}: {sleep:?}"
        );
    }
}

#[tokio::test]
async fn connection_refused_create_retried_safely() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let timer = Arc::new(ManualTimer::new());
    let client = Client::builder()
        .base_url(&format!("http://{address}"))
        .http_settings(HttpSettings::default().no_proxy())
        .retry_policy(RetryPolicy::default().with_max_attempts(3))
        .timer(timer.clone())
        .oauth1(credentials())
        .build()
        .expect("client");

    let err = client
        .create_post(&NewPost::new("hello"))
        .await
        .expect_err("nothing listens");

    assert_eq!(err.delivery(), Some(Delivery::NotSent));
    assert_eq!(timer.sleeps().len(), 2);
}

#[tokio::test]
async fn large_ids_kept_exact() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"data":{"id":18446744073709551615,"name":"n","username":"u"}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, _) = client(&server);

    let me = client.me().await.expect("me");

    assert_eq!(me.id, "18446744073709551615");
}

#[tokio::test]
async fn explicit_proxy_carries_requests() {
    let proxy = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("users_me_200.json")))
        .expect(1)
        .mount(&proxy)
        .await;
    let timer = Arc::new(ManualTimer::new());
    // The API host never resolves: only the proxy can answer.
    let client = Client::builder()
        .base_url("http://localhost:9")
        .http_settings(HttpSettings::default().proxy(&proxy.uri()).expect("proxy"))
        .timer(timer)
        .oauth1(credentials())
        .build()
        .expect("client");

    let me = client.me().await.expect("through the proxy");

    assert_eq!(me.username, "XDevelopers");
}

#[tokio::test]
async fn rate_limits_visible_on_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-rate-limit-limit", "75")
                .insert_header("x-rate-limit-remaining", "74")
                .insert_header("x-rate-limit-reset", "1700000900")
                .set_body_json(fixture_json("users_me_200.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, _) = client(&server);

    client.me().await.expect("me");

    let window = client.rate_limits().into_iter().next().expect("window");
    assert_eq!(window.scope(), "x-rate-limit");
    assert_eq!(window.limit(), Some(75));
    assert_eq!(window.remaining(), Some(74));
}

#[tokio::test]
async fn client_side_quota_delays_instead_of_429() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("users_me_200.json")))
        .expect(3)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let quota = social_core::Quota::new(2, Duration::from_secs(900));
    let client = builder(&server, &timer)
        .custom_quotas(vec![("users_me".to_owned(), quota)])
        .oauth1(credentials())
        .build()
        .expect("client");

    for _ in 0..3 {
        client.me().await.expect("me");
    }

    assert_eq!(timer.sleeps(), vec![Duration::from_secs(900)]);
}

#[test]
fn documented_quotas_cover_posting() {
    let quotas = twitter_sdk::documented_quotas();

    let post = quotas
        .iter()
        .find(|(name, _)| name == "create_post")
        .expect("create_post");

    assert_eq!(post.1.max, 100);
    assert_eq!(post.1.window, Duration::from_secs(900));
}
