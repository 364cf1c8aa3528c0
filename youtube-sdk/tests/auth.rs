//! The Google refresh grant, refresh on 401, single-flight refresh, and
//! secrets kept out of output.

#[path = "support/helpers.rs"]
mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use social_core::{
    Error, ErrorKind, HttpSettings, RefreshGrant, Secret, Timer, TokenProvider, TokenSet,
    UnexpectedBody,
};
use support::{fake_builder, fixture, mount_catch_all, timer};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use youtube_sdk::testing::{FakeYouTube, Fault};
use youtube_sdk::{Client, GoogleRefreshGrant, google_token_provider};

const FORM: &str = "grant_type=refresh_token&refresh_token=1%2F%2F0gRefresh&client_id=cid.apps.googleusercontent.com&client_secret=GOCSPX-secret";

fn grant(
    server: &MockServer,
    clock: &Arc<social_core::testing::ManualTimer>,
) -> GoogleRefreshGrant {
    GoogleRefreshGrant::builder("cid.apps.googleusercontent.com", "GOCSPX-secret")
        .token_url(format!("{}/token", server.uri()))
        .http_settings(HttpSettings::default().no_proxy())
        .timer(clock.clone())
        .build()
        .expect("grant")
}

fn token_endpoint() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(FORM))
}

fn json(name: &str, status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

#[tokio::test]
async fn refresh_without_new_refresh_token_keeps_old_one() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(json("token_refreshed.json", 200))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let clock = timer();
    let saved = Arc::new(Mutex::new(None));
    let sink = saved.clone();
    let tokens = TokenSet::new("").with_refresh_token("1//0gRefresh");
    let provider = google_token_provider(grant(&server, &clock), tokens)
        .on_refresh(move |set| *sink.lock().expect("lock") = Some(set.clone()));

    let token = provider
        .access_token()
        .await
        .expect("refreshed before first use");

    assert_eq!(token.expose(), "ya29.a0AfB_refreshed");
    let saved = saved.lock().expect("lock").clone().expect("callback ran");
    assert_eq!(
        saved.refresh_token.as_ref().map(Secret::expose),
        Some("1//0gRefresh")
    );
    assert_eq!(
        saved.expires_at,
        Some(clock.now() + Duration::from_secs(3599))
    );
    assert_eq!(saved.scopes.len(), 2);
}

#[tokio::test]
async fn refresh_token_rejected_asks_for_reconsent() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(json("token_invalid_grant.json", 400))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let error = grant(&server, &timer())
        .refresh(&Secret::new("1//0gRefresh"))
        .await
        .expect_err("revoked");

    let Error::Auth(auth) = &error else {
        panic!("expected Auth, got {error}")
    };
    assert!(auth.requires_reauthorization());
    assert!(
        error
            .to_string()
            .contains("Token has been expired or revoked."),
        "{error}"
    );
    assert!(error.to_string().contains("re-consent"), "{error}");
}

#[tokio::test]
async fn invalid_client_is_auth_without_reauthorization() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(json("token_invalid_client.json", 401))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let error = grant(&server, &timer())
        .refresh(&Secret::new("1//0gRefresh"))
        .await
        .expect_err("bad client");

    let Error::Auth(auth) = &error else {
        panic!("expected Auth, got {error}")
    };
    assert!(!auth.requires_reauthorization());
    assert!(
        error.to_string().contains("client id and secret"),
        "{error}"
    );
}

#[tokio::test]
async fn token_endpoint_5xx_is_retried() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(
            ResponseTemplate::new(503).set_body_raw(fixture("proxy_502.html"), "text/html"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    token_endpoint()
        .respond_with(json("token_refreshed.json", 200))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let tokens = grant(&server, &timer())
        .refresh(&Secret::new("1//0gRefresh"))
        .await
        .expect("second try");

    assert_eq!(tokens.access_token.expose(), "ya29.a0AfB_refreshed");
}

#[tokio::test]
async fn token_endpoint_html_or_empty_is_unexpected_response() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(fixture("captive_portal.html"), "text/html"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    token_endpoint()
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let grant = grant(&server, &timer());

    let html = grant
        .refresh(&Secret::new("1//0gRefresh"))
        .await
        .expect_err("html");
    let empty = grant
        .refresh(&Secret::new("1//0gRefresh"))
        .await
        .expect_err("empty");

    assert!(
        matches!(&html, Error::UnexpectedResponse(u) if u.body_kind() == UnexpectedBody::HtmlPage),
        "{html}"
    );
    assert!(
        matches!(&empty, Error::UnexpectedResponse(u) if u.body_kind() == UnexpectedBody::Empty),
        "{empty}"
    );
}

#[tokio::test]
async fn non_bearer_token_type_is_rejected() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token":"x","token_type":"MAC"})),
        )
        .mount(&server)
        .await;

    let error = grant(&server, &timer())
        .refresh(&Secret::new("1//0gRefresh"))
        .await
        .expect_err("mac");

    assert!(matches!(error, Error::Auth(_)));
}

