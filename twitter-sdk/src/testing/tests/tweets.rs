//! Posts, lookups, deletes, `users/me` and rate-limit headers.

use std::io::Read;

use reqwest::Method;
use serde_json::json;

use super::*;

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn create_returns_201_with_19_digit_id() {
    let fake = FakeX::start().await;

    let response = create_post(&fake, json!({"text": "hello"})).await;

    assert_eq!(response.status(), 201);
    let body = body_json(response).await;
    let id = body["data"]["id"].as_str().expect("id");
    assert_eq!(id.len(), 19);
    assert!(id.parse::<u64>().expect("digits") > 1 << 53);
    assert_eq!(body["data"]["text"], "hello");
    assert_eq!(body["data"]["edit_history_tweet_ids"], json!([id]));
    let posts = fake.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].id, id);
    assert_eq!(posts[0].text, "hello");
}

#[tokio::test]
async fn create_records_reply_poll_and_settings() {
    let fake = FakeX::start().await;
    let first = body_json(create_post(&fake, json!({"text": "first"})).await).await;
    let first_id = first["data"]["id"].as_str().expect("id").to_owned();

    let response = create_post(
        &fake,
        json!({
            "text": "second",
            "reply": {"in_reply_to_tweet_id": first_id},
            "poll": {"options": ["yes", "no"], "duration_minutes": 60},
            "reply_settings": "following",
        }),
    )
    .await;

    assert_eq!(response.status(), 201);
    let post = fake.posts().pop().expect("post");
    assert_eq!(
        post.in_reply_to_tweet_id.as_deref(),
        Some(first_id.as_str())
    );
    let poll = post.poll.expect("poll");
    assert_eq!(poll.options, ["yes", "no"]);
    assert_eq!(poll.duration_minutes, 60);
    assert_eq!(post.reply_settings.as_deref(), Some("following"));
}

#[tokio::test]
async fn create_rejects_invalid_bodies() {
    let fake = FakeX::start().await;
    let too_long = "a".repeat(281);
    let long_option = "o".repeat(26);
    let cases = [
        json!({}),
        json!({"text": 5}),
        json!({"text": ""}),
        json!({"text": too_long}),
        json!({"text": "x", "unknown": 1}),
        json!({"text": "x", "media": {"media_ids": ["1", "2", "3", "4", "5"]}}),
        json!({"text": "x", "media": {"media_ids": [1880000000000000001u64]}}),
        json!({"text": "x", "media": {"media_ids": []}}),
        json!({"text": "x", "poll": {"options": ["one"], "duration_minutes": 60}}),
        json!({"text": "x", "poll": {"options": ["a", long_option], "duration_minutes": 60}}),
        json!({"text": "x", "poll": {"options": ["a", "b"], "duration_minutes": 4}}),
        json!({"text": "x", "poll": {"options": ["a", "b"], "duration_minutes": 10_081}}),
        json!({"text": "x", "reply_settings": "everyone"}),
        json!({"text": "x", "reply": {}}),
        json!({"text": "x", "quote_tweet_id": "12a"}),
    ];

    for case in cases {
        let response = create_post(&fake, case.clone()).await;

        assert_eq!(response.status(), 400, "{case}");
        let body = body_json(response).await;
        assert_eq!(
            body["type"], "https://api.x.com/2/problems/invalid-request",
            "{case}"
        );
        assert!(body["errors"][0]["message"].is_string(), "{case}");
    }
    assert!(fake.posts().is_empty());
}

