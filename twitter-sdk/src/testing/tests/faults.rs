//! Injected faults: each fires on matching requests, then disarms, and
//! changes nothing unless it is an "after commit" fault.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::testing::Fault;
use crate::testing::faults::path_matches;

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn html_error_page_on_read_then_success() {
    let fake = FakeX::start().await;
    fake.inject(Fault::HtmlServiceUnavailable {
        method: Method::GET,
        path_prefix: "/2/users/me".to_owned(),
        times: 1,
    });

    let failed = send(&fake, Method::GET, "/2/users/me").await;
    let retried = send(&fake, Method::GET, "/2/users/me").await;

    assert_eq!(failed.status(), 503);
    assert!(header(&failed, "content-type").starts_with("text/html"));
    let page = failed.text().await.expect("page");
    assert!(page.contains("<title>Twitter / Over capacity</title>"));
    assert!(page.contains("<h1>"));
    assert_eq!(retried.status(), 200);
    assert_eq!(fake.request_count(Method::GET, "/2/users/me"), 2);
}

#[tokio::test]
async fn html_error_page_on_create_posts_nothing() {
    let fake = FakeX::start().await;
    fake.inject(Fault::HtmlServiceUnavailable {
        method: Method::POST,
        path_prefix: "/2/tweets".to_owned(),
        times: 1,
    });

    let response = create_post(&fake, json!({"text": "lost"})).await;

    assert_eq!(response.status(), 503);
    assert!(fake.posts().is_empty());
}

#[tokio::test]
async fn retry_after_on_injected_429() {
    let fake = FakeX::start().await;
    fake.inject(Fault::TooManyRequests {
        method: Method::POST,
        path_prefix: "/2/tweets".to_owned(),
        times: 1,
        retry_after_secs: 7,
    });

    let limited = create_post(&fake, json!({"text": "wait"})).await;
    let accepted = create_post(&fake, json!({"text": "wait"})).await;

    assert_eq!(limited.status(), 429);
    assert_eq!(header(&limited, "retry-after"), "7");
    assert_eq!(header(&limited, "x-rate-limit-remaining"), "0");
    let reset: u64 = header(&limited, "x-rate-limit-reset")
        .parse()
        .expect("epoch");
    assert!(reset >= crate::testing::state::now_epoch() + 6);
    assert_eq!(
        body_json(limited).await,
        json!({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429})
    );
    assert_eq!(accepted.status(), 201);
    assert_eq!(fake.posts().len(), 1);
}

#[tokio::test]
async fn server_error_fires_given_times() {
    let fake = FakeX::start().await;
    fake.inject(Fault::ServerError {
        method: Method::GET,
        path_prefix: "/2/users".to_owned(),
        times: 2,
        status: 502,
    });

    let first = send(&fake, Method::GET, "/2/users/me").await;
    let second = send(&fake, Method::GET, "/2/users/me").await;
    let third = send(&fake, Method::GET, "/2/users/me").await;

    assert_eq!(first.status(), 502);
    assert_eq!(second.status(), 502);
    assert_eq!(third.status(), 200);
    assert_eq!(body_json(first).await["title"], "Bad Gateway");
}

#[tokio::test]
async fn dropped_connection_during_append_stores_nothing() {
    let fake = FakeX::start().await;
    let id = initialize(&fake, "video/mp4", "tweet_video", 200_000).await;
    fake.inject(Fault::DropConnection {
        method: Method::POST,
        path_prefix: "/2/media/upload/*/append".to_owned(),
        times: 1,
    });
    let segment = video_bytes(200_000);
    let form = segment_form(0, &segment);

    let dropped = http()
        .post(url(&fake, &format!("/2/media/upload/{id}/append")))
        .bearer_auth(fake.oauth2().access_token)
        .header("content-type", form.content_type())
        .header("content-length", form.content_length())
        .body(form.into_body())
        .send()
        .await;
    let stored_after_drop = fake.uploaded_media(&id);
    let resent = append(&fake, &id, 0, &segment).await;

    assert!(dropped.is_err(), "{dropped:?}");
    assert_eq!(stored_after_drop, Some(Vec::new()));
    assert_eq!(fake.dropped_connections(), 1);
    assert_eq!(resent.status(), 200);
    assert_eq!(fake.uploaded_media(&id), Some(segment));
    assert_eq!(fake.request_count("POST", "/2/media/upload/*/append"), 1);
}