#[tokio::test]
async fn token_refreshed_ahead_of_expiry() {
    let fake = FakeYouTube::start().await;
    fake.add_video(serde_json::json!({"id": "abc123"}));
    let clock = timer();
    let tokens = TokenSet::new(youtube_sdk::testing::INITIAL_ACCESS_TOKEN)
        .with_refresh_token(youtube_sdk::testing::REFRESH_TOKEN)
        .with_expires_at(clock.now() + Duration::from_secs(30));
    let client = fake_builder(&fake, &clock)
        .token_set(tokens)
        .build()
        .expect("client");

    client.get_video("abc123").await.expect("video");

    assert_eq!(fake.token_requests(), 1);
    assert!(fake.requests().iter().all(|r| r.status != 401));
}

#[tokio::test]
async fn access_token_expired_refreshes_once_single_flight() {
    let fake = FakeYouTube::start().await;
    fake.add_video(serde_json::json!({"id": "abc123"}));
    let client = fake_builder(&fake, &timer()).build().expect("client");
    fake.expire_access_tokens();

    let calls = (0..5).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get_video("abc123").await })
    });
    let results = futures_join(calls).await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(fake.token_requests(), 1);
}

async fn futures_join<T: Send + 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<social_core::Result<T>>>,
) -> Vec<social_core::Result<T>> {
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.expect("task"));
    }
    results
}

#[tokio::test]
async fn refresh_rejected_again_is_returned_not_looped() {
    let fake = FakeYouTube::start().await;
    fake.add_video(serde_json::json!({"id": "abc123"}));
    let client = fake_builder(&fake, &timer()).build().expect("client");
    fake.expire_access_tokens();
    fake.inject(Fault::RevokeRefreshToken);

    let error = client.get_video("abc123").await.expect_err("revoked");

    assert!(
        matches!(&error, Error::Auth(a) if a.requires_reauthorization()),
        "{error}"
    );
    assert_eq!(fake.token_requests(), 1);
}

#[tokio::test]
async fn static_token_rejected_says_what_to_do() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .respond_with(json("auth_error.json", 401))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = support::mock_builder(&server, &timer())
        .build()
        .expect("client");

    let error = client.get_video("abc123").await.expect_err("rejected");

    assert_eq!(error.kind(), ErrorKind::InvalidToken);
    assert!(matches!(&error, Error::Auth(_)), "{error}");
    assert!(error.to_string().contains("refresh token"), "{error}");
}

#[tokio::test]
async fn bare_401_triggers_one_refresh() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .and(header("authorization", "Bearer ya29.expired"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .and(header("authorization", "Bearer ya29.a0AfB_refreshed"))
        .respond_with(json("videos_list_statistics.json", 200))
        .expect(1)
        .mount(&server)
        .await;
    token_endpoint()
        .respond_with(json("token_refreshed.json", 200))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = Client::builder()
        .root_url(format!("{}/", server.uri()))
        .token_url(format!("{}/token", server.uri()))
        .oauth_client("cid.apps.googleusercontent.com", "GOCSPX-secret")
        .refresh_token("1//0gRefresh")
        .access_token("ya29.expired")
        .timer(timer())
        .http_settings(HttpSettings::default().no_proxy())
        .build()
        .expect("client");

    let video = client
        .get_video("dQw4w9WgXcQ")
        .await
        .expect("after refresh");

    assert_eq!(video.id, "dQw4w9WgXcQ");
}

#[tokio::test]
async fn huge_token_lifetimes_do_not_panic() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"ya29.long","expires_in":18446744073709551615,
                "refresh_token_expires_in":18446744073709551615,"token_type":"Bearer"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let tokens = grant(&server, &timer())
        .refresh(&Secret::new("1//0gRefresh"))
        .await
        .expect("refreshed");

    assert_eq!(tokens.access_token.expose(), "ya29.long");
    assert_eq!(tokens.expires_at, None);
    assert_eq!(tokens.refresh_expires_at, None);
}

