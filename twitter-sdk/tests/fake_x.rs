//! End-to-end flows against `FakeX`, which checks OAuth 1.0a signatures the
//! way X does and rotates OAuth 2.0 tokens.

use std::sync::Arc;

use social_core::testing::ManualTimer;
use social_core::{ErrorKind, HttpSettings, TokenSet};
use twitter_sdk::testing::FakeX;
use twitter_sdk::{Client, MediaUpload, NewPost, OAuth1Credentials, OAuth2App};

const TEXT: &str = "Hello! It's (50%) off* — £5 🎉";

fn client(fake: &FakeX, secret: &str) -> Client {
    let keys = fake.oauth1();
    let credentials =
        OAuth1Credentials::new(keys.consumer_key, secret, keys.token, keys.token_secret)
            .expect("credentials");
    Client::builder()
        .base_url(fake.base_url())
        .http_settings(HttpSettings::default().no_proxy())
        .timer(Arc::new(ManualTimer::new()))
        .chunk_size(128 * 1024)
        .oauth1(credentials)
        .build()
        .expect("client")
}

#[tokio::test]
async fn signed_emoji_post_accepted() {
    let fake = FakeX::start().await;
    let client = client(&fake, &fake.oauth1().consumer_secret);

    let post = client
        .create_post(&NewPost::new(TEXT))
        .await
        .expect("signature accepted");

    assert_eq!(post.text, TEXT);
    assert_eq!(fake.posts().len(), 1);
}

#[tokio::test]
async fn wrong_secret_rejected_with_code_32() {
    let fake = FakeX::start().await;
    let client = client(&fake, "WRONG_CONSUMER_SECRET");

    let err = client
        .create_post(&NewPost::new(TEXT))
        .await
        .expect_err("bad signature");

    assert_eq!(err.kind(), ErrorKind::InvalidToken);
    assert_eq!(err.as_api().and_then(|a| a.code()), Some("32"));
    assert_eq!(fake.request_count("POST", "/2/tweets"), 1);
    assert!(fake.posts().is_empty());
}

#[tokio::test]
async fn video_post_end_to_end() {
    let fake = FakeX::start().await;
    let client = client(&fake, &fake.oauth1().consumer_secret);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/media/sample.mp4");

    let video = client
        .upload_media(MediaUpload::file(&path))
        .await
        .expect("uploaded");
    let post = client
        .create_post(&NewPost::new("").media(&video))
        .await
        .expect("posted");

    assert_eq!(
        fake.uploaded_media(&video.id),
        Some(std::fs::read(&path).expect("file"))
    );
    assert_eq!(fake.posts()[0].media_ids, vec![video.id.clone()]);
    assert_eq!(post.id, fake.posts()[0].id);
}

#[tokio::test]
async fn rotated_tokens_reach_callback() {
    let fake = FakeX::start().await;
    let keys = fake.oauth2();
    let app = OAuth2App::new(keys.client_id.clone(), "http://127.0.0.1/callback")
        .expect("app")
        .client_secret(keys.client_secret.clone())
        .expect("secret")
        .token_url(&format!("{}2/oauth2/token", fake.base_url()))
        .expect("token url");
    let saved = Arc::new(std::sync::Mutex::new(None));
    let slot = saved.clone();
    let callback: social_core::auth::TokenCallback = Arc::new(move |set: &TokenSet| {
        *slot.lock().expect("lock") = set.refresh_token.clone();
    });
    let client = Client::builder()
        .base_url(fake.base_url())
        .http_settings(HttpSettings::default().no_proxy())
        .oauth2(
            app,
            TokenSet::new(keys.access_token.clone()).with_refresh_token(keys.refresh_token.clone()),
            Some(callback),
        )
        .build()
        .expect("client");
    fake.expire_access_token();

    let post = NewPost::new("after refresh");
    let (a, b) = tokio::join!(client.me(), client.create_post(&post));

    assert!(a.is_ok(), "{a:?}");
    assert!(b.is_ok(), "{b:?}");
    assert_eq!(fake.refresh_count(), 1);
    assert_eq!(
        fake.refresh_tokens_received(),
        vec![keys.refresh_token.clone()]
    );
    let persisted = saved.lock().expect("lock").clone().expect("callback ran");
    assert_eq!(persisted.expose(), fake.oauth2().refresh_token);
}
