//! Configuration checks before any request, secrets in output, proxies and
//! `appsecret_proof`.

#[path = "support/common.rs"]
mod common;

use std::sync::Arc;

use common::*;
use facebook_sdk::graph::appsecret_proof;
use facebook_sdk::{Client, FeedPost};
use social_core::testing::ManualTimer;
use social_core::{Error, HttpSettings};
use wiremock::matchers::{any, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn field_of(error: &Error) -> &str {
    match error {
        Error::InvalidInput(input) => input.field(),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn missing_page_id_rejected_before_request() {
    let server = MockServer::start().await;
    catch_all(&server).await;

    let error = Client::builder()
        .page_token(PAGE_TOKEN)
        .graph_url(server.uri())
        .build()
        .expect_err("no page id");

    assert_eq!(field_of(&error), "page_id");
    assert!(
        error.to_string().contains("numeric id of the Page"),
        "{error}"
    );
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[test]
fn bad_settings_name_their_field() {
    let cases: [(facebook_sdk::ClientBuilder, &str); 8] = [
        (
            Client::builder().page_id("My Page").page_token("t"),
            "page_id",
        ),
        (Client::builder().page_id("1"), "page_token"),
        (
            Client::builder().page_id("1").page_token("  "),
            "page_token",
        ),
        (Client::builder().page_id("1").user_token(""), "user_token"),
        (
            Client::builder()
                .page_id("1")
                .page_token("t")
                .user_token("u"),
            "user_token",
        ),
        (
            Client::builder().page_id("1").page_token("t").app_id("abc"),
            "app_id",
        ),
        (
            Client::builder()
                .page_id("1")
                .page_token("t")
                .graph_url("http://graph.example.com"),
            "graph_url",
        ),
        (
            Client::builder()
                .page_id("1")
                .page_token("t")
                .api_version("26.0"),
            "api_version",
        ),
    ];
    for (builder, field) in cases {
        let error = builder.build().expect_err(field);

        assert_eq!(field_of(&error), field, "{error}");
    }
}

#[tokio::test]
async fn bad_post_input_rejected_before_request() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);
    let now = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    let cases = [
        (FeedPost::text("   "), "message"),
        (FeedPost::link("ftp://example.com/file"), "link"),
        (
            FeedPost::text("soon").scheduled_at(now + std::time::Duration::from_secs(300)),
            "scheduled_publish_time",
        ),
        (
            FeedPost::text("late").scheduled_at(now + std::time::Duration::from_secs(31 * 86_400)),
            "scheduled_publish_time",
        ),
        (
            FeedPost::text("x").attach_photo("12/../34"),
            "attached_media",
        ),
    ];
    for (post, field) in cases {
        let error = client.publish_post(&post).await.expect_err(field);

        assert_eq!(field_of(&error), field, "{error}");
    }
    let update = client
        .update_post("999_1", "new text")
        .await
        .expect_err("other page");
    let delete = client.delete_post("1?x=1").await.expect_err("bad id");
    let list = client.list_posts(None, 0).await.expect_err("limit 0");

    assert_eq!(field_of(&update), "post_id");
    assert_eq!(field_of(&delete), "post_id");
    assert_eq!(field_of(&list), "limit");
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[test]
fn secrets_hidden_in_debug_output() {
    let builder = Client::builder()
        .page_id(PAGE_ID)
        .page_token("EAAsecretPage")
        .app_id("5550001")
        .app_secret("app-secret-value");
    let client = builder.clone().build().expect("client");
    let user_builder = Client::builder()
        .page_id(PAGE_ID)
        .user_token("EAAsecretUser");
    let config = facebook_sdk::graph::GraphConfig::default().app_secret("app-secret-value");

    let outputs = [
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{user_builder:?}"),
        format!("{:?}", user_builder.clone().build().expect("client")),
        format!("{config:?}"),
        format!("{:?}", client.graph()),
    ];

    for output in outputs {
        assert!(!output.contains("EAAsecret"), "{output}");
        assert!(!output.contains("app-secret-value"), "{output}");
        assert!(output.contains("[redacted]"), "{output}");
    }
}

#[tokio::test]
async fn appsecret_proof_sent_with_time() {
    let server = MockServer::start().await;
    let time = 1_700_000_000u64;
    let proof = appsecret_proof("app-secret-value", PAGE_TOKEN, Some(time));
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/feed"))))
        .and(query_param("appsecret_proof", proof.as_str()))
        .and(query_param("appsecret_time", time.to_string().as_str()))
        .and(query_param("fields", "id,permalink_url"))
        .and(header("authorization", page_auth().as_str()))
        .respond_with(json_fixture(200, "feed_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .app_secret("app-secret-value")
        .build()
        .expect("client");

    let post = client
        .publish_post(&FeedPost::text("hi"))
        .await
        .expect("proof accepted");

    assert_eq!(post.id, "1234567890_987654321098765432");
}

#[tokio::test]
async fn token_never_in_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/feed"))))
        .respond_with(json_fixture(200, "feed_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    client(&server, &timer)
        .publish_post(&FeedPost::text("hi"))
        .await
        .expect("posted");

    let requests = server.received_requests().await.unwrap_or_default();
    assert!(
        requests
            .iter()
            .all(|r| !r.url.as_str().contains(PAGE_TOKEN))
    );
}

#[tokio::test]
async fn corporate_proxy_setting_used() {
    let proxy = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "1234567890_5"})),
        )
        .expect(1)
        .mount(&proxy)
        .await;
    let timer = Arc::new(ManualTimer::new());
    let client = Client::builder()
        .page_id(PAGE_ID)
        .page_token(PAGE_TOKEN)
        .graph_url("http://127.0.0.1:9/")
        .http_settings(
            HttpSettings::default()
                .proxy(&proxy.uri())
                .expect("proxy url"),
        )
        .timer(timer)
        .build()
        .expect("client");

    let post = client
        .publish_post(&FeedPost::text("via proxy"))
        .await
        .expect("through the proxy");

    assert_eq!(post.id, "1234567890_5");
}

#[tokio::test]
async fn unsafe_tokens_and_zero_polling_rejected() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let unsafe_tokens = [
        "EAA\r\nX-Injected: 1",
        "EAA token",
        "EAA\ttoken",
        "EAAnaïve",
    ];
    let zero = social_core::PollSettings {
        initial_interval: std::time::Duration::ZERO,
        ..social_core::PollSettings::default()
    };

    for token in unsafe_tokens {
        let page = builder(&server, &timer)
            .page_token(token)
            .build()
            .expect_err("page token");
        let user = Client::builder()
            .page_id(PAGE_ID)
            .user_token(token)
            .build()
            .expect_err("user token");

        assert_eq!(field_of(&page), "page_token", "{token:?}");
        assert_eq!(field_of(&user), "user_token", "{token:?}");
        assert!(!page.to_string().contains("EAA"), "{page}");
    }
    let polling = builder(&server, &timer)
        .poll_settings(zero)
        .build()
        .expect_err("zero interval");
    assert_eq!(field_of(&polling), "poll_settings");
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}
