//! OAuth 1.0a signature checks and bearer tokens on API endpoints.

use reqwest::Method;
use serde_json::json;

use super::*;

const V1_AUTH_ERROR: &str = r#"{"errors":[{"message":"Could not authenticate you","code":32}]}"#;

async fn post_with_oauth1(fake: &FakeX, header: &str) -> Response {
    http()
        .post(url(fake, "/2/tweets"))
        .header("authorization", header)
        .header("content-type", "application/json")
        .body(json!({"text": "signed"}).to_string())
        .send()
        .await
        .expect("request sent")
}

#[tokio::test]
async fn oauth1_signed_json_post_accepted() {
    let fake = FakeX::start().await;
    let header = oauth1_header(&fake, "POST", &url(&fake, "/2/tweets"), &[]);

    let response = post_with_oauth1(&fake, &header).await;

    assert_eq!(response.status(), 201);
    assert_eq!(fake.posts().len(), 1);
}

#[tokio::test]
async fn oauth1_tampered_signature_rejected() {
    let fake = FakeX::start().await;
    let header = oauth1_header(&fake, "POST", &url(&fake, "/2/tweets"), &[]);
    let tampered = header.replacen("oauth_signature=\"", "oauth_signature=\"A", 1);

    let response = post_with_oauth1(&fake, &tampered).await;

    assert_eq!(response.status(), 401);
    assert_eq!(response.text().await.expect("body"), V1_AUTH_ERROR);
    assert!(fake.posts().is_empty());
}