#[tokio::test]
async fn server_error_after_commit_creates_post() {
    let fake = FakeX::start().await;
    fake.inject(Fault::ServerErrorAfterCommit {
        method: Method::POST,
        path_prefix: "/2/tweets".to_owned(),
        times: 1,
        status: 503,
    });

    let response = create_post(&fake, json!({"text": "committed"})).await;

    assert_eq!(response.status(), 503);
    assert_ne!(header(&response, "x-rate-limit-remaining"), "");
    assert_eq!(body_json(response).await["status"], 503);
    assert_eq!(fake.posts().len(), 1);
    assert_eq!(fake.posts()[0].text, "committed");
}

#[tokio::test]
async fn timeout_fault_posts_nothing() {
    let fake = FakeX::start().await;
    fake.inject(Fault::Timeout {
        method: Method::POST,
        path_prefix: "/2/tweets".to_owned(),
        times: 1,
        delay: Duration::from_secs(3),
    });

    let result = http()
        .post(url(&fake, "/2/tweets"))
        .bearer_auth(fake.oauth2().access_token)
        .header("content-type", "application/json")
        .body(json!({"text": "slow"}).to_string())
        .timeout(Duration::from_millis(200))
        .send()
        .await;

    let error = result.expect_err("timed out");
    assert!(error.is_timeout(), "{error:?}");
    assert!(fake.posts().is_empty());
}

#[tokio::test]
async fn slow_after_commit_times_out_with_post_created() {
    let fake = FakeX::start().await;
    fake.inject(Fault::SlowAfterCommit {
        method: Method::POST,
        path_prefix: "/2/tweets".to_owned(),
        times: 1,
        delay: Duration::from_secs(3),
    });

    let result = http()
        .post(url(&fake, "/2/tweets"))
        .bearer_auth(fake.oauth2().access_token)
        .header("content-type", "application/json")
        .body(json!({"text": "slow but stored"}).to_string())
        .timeout(Duration::from_millis(200))
        .send()
        .await;

    assert!(result.expect_err("timed out").is_timeout());
    assert_eq!(fake.posts().len(), 1);
}

#[tokio::test]
async fn fault_matches_only_its_method() {
    let fake = FakeX::start().await;
    fake.inject(Fault::ServerError {
        method: Method::DELETE,
        path_prefix: "/2/tweets".to_owned(),
        times: 1,
        status: 500,
    });

    let created = create_post(&fake, json!({"text": "unaffected"})).await;

    assert_eq!(created.status(), 201);
}

#[test]
fn path_prefix_matching() {
    assert!(path_matches("/2/tweets", "/2/tweets"));
    assert!(path_matches("/2/tweets", "/2/tweets/123"));
    assert!(path_matches(
        "/2/media/upload/*/append",
        "/2/media/upload/18/append"
    ));
    assert!(path_matches(
        "/2/media/upload/*/",
        "/2/media/upload/18/finalize"
    ));
    assert!(!path_matches(
        "/2/media/upload/*/append",
        "/2/media/upload/initialize"
    ));
    assert!(!path_matches(
        "/2/media/upload/*/append",
        "/2/media/upload//append"
    ));
    assert!(!path_matches("/2/users", "/2/tweets"));
}

#[test]
fn front_pattern_uses_literal_tail() {
    let fault = |path_prefix: &str| Fault::DropConnection {
        method: Method::POST,
        path_prefix: path_prefix.to_owned(),
        times: 1,
    };

    assert_eq!(fault("/2/tweets").front_pattern(), "/2/tweets");
    assert_eq!(fault("/2/media/upload/*/append").front_pattern(), "/append");
    assert_eq!(
        fault("/2/media/upload/*").front_pattern(),
        "/2/media/upload/"
    );
}