#[tokio::test]
async fn token_endpoint_text_body_is_withheld() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "access_token=ya29.leaked-access&refresh_token=1//leaked-refresh",
            "text/plain",
        ))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let error = grant(&server, &timer())
        .refresh(&Secret::new("1//0gRefresh"))
        .await
        .expect_err("not JSON");

    let printed = format!("{error} {error:?}");
    assert!(
        matches!(&error, Error::UnexpectedResponse(u) if u.body_kind() == UnexpectedBody::Text),
        "{error}"
    );
    assert!(!printed.contains("leaked-access"), "{printed}");
    assert!(!printed.contains("leaked-refresh"), "{printed}");
}

#[tokio::test]
async fn refreshed_token_with_line_break_rejected() {
    let server = MockServer::start().await;
    token_endpoint()
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"ya29.bad\r\nX-Injected: 1","expires_in":3599,"token_type":"Bearer"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = Client::builder()
        .root_url(format!("{}/", server.uri()))
        .token_url(format!("{}/token", server.uri()))
        .oauth_client("cid.apps.googleusercontent.com", "GOCSPX-secret")
        .refresh_token("1//0gRefresh")
        .timer(timer())
        .http_settings(HttpSettings::default().no_proxy())
        .build()
        .expect("client");

    let error = client.get_video("dQw4w9WgXcQ").await.expect_err("unusable");

    assert!(
        matches!(&error, Error::UnexpectedResponse(u) if u.body_kind() == UnexpectedBody::MissingField),
        "{error}"
    );
    assert!(!error.to_string().contains("X-Injected"), "{error}");
}

#[tokio::test]
async fn header_unsafe_credentials_rejected_before_sending() {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    let base = || {
        Client::builder()
            .root_url(format!("{}/", server.uri()))
            .token_url(format!("{}/token", server.uri()))
            .http_settings(HttpSettings::default().no_proxy())
    };
    let cases = [
        (
            base()
                .oauth_client("cid", "GOCSPX-secret")
                .refresh_token("1//0gRefresh\n"),
            "refresh_token",
        ),
        (
            base()
                .oauth_client("cid", "GOCSPX-secret")
                .refresh_token("1//0g Refresh"),
            "refresh_token",
        ),
        (
            base()
                .oauth_client("cid", "GOCSPX-secret")
                .refresh_token("1//0gRefresh")
                .access_token("ya29.token\r\n"),
            "access_token",
        ),
        (
            base()
                .oauth_client("cid", "GOCSPX-secret\n")
                .refresh_token("1//0gRefresh"),
            "client_secret",
        ),
        (
            base()
                .oauth_client("cid\n", "GOCSPX-secret")
                .refresh_token("1//0gRefresh"),
            "client_id",
        ),
    ];

    for (builder, field) in cases {
        let error = builder.build().expect_err(field);

        let Error::InvalidInput(input) = &error else {
            panic!("expected InvalidInput for {field}, got {error}")
        };
        assert_eq!(input.field(), field);
    }
}

/// A provider that hands out a token an HTTP header cannot carry.
#[derive(Debug)]
struct BrokenProvider;

#[async_trait::async_trait]
impl TokenProvider for BrokenProvider {
    async fn access_token(&self) -> social_core::Result<Secret> {
        Ok(Secret::new("ya29.token\r\nX-Injected: 1"))
    }

    async fn refresh_rejected(&self, _rejected: &Secret) -> social_core::Result<Secret> {
        self.access_token().await
    }

    fn platform(&self) -> social_core::Platform {
        social_core::Platform::YouTube
    }
}

#[tokio::test]
async fn unsafe_provider_token_is_auth_error() {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    let client = support::mock_builder(&server, &timer())
        .token_provider(Arc::new(BrokenProvider))
        .build()
        .expect("client");
    let (_dir, file) = support::video_file(support::GRANULE);

    let read = client.get_video("dQw4w9WgXcQ").await.expect_err("read");
    let upload = client
        .upload_video(youtube_sdk::VideoMetadata::new("t"), &file)
        .send()
        .await
        .expect_err("upload");

    assert!(matches!(&read, Error::Auth(_)), "{read}");
    assert!(matches!(&upload, Error::Auth(_)), "{upload}");
}