#[tokio::test]
async fn oauth1_signature_over_wrong_url_rejected() {
    let fake = FakeX::start().await;
    let header = oauth1_header(&fake, "POST", "https://api.x.com/2/tweets", &[]);

    let response = post_with_oauth1(&fake, &header).await;

    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn oauth1_wrong_token_secret_rejected() {
    let fake = FakeX::start().await;
    let credentials = fake.oauth1();
    let token = oauth::Token::from_parts(
        credentials.consumer_key.as_str(),
        credentials.consumer_secret.as_str(),
        credentials.token.as_str(),
        "not-the-secret",
    );
    let header =
        oauth::Builder::with_token(token, oauth::HMAC_SHA1).post(url(&fake, "/2/tweets"), &());

    let response = post_with_oauth1(&fake, &header).await;

    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn oauth1_query_parameters_signed() {
    let fake = FakeX::start().await;
    let (id, _) = upload(
        &fake,
        &[0xFF, 0xD8, 0xFF, 0x00],
        "image/jpeg",
        "tweet_image",
        4,
    )
    .await;
    let base = url(&fake, "/2/media/upload");
    let query = [("command", "STATUS"), ("media_id", id.as_str())];
    let signed = oauth1_header(&fake, "GET", &base, &query);
    let unsigned_query = oauth1_header(&fake, "GET", &base, &[]);
    let target = format!("{base}?command=STATUS&media_id={id}");

    let accepted = http()
        .get(&target)
        .header("authorization", signed)
        .send()
        .await
        .expect("sent");
    let rejected = http()
        .get(&target)
        .header("authorization", unsigned_query)
        .send()
        .await
        .expect("sent");

    assert_eq!(accepted.status(), 200);
    assert_eq!(rejected.status(), 401);
}

#[tokio::test]
async fn oauth1_multipart_parts_not_signed() {
    let fake = FakeX::start().await;
    let id = initialize(&fake, "video/mp4", "tweet_video", 3).await;
    let target = url(&fake, &format!("/2/media/upload/{id}/append"));
    let oauth_only = oauth1_header(&fake, "POST", &target, &[]);
    let parts_signed = oauth1_header(&fake, "POST", &target, &[("segment_index", "0")]);

    let send_append = |header: String| {
        let form = segment_form(0, b"abc");
        http()
            .post(&target)
            .header("authorization", header)
            .header("content-type", form.content_type())
            .header("content-length", form.content_length())
            .body(form.into_body())
            .send()
    };
    let rejected = send_append(parts_signed).await.expect("sent");
    let accepted = send_append(oauth_only).await.expect("sent");

    assert_eq!(rejected.status(), 401);
    assert_eq!(accepted.status(), 200);
    assert_eq!(fake.uploaded_media(&id).as_deref(), Some(b"abc".as_slice()));
}

#[tokio::test]
async fn oauth1_form_body_signed() {
    let fake = FakeX::start().await;
    let target = url(&fake, "/2/tweets");
    let form = [(
        "status",
        "Hello Ladies + Gentlemen, a signed OAuth request!",
    )];
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let with_body = oauth1_header(&fake, "POST", &target, &form);
    let without_body = oauth1_header(&fake, "POST", &target, &[]);

    let send_form = |header: String| {
        http()
            .post(&target)
            .header("authorization", header)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
    };
    let signed = send_form(with_body).await.expect("sent");
    let unsigned = send_form(without_body).await.expect("sent");

    // Authenticated, then rejected because posts take JSON.
    assert_eq!(signed.status(), 400);
    assert_eq!(unsigned.status(), 401);
}

#[tokio::test]
async fn missing_authorization_gets_problem() {
    let fake = FakeX::start().await;

    let response = http()
        .get(url(&fake, "/2/users/me"))
        .send()
        .await
        .expect("sent");

    assert_eq!(response.status(), 401);
    let body = body_json(response).await;
    assert_eq!(
        body,
        json!({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})
    );
}

#[tokio::test]
async fn unknown_bearer_token_rejected() {
    let fake = FakeX::start().await;

    let response = http()
        .get(url(&fake, "/2/users/me"))
        .bearer_auth("not-a-token")
        .send()
        .await
        .expect("sent");

    assert_eq!(response.status(), 401);
    assert_eq!(body_json(response).await["detail"], "Unauthorized");
}

#[tokio::test]
async fn expired_access_token_rejected() {
    let fake = FakeX::start().await;
    fake.expire_access_token();

    let response = send(&fake, Method::GET, "/2/users/me").await;

    assert_eq!(response.status(), 401);
    assert_eq!(body_json(response).await["title"], "Unauthorized");
}

#[tokio::test]
async fn app_only_bearer_reads_but_cannot_post() {
    let fake = FakeX::start().await;
    let posted = body_json(create_post(&fake, json!({"text": "readable"})).await).await;
    let id = posted["data"]["id"].as_str().expect("id").to_owned();
    let bearer = fake.app_bearer_token();
    let app = |method: Method, path: &str| {
        http()
            .request(method, url(&fake, path))
            .bearer_auth(&bearer)
            .header("content-type", "application/json")
            .body(json!({"text": "as the app"}).to_string())
            .send()
    };

    let read = app(Method::GET, &format!("/2/tweets/{id}"))
        .await
        .expect("sent");
    let write = app(Method::POST, "/2/tweets").await.expect("sent");
    let me = app(Method::GET, "/2/users/me").await.expect("sent");

    assert_eq!(read.status(), 200);
    assert_eq!(write.status(), 403);
    assert_eq!(me.status(), 403);
    let body = body_json(write).await;
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("Application-Only")
    );
    assert_eq!(fake.posts().len(), 1);
}

#[tokio::test]
async fn requests_log_redacts_credentials() {
    let fake = FakeX::start().await;
    let token = fake.oauth2().access_token;

    send(&fake, Method::GET, "/2/users/me").await;

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer [redacted]")
    );
    assert!(!format!("{requests:?}").contains(&token));
}

#[test]
fn credentials_debug_redacts_secrets() {
    let oauth1 = crate::testing::FakeOAuth1Credentials {
        consumer_key: "key".to_owned(),
        consumer_secret: "secret-1".to_owned(),
        token: "token".to_owned(),
        token_secret: "secret-2".to_owned(),
    };
    let oauth2 = crate::testing::FakeOAuth2Credentials {
        client_id: "client".to_owned(),
        client_secret: "secret-3".to_owned(),
        access_token: "secret-4".to_owned(),
        refresh_token: "secret-5".to_owned(),
    };

    let printed = format!("{oauth1:?} {oauth2:?}");

    assert!(!printed.contains("secret-"), "{printed}");
    assert!(printed.contains("[redacted]"));
}