#[tokio::test]
async fn create_counts_characters_not_bytes() {
    let fake = FakeX::start().await;

    let response = create_post(&fake, json!({"text": "é".repeat(280)})).await;

    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn create_rejects_non_json_content_type() {
    let fake = FakeX::start().await;

    let response = http()
        .post(url(&fake, "/2/tweets"))
        .bearer_auth(fake.oauth2().access_token)
        .header("content-type", "text/plain")
        .body(json!({"text": "x"}).to_string())
        .send()
        .await
        .expect("sent");

    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn duplicate_text_gets_gzipped_403() {
    let fake = FakeX::start().await;
    create_post(&fake, json!({"text": "same"})).await;
    let no_gzip = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .build()
        .expect("client");

    let response = no_gzip
        .post(url(&fake, "/2/tweets"))
        .bearer_auth(fake.oauth2().access_token)
        .header("content-type", "application/json")
        .body(json!({"text": "same"}).to_string())
        .send()
        .await
        .expect("sent");

    assert_eq!(response.status(), 403);
    assert_eq!(header(&response, "content-encoding"), "gzip");
    assert_eq!(header(&response, "x-rate-limit-remaining"), "98");
    let compressed = response.bytes().await.expect("body");
    let mut text = String::new();
    flate2::read::GzDecoder::new(compressed.as_ref())
        .read_to_string(&mut text)
        .expect("gzip body");
    let body: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        body,
        json!({
            "detail": "You are not allowed to create a Tweet with duplicate content.",
            "type": "about:blank",
            "title": "Forbidden",
            "status": 403,
        })
    );
    assert_eq!(fake.posts().len(), 1);
}

#[tokio::test]
async fn reply_to_unknown_post_forbidden() {
    let fake = FakeX::start().await;

    let response = create_post(
        &fake,
        json!({"text": "hi", "reply": {"in_reply_to_tweet_id": "1234567890123456789"}}),
    )
    .await;

    assert_eq!(response.status(), 403);
    assert!(fake.posts().is_empty());
}

#[tokio::test]
async fn get_and_delete_post() {
    let fake = FakeX::start().await;
    let created = body_json(create_post(&fake, json!({"text": "short-lived"})).await).await;
    let id = created["data"]["id"].as_str().expect("id").to_owned();
    let path = format!("/2/tweets/{id}");

    let found = body_json(send(&fake, Method::GET, &path).await).await;
    let deleted = send(&fake, Method::DELETE, &path).await;
    let deleted_again = send(&fake, Method::DELETE, &path).await;
    let missing = send(&fake, Method::GET, &path).await;

    assert_eq!(found["data"]["text"], "short-lived");
    assert_eq!(deleted.status(), 200);
    assert_eq!(body_json(deleted).await, json!({"data": {"deleted": true}}));
    assert_eq!(deleted_again.status(), 404);
    assert_eq!(missing.status(), 200);
    let missing = body_json(missing).await;
    assert!(missing.get("data").is_none());
    assert_eq!(missing["errors"][0]["resource_id"], id.as_str());
    assert!(fake.posts()[0].deleted);
}

#[tokio::test]
async fn get_adds_requested_fields() {
    let fake = FakeX::start().await;
    let created = body_json(create_post(&fake, json!({"text": "fields"})).await).await;
    let id = created["data"]["id"].as_str().expect("id").to_owned();

    let path = format!("/2/tweets/{id}?tweet.fields=author_id,created_at");
    let body = body_json(send(&fake, Method::GET, &path).await).await;

    assert_eq!(body["data"]["author_id"], fake.user().id.as_str());
    let created_at = body["data"]["created_at"].as_str().expect("created_at");
    assert_eq!(created_at.len(), "2026-12-04T15:59:15.000Z".len());
    assert!(created_at.ends_with(".000Z"));
}

#[tokio::test]
async fn users_me_returns_fake_user() {
    let fake = FakeX::start().await;
    let user = fake.user();

    let body = body_json(send(&fake, Method::GET, "/2/users/me").await).await;

    assert_eq!(
        body,
        json!({"data": {"id": user.id, "name": user.name, "username": user.username}})
    );
}

#[tokio::test]
async fn unknown_path_gets_404() {
    let fake = FakeX::start().await;

    let response = send(&fake, Method::GET, "/2/spaces").await;

    assert_eq!(response.status(), 404);
    assert_eq!(body_json(response).await["errors"][0]["code"], 34);
}

#[tokio::test]
async fn every_response_has_rate_limit_and_transaction_headers() {
    let fake = FakeX::start().await;

    let first = send(&fake, Method::GET, "/2/users/me").await;
    let second = send(&fake, Method::GET, "/2/users/me").await;
    let post = create_post(&fake, json!({"text": "counted"})).await;

    assert_eq!(header(&first, "x-rate-limit-limit"), "75");
    assert_eq!(header(&first, "x-rate-limit-remaining"), "74");
    assert_eq!(header(&second, "x-rate-limit-remaining"), "73");
    let reset: u64 = header(&first, "x-rate-limit-reset")
        .parse()
        .expect("epoch seconds");
    assert!(reset > crate::testing::state::now_epoch());
    assert_ne!(header(&first, "x-transaction-id"), "");
    assert_ne!(
        header(&first, "x-transaction-id"),
        header(&second, "x-transaction-id")
    );
    assert_eq!(header(&post, "x-user-limit-24hour-limit"), "10000");
    assert_eq!(header(&post, "x-user-limit-24hour-remaining"), "9999");
    assert_eq!(header(&post, "x-app-limit-24hour-remaining"), "9999");
    assert_ne!(header(&post, "x-app-limit-24hour-reset"), "");
    assert_eq!(header(&first, "x-user-limit-24hour-limit"), "");
}

#[tokio::test]
async fn daily_post_limit_gives_429() {
    let fake = FakeX::start().await;
    fake.set_daily_post_limits(2, 100);

    create_post(&fake, json!({"text": "one"})).await;
    create_post(&fake, json!({"text": "two"})).await;
    let third = create_post(&fake, json!({"text": "three"})).await;

    assert_eq!(third.status(), 429);
    assert_eq!(header(&third, "x-user-limit-24hour-remaining"), "0");
    assert_eq!(header(&third, "x-app-limit-24hour-remaining"), "98");
    assert_eq!(header(&third, "x-rate-limit-remaining"), "98");
    assert_eq!(body_json(third).await["status"], 429);
    assert_eq!(fake.posts().len(), 2);
}
